#include "attn_ui/main_window.h"

#include <qcustomplot.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

#include "attn/examples.h"
#include "attn/models/model_loader.h"
#include "attn/shown_trace.h"
#include "attn/trace_views.h"
#include "attn_ui/data_export.h"
#include "attn_ui/examples_menu.h"
#include "attn_ui/export_image_dialog.h"
#include "attn_ui/gradients.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/language.h"
#include "attn_ui/line_view.h"
#include "attn_ui/live_engine.h"
#include "attn_ui/model_box.h"
#include "attn_ui/model_grid_view.h"
#include "attn_ui/pipeline_view.h"
#include "attn_ui/scenario_settings.h"
#include "attn_ui/settings_panel.h"
#include "attn_ui/view_bar.h"

namespace attn::ui {

MainWindow::MainWindow(QSettings* settings, QWidget* parent)
    : QMainWindow(parent), settings_(settings) {
  setObjectName(QStringLiteral("mainWindow"));

  view_ = new HeatmapView;
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("viewTabs"));
  tabs_->setDocumentMode(true);
  tabs_->addTab(view_, QString());
  central_ = new QWidget;
  auto* central_layout = new QVBoxLayout(central_);
  central_layout->setContentsMargins(0, 0, 0, 0);
  central_layout->setSpacing(0);
  central_layout->addWidget(tabs_, 1);
  setCentralWidget(central_);
  default_label_points_ = label_points_ = font().pointSize() > 0 ? font().pointSize() : 9;
  connect(view_, &HeatmapView::focusedHeadChanged, this, &MainWindow::followFocusedHead);
  connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::followFocusedHead);
  connect(view_, &HeatmapView::keyLabelClicked, this, &MainWindow::toggleMaskedKey);
  connect(view_, &HeatmapView::cellClicked, this, &MainWindow::toggleMaskedCell);

  settings_scroll_ = new QScrollArea;
  settings_scroll_->setWidgetResizable(true);
  settings_scroll_->setFrameShape(QFrame::NoFrame);
  settings_dock_ = new QDockWidget(this);
  settings_dock_->setObjectName(QStringLiteral("settingsDock"));
  settings_dock_->setWidget(settings_scroll_);
  settings_dock_->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::LeftDockWidgetArea, settings_dock_);

  status_ = new QLabel(this);
  statusBar()->addWidget(status_, 1);
  load_progress_ = new QProgressBar(this);
  load_progress_->setObjectName(QStringLiteral("modelLoadProgress"));
  load_progress_->setRange(0, 0);  // load_model gives no fraction: a busy bar
  load_progress_->setMaximumWidth(160);
  load_progress_->hide();
  load_cancel_ = new QPushButton(this);
  load_cancel_->setObjectName(QStringLiteral("modelLoadCancel"));
  load_cancel_->hide();
  statusBar()->addPermanentWidget(load_progress_);
  statusBar()->addPermanentWidget(load_cancel_);
  connect(load_cancel_, &QPushButton::clicked, this, &MainWindow::cancelModelLoading);
  connect(&loader_, &QFutureWatcher<ModelLoad>::finished, this, &MainWindow::onModelLoaded);
  connect(&translator_, &QFutureWatcher<TranslationResult>::finished, this,
          &MainWindow::onTranslated);
  // Layers as pages: PageDown goes deeper into the model. On the pipeline tab the keys are the
  // presentation clicker's (a stage forward or back): these stand aside there.
  for (const auto& [key, step] : {std::pair{Qt::Key_PageUp, -1}, std::pair{Qt::Key_PageDown, 1}}) {
    auto* shortcut = new QShortcut(QKeySequence(key), this);
    connect(shortcut, &QShortcut::activated, this, [this, step = step] { stepLayer(step); });
    layer_keys_.append(shortcut);
  }
  connect(tabs_, &QTabWidget::currentChanged, this, [this] {
    for (QShortcut* shortcut : layer_keys_)
      shortcut->setEnabled(tabs_->currentWidget() != pipeline_);
  });

  engine_ = new LiveEngine(this);
  toy_model_ = engine_->model();
  computing_ = new QLabel(this);
  computing_->setObjectName(QStringLiteral("computingIndicator"));
  computing_->hide();
  statusBar()->addPermanentWidget(computing_);
  connect(engine_, &LiveEngine::workerBusyChanged, computing_, &QWidget::setVisible);
  connect(engine_, &LiveEngine::finished, this, &MainWindow::onTrace);
  connect(engine_, &LiveEngine::failed, this, &MainWindow::onFailed);

  shipped_models_ = attn::list_shipped_models(attn::shipped_model_roots());
  buildTranslatedParts();
  resize(1400, 900);
  restoreSettings();
  onScenarioChanged();
}

void MainWindow::buildTranslatedParts() {
  setWindowTitle(tr("attnviz — attention, head by head"));
  settings_dock_->setWindowTitle(tr("Input and settings"));

  auto* dock_page = new QWidget;
  auto* dock_layout = new QVBoxLayout(dock_page);
  dock_layout->setContentsMargins(0, 0, 0, 0);
  model_box_ = new ModelBox;
  model_box_->setContentsMargins(9, 9, 9, 0);
  settings_panel_ = new SettingsPanel;
  dock_layout->addWidget(model_box_);
  dock_layout->addWidget(settings_panel_, 1);
  settings_scroll_->setWidget(dock_page);  // deletes the previous page, panel and box
  connect(settings_panel_, &SettingsPanel::scenarioChanged, this, &MainWindow::onScenarioChanged);
  connect(model_box_, &ModelBox::modelChosen, this, &MainWindow::chooseModel);
  connect(settings_panel_, &SettingsPanel::translateRequested, this, &MainWindow::translateSource);
  connect(model_box_, &ModelBox::openRequested, this, &MainWindow::chooseAndOpenModel);
  refreshModelBox();
  load_cancel_->setText(tr("Cancel"));
  computing_->setText(tr("Computing…"));
  computing_->setToolTip(
      tr("A long input is being computed; typing goes on, and the newest "
         "text is computed next"));
  load_cancel_->setToolTip(tr("Stop opening the model; the model in use stays"));

  const attn::ShownAs shown_as = view_bar_ ? view_bar_->shownAs() : attn::ShownAs{};
  const bool ignore_first_key = view_bar_ && view_bar_->ignoreFirstKey();
  const bool mark_strongest = view_bar_ && view_bar_->markStrongest();
  delete view_bar_;
  view_bar_ = new ViewBar;
  static_cast<QVBoxLayout*>(central_->layout())->insertWidget(0, view_bar_);
  view_bar_->setShownAs(shown_as);
  view_bar_->setIgnoreFirstKey(ignore_first_key);
  view_bar_->setMarkStrongest(mark_strongest);
  connect(view_bar_, &ViewBar::markStrongestChanged, view_, &HeatmapView::setMarkStrongest);
  view_bar_->setLayerCount(computed_ ? computed_->layers() : 1);
  view_bar_->setLayer(layer_);
  view_bar_->setPairAvailable(computed_ && attn::has_sentence_pair(*computed_));
  connect(view_bar_, &ViewBar::layerChanged, this, &MainWindow::setLayer);
  connect(view_bar_, &ViewBar::shownAsChanged, this, &MainWindow::showComputed);
  connect(view_bar_, &ViewBar::ignoreFirstKeyChanged, this, [this](bool ignore) {
    view_->setIgnoreFirstKey(ignore);
    rollout_->setIgnoreFirstKey(ignore);
    model_grid_->setIgnoreFirstKey(ignore);
  });

  const int current = tabs_->currentIndex();
  while (tabs_->count() > 1) {
    QWidget* page = tabs_->widget(1);
    tabs_->removeTab(1);
    delete page;
  }
  pipeline_ = new PipelineView;
  lines_ = new LineView;
  model_grid_ = new ModelGridView;
  model_grid_->setIgnoreFirstKey(ignore_first_key);
  rollout_ = new HeatmapView;
  rollout_->setObjectName(QStringLiteral("rolloutView"));
  rollout_->setIgnoreFirstKey(ignore_first_key);
  auto* no_rollout =
      new QLabel(tr("Rollout follows attention back through the layers of one sequence's "
                    "self-attention; this input has none (cross attention only)."));
  no_rollout->setAlignment(Qt::AlignCenter);
  no_rollout->setWordWrap(true);
  rollout_stack_ = new QStackedWidget;
  rollout_stack_->addWidget(no_rollout);
  rollout_stack_->addWidget(rollout_);
  tabs_->addTab(pipeline_, QString());
  tabs_->addTab(lines_, QString());
  tabs_->addTab(model_grid_, QString());
  tabs_->addTab(rollout_stack_, QString());
  tabs_->setTabText(0, tr("&Heatmaps"));
  tabs_->setTabText(1, tr("&Pipeline (step by step)"));
  tabs_->setTabText(2, tr("&Lines"));
  tabs_->setTabText(3, tr("&Model (layers × heads)"));
  tabs_->setTabText(4, tr("&Rollout"));
  tabs_->setTabToolTip(3, tr("Every layer's heads at a glance: hover for the strongest query → "
                             "key, click to show that layer and head in the other tabs"));
  tabs_->setTabToolTip(4, tr("Attention rollout (Abnar & Zuidema 2020): per layer the heads' "
                             "mean plus the identity, rows renormalised, multiplied through "
                             "the layers up to the chosen one"));
  tabs_->setCurrentIndex(std::max(0, current));
  connect(pipeline_, &PipelineView::headChosen, view_, &HeatmapView::setFocusedHead);
  connect(model_grid_, &ModelGridView::panelChosen, this, [this](int block, int head) {
    if (!computed_ || block < 0 || block >= int(computed_->blocks.size())) return;
    setLayer(computed_->blocks[std::size_t(block)].layer);
    view_->setFocusedHead(head);
    followFocusedHead();
  });

  // Menus own their actions: deleting the menus removes every old action.
  for (QMenu* menu : menuBar()->findChildren<QMenu*>(QString(), Qt::FindDirectChildrenOnly))
    delete menu;
  menuBar()->clear();
  delete gradient_actions_;
  buildMenus();
}

void MainWindow::setLanguage(const QString& code) {
  if (!install_language(code)) return;
  if (settings_) settings_->setValue(QStringLiteral("ui/language"), code);
  const Session session = currentSession();
  const bool presenting = presentation_.active;
  buildTranslatedParts();
  applySession(session);
  if (presenting) {
    settings_dock_->hide();
    presentation_action_->setChecked(true);
  }
  status_->setText(tr("Interface language: %1").arg(language_native_name(code)));
}

MainWindow::~MainWindow() {
  if (translate_cancel_) translate_cancel_->store(true);  // the worker stops at its next token
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open_model = file->addAction(tr("Open &model…"), this, &MainWindow::chooseAndOpenModel);
  open_model->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  recent_models_menu_ = file->addMenu(tr("Recent m&odels"));
  rebuildRecentModelsMenu();
  file->addSeparator();
  QAction* open = file->addAction(tr("&Open session…"), this, &MainWindow::chooseAndOpenSession);
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  QAction* save =
      file->addAction(tr("&Save session"), this, [this] { chooseAndSaveSession(false); });
  save->setShortcut(QKeySequence::Save);
  QAction* save_as =
      file->addAction(tr("Save session &as…"), this, [this] { chooseAndSaveSession(true); });
  save_as->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  file->addSeparator();
  QAction* export_image =
      file->addAction(tr("&Export image…"), this, &MainWindow::chooseAndExportImage);
  export_image->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  QAction* export_data =
      file->addAction(tr("Export &data (CSV, JSON)…"), this, &MainWindow::chooseAndExportData);
  export_data->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  file->addAction(tr("Export &line view…"), this, &MainWindow::chooseAndExportLines);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* copy = edit->addAction(tr("&Copy image"), this, &MainWindow::copyImage);
  copy->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_C));
  copy->setToolTip(tr("Copies the figure; in a text field Ctrl+C copies the selected text"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QMenu* gradients = view->addMenu(tr("Colour &scale"));
  gradient_actions_ = new QActionGroup(this);
  for (const QString& id : gradient_ids()) {
    QAction* action = gradients->addAction(gradient_display_name(id));
    action->setCheckable(true);
    action->setData(id);
    action->setChecked(id == view_->gradient());
    gradient_actions_->addAction(action);
  }
  connect(gradient_actions_, &QActionGroup::triggered, this, [this](QAction* action) {
    view_->setGradient(action->data().toString());
    pipeline_->setGradient(action->data().toString());
    rollout_->setGradient(action->data().toString());
    model_grid_->setGradient(action->data().toString());
  });
  numbers_action_ = view->addAction(tr("Show &values in cells"));
  numbers_action_->setCheckable(true);
  numbers_action_->setChecked(view_->showNumbers());
  numbers_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
  connect(numbers_action_, &QAction::toggled, view_, &HeatmapView::setShowNumbers);
  connect(numbers_action_, &QAction::toggled, pipeline_, &PipelineView::setShowNumbers);
  connect(numbers_action_, &QAction::toggled, rollout_, &HeatmapView::setShowNumbers);
  fixed_range_action_ = view->addAction(tr("Colour scale from 0 to &1"));
  fixed_range_action_->setCheckable(true);
  fixed_range_action_->setToolTip(
      tr("Otherwise the scale runs from 0 to the largest weight shown"));
  connect(fixed_range_action_, &QAction::toggled, view_, &HeatmapView::setFixedRange);
  connect(fixed_range_action_, &QAction::toggled, rollout_, &HeatmapView::setFixedRange);
  view->addSeparator();
  view->addAction(settings_dock_->toggleViewAction());
  view->addSeparator();
  const QList<QKeySequence> tab_keys{
      QKeySequence(Qt::CTRL | Qt::Key_1), QKeySequence(Qt::CTRL | Qt::Key_2),
      QKeySequence(Qt::CTRL | Qt::Key_3), QKeySequence(Qt::CTRL | Qt::Key_4),
      QKeySequence(Qt::CTRL | Qt::Key_5)};
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* show_tab = view->addAction(tabs_->tabText(i).remove(QLatin1Char('&')), this,
                                        [this, i] { tabs_->setCurrentIndex(i); });
    show_tab->setShortcut(tab_keys.value(i));
  }
  view->addSeparator();
  presentation_action_ = view->addAction(tr("&Presentation mode"));
  presentation_action_->setCheckable(true);
  presentation_action_->setShortcut(QKeySequence(Qt::Key_F11));
  connect(presentation_action_, &QAction::toggled, this, &MainWindow::setPresentationMode);
  QAction* larger =
      view->addAction(tr("&Larger text"), this, [this] { setLabelPointSize(label_points_ + 2); });
  larger->setShortcuts(
      {QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus)});
  QAction* smaller =
      view->addAction(tr("S&maller text"), this, [this] { setLabelPointSize(label_points_ - 2); });
  smaller->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
  QAction* reset = view->addAction(tr("&Normal text size"), this,
                                   [this] { setLabelPointSize(default_label_points_); });
  reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  view->addSeparator();
  QMenu* languages = view->addMenu(tr("Lan&guage"));
  auto* language_group = new QActionGroup(languages);
  for (const QString& code : interface_languages()) {
    QAction* action = languages->addAction(language_native_name(code));
    action->setCheckable(true);
    action->setChecked(code == installed_language());
    action->setData(code);
    language_group->addAction(action);
    // Queued: the menu that was clicked is deleted while the interface is rebuilt.
    connect(action, &QAction::triggered, this, [this, code] {
      QMetaObject::invokeMethod(
          this, [this, code] { setLanguage(code); }, Qt::QueuedConnection);
    });
  }

  QMenu* examples = menuBar()->addMenu(tr("E&xamples"));
  fill_examples_menu(examples, shipped_models_, [this](const ExampleChoice& choice) {
    if (choice.shipped_model.isEmpty())
      loadExample(choice.toy_example);
    else
      openShippedModel(choice.shipped_model, choice.shipped_example);
  });

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About attnviz"), this, [this] {
    QMessageBox::about(this, tr("About attnviz"),
                       tr("<p><b>attnviz</b> %1 shows every attention head's weights for the "
                          "sentences you type.</p><p>Rows are queries, columns are keys. Click a "
                          "panel to focus it, a token label to outline its row or column.</p>")
                           .arg(QApplication::applicationVersion()));
  });
}

bool MainWindow::loadExample(const QString& name) {
  const attn::Example* example = attn::find_example(name.toStdString());
  if (example == nullptr) return false;
  cancelModelLoading();
  if (current_model_ != 0) useToyModel();  // the menu says these are the toy model's
  attn::Scenario scenario = settings_panel_->scenario();
  scenario.source = example->scenario.source;
  scenario.target = example->scenario.target;
  scenario.config.mode = example->scenario.config.mode;
  settings_panel_->setScenario(scenario);
  return true;
}

bool MainWindow::openShippedModel(const QString& name, int example) {
  const auto model = std::find_if(
      shipped_models_.begin(), shipped_models_.end(),
      [&](const attn::ShippedModel& m) { return QString::fromStdString(m.name) == name; });
  if (model == shipped_models_.end()) return false;
  const attn::ShippedExample* chosen = shipped_example(*model, example);
  if (chosen == nullptr) return false;
  attn::Scenario scenario = settings_panel_->scenario();
  scenario.source = chosen->source;
  scenario.target = chosen->target;
  scenario.config.mode = chosen->target.empty() ? attn::Mode::MultiHead : attn::Mode::Cross;
  settings_panel_->setScenario(scenario);
  focusWhenComputed(model->focus_layer, model->focus_head);
  openModel(QString::fromStdString(model->folder));
  return true;
}

bool MainWindow::isFirstStart(const QSettings& settings) {
  return !settings.contains(QStringLiteral("input/source"));
}

void MainWindow::focusWhenComputed(int layer, int head) {
  pending_layer_ = layer;
  pending_focused_head_ = head < 0 ? HeatmapView::kMeanPanel : head;
}

void MainWindow::onScenarioChanged() {
  updateMaskEditing();
  engine_->request(settings_panel_->scenario());
}

void MainWindow::updateMaskEditing() {
  using Editing = HeatmapView::MaskEditing;
  const attn::MaskKind kind = settings_panel_->maskKind();
  // A real model's masks are its own; the toy model's padding and custom masks are clicked.
  view_->setMaskEditing(current_model_ != 0               ? Editing::Off
                        : kind == attn::MaskKind::Padding ? Editing::Keys
                        : kind == attn::MaskKind::Custom  ? Editing::Cells
                                                          : Editing::Off);
}

std::vector<int> MainWindow::computedTokens(bool keys, int shown_index) const {
  std::vector<int> tokens;
  if (!computed_ || shownBlock() < 0) return tokens;
  const attn::AttentionBlock& block = computed_->blocks.at(std::size_t(shownBlock()));
  const attn::ShownAs as = view_bar_->shownAs();
  const attn::ShownAxis axis = keys ? attn::shown_key_axis(*computed_, block, as)
                                    : attn::shown_query_axis(*computed_, block, as);
  for (int i = 0; i < int(axis.unit.size()); ++i)
    if (axis.unit[std::size_t(i)] == shown_index) tokens.push_back(i);
  return tokens;
}

void MainWindow::toggleMaskedKey(int column) {
  settings_panel_->toggleHiddenKeys(computedTokens(true, column));
}

void MainWindow::toggleMaskedCell(int row, int column) {
  std::vector<std::pair<int, int>> cells;
  for (int query : computedTokens(false, row))
    for (int key : computedTokens(true, column)) cells.emplace_back(query, key);
  settings_panel_->toggleHiddenCells(cells);
}

void MainWindow::useModel(std::shared_ptr<const attn::AttentionModel> model) {
  if (!model) return;
  const attn::ModelInfo info = model->info();
  const QString path = info.path.empty()
                           ? QString::fromStdString(info.name)
                           : QFileInfo(QString::fromStdString(info.path)).absoluteFilePath();
  int index = -1;
  for (int i = 0; i < opened_models_.size(); ++i)
    if (opened_models_[i].path == path) index = i;
  if (index < 0) {
    opened_models_.append({path, model});
    index = int(opened_models_.size()) - 1;
  } else {
    opened_models_[index].model = model;
  }
  current_model_ = index + 1;
  if (translate_cancel_) translate_cancel_->store(true);  // it was the other model's
  engine_->setModel(std::move(model));
  const QString name = QString::fromStdString(info.name);
  setWindowTitle(tr("attnviz — %1").arg(name));
  const bool translates = info.family == attn::Family::Marian;
  settings_panel_->setRealModel(name, info.family == attn::Family::Bert, translates);
  if (translates && settings_panel_->scenario().config.mode != attn::Mode::Cross) {
    // What a translator is opened for: which source words each translated word looks at.
    attn::Scenario scenario = settings_panel_->scenario();
    scenario.config.mode = attn::Mode::Cross;
    settings_panel_->setScenario(scenario);
  }
  refreshModelBox();
  model_box_->setProblem(QString());
  onScenarioChanged();
}

void MainWindow::useToyModel() {
  current_model_ = 0;
  if (translate_cancel_) translate_cancel_->store(true);
  engine_->setModel(toy_model_);
  setWindowTitle(tr("attnviz — attention, head by head"));
  settings_panel_->setRealModel(QString(), false);
  refreshModelBox();
  onScenarioChanged();
}

void MainWindow::chooseModel(int index) {
  if (index <= 0 || index > opened_models_.size()) {
    useToyModel();
    return;
  }
  useModel(opened_models_[index - 1].model);
}

void MainWindow::refreshModelBox() {
  QStringList names, paths;
  for (const OpenedModel& opened : opened_models_) {
    names << QString::fromStdString(opened.model->info().name);
    paths << QDir::toNativeSeparators(opened.path);
  }
  model_box_->setModels(names, paths, current_model_);
  model_box_->setCard(engine_->model()->info());
}

void MainWindow::openModel(const QString& path) {
  // A Hugging Face folder may be chosen by one of its files (a file dialog shows files).
  QFileInfo chosen(path);
  const QString file_name = chosen.fileName();
  if (chosen.isFile() && (file_name == QLatin1String("config.json") ||
                          chosen.suffix() == QLatin1String("safetensors") ||
                          file_name == QLatin1String("model.safetensors.index.json")))
    chosen = QFileInfo(chosen.absolutePath());
  const QString absolute = chosen.absoluteFilePath();
  for (int i = 0; i < opened_models_.size(); ++i) {
    if (opened_models_[i].path != absolute) continue;
    cancelModelLoading();
    chooseModel(i + 1);
    rememberRecentModel(absolute);
    emit modelOpened(absolute);
    return;
  }
  const int generation = ++load_generation_;
  loading_model_ = true;
  load_progress_->show();
  load_cancel_->show();
  status_->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(absolute)));
  // The worker holds only copies: the window may close or cancel while it reads.
  loader_.setFuture(QtConcurrent::run([absolute, generation] {
    QElapsedTimer clock;
    clock.start();
    ModelLoad load;
    load.path = absolute;
    load.generation = generation;
    attn::Expected<std::shared_ptr<const attn::TransformerModel>> loaded =
        attn::load_model(QFile::encodeName(absolute).toStdString());
    if (loaded.ok())
      load.model = loaded.value();
    else
      load.error = QString::fromStdString(loaded.error().message);
    load.seconds = double(clock.nsecsElapsed()) / 1e9;
    return load;
  }));
}

void MainWindow::cancelModelLoading() {
  if (!loading_model_) return;
  loading_model_ = false;
  ++load_generation_;  // its result, when it comes, is dropped
  load_progress_->hide();
  load_cancel_->hide();
  pending_layer_.reset();
  status_->setText(tr("Stopped opening the model; the model in use stays."));
}

void MainWindow::onModelLoaded() {
  const ModelLoad load = loader_.result();
  if (!loading_model_ || load.generation != load_generation_) return;
  loading_model_ = false;
  load_progress_->hide();
  load_cancel_->hide();
  if (!load.model) {
    const QString message =
        tr("Could not open the model %1: %2").arg(QDir::toNativeSeparators(load.path), load.error);
    model_box_->setProblem(message);
    status_->setText(message);
    pending_layer_.reset();
    pending_focused_head_.reset();
    emit modelFailed(message);
    if (isVisible()) {
      auto* box =
          new QMessageBox(QMessageBox::Warning, tr("Open model"), message, QMessageBox::Ok, this);
      box->setAttribute(Qt::WA_DeleteOnClose);
      box->open();  // window-modal without blocking: typing and the engine go on
    }
    return;
  }
  useModel(load.model);
  rememberRecentModel(load.path);
  status_->setText(tr("Opened %1 in %2 s")
                       .arg(QString::fromStdString(load.model->info().name))
                       .arg(load.seconds, 0, 'f', 1));
  emit modelOpened(load.path);
}

void MainWindow::chooseAndOpenModel() {
  const QString start = recent_models_.isEmpty()
                            ? QStandardPaths::writableLocation(QStandardPaths::HomeLocation)
                            : QFileInfo(recent_models_.front()).absolutePath();
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open model: a Hugging Face folder's config.json, or a llama2.c .bin"), start,
      tr("Models (config.json *.safetensors *.bin);;All files (*)"));
  if (!path.isEmpty()) openModel(path);
}

void MainWindow::rememberRecentModel(const QString& path) {
  recent_models_.removeAll(path);
  recent_models_.prepend(path);
  while (recent_models_.size() > kMaxRecentModels) recent_models_.removeLast();
  if (settings_) settings_->setValue(QStringLiteral("model/recent"), recent_models_);
  rebuildRecentModelsMenu();
}

void MainWindow::rebuildRecentModelsMenu() {
  if (!recent_models_menu_) return;
  recent_models_menu_->clear();
  for (const QString& path : recent_models_) {
    recent_models_menu_->addAction(QDir::toNativeSeparators(path), this,
                                   [this, path] { openModel(path); });
  }
  recent_models_menu_->setEnabled(!recent_models_.isEmpty());
}

void MainWindow::translateSource() {
  if (translate_cancel_) {  // Stop
    translate_cancel_->store(true);
    return;
  }
  auto model = std::dynamic_pointer_cast<const attn::TransformerModel>(engine_->model());
  if (!model || !model->translates()) return;
  translate_cancel_ = std::make_shared<std::atomic<bool>>(false);
  settings_panel_->setTranslating(true);
  status_->setText(tr("Translating…"));
  const std::string source = settings_panel_->scenario().source;
  QPointer<MainWindow> self(this);
  translator_.setFuture(QtConcurrent::run([model, source, cancel = translate_cancel_, self] {
    attn::TranslateOptions options;
    options.max_tokens = kMaxTranslationTokens;
    options.cancel = cancel.get();
    // Each token shows at once: the target box grows and the cross-attention follows it.
    options.on_token = [self](const attn::TranslatedToken& token) {
      const QString so_far = QString::fromStdString(token.text_so_far);
      QMetaObject::invokeMethod(
          qApp,
          [self, so_far] {
            if (self && self->translating()) self->settings_panel_->targetEdit()->setText(so_far);
          },
          Qt::QueuedConnection);
      return true;
    };
    TranslationResult result;
    attn::Expected<attn::Translation> made = model->translate(source, options);
    if (made.ok()) {
      result.text = QString::fromStdString(made->text);
      result.cancelled = made->cancelled;
    } else {
      result.error = engine_message(made.error());
    }
    return result;
  }));
}

void MainWindow::onTranslated() {
  const TranslationResult result = translator_.result();
  translate_cancel_.reset();
  settings_panel_->setTranslating(false);
  if (!result.error.isEmpty()) {
    status_->setText(tr("Not translated: %1").arg(result.error));
  } else {
    settings_panel_->targetEdit()->setText(result.text);
    status_->setText(result.cancelled ? tr("Translation stopped; the target holds what was made.")
                                      : tr("Translated: the heatmaps show its cross-attention."));
  }
  emit translationDone();
}

void MainWindow::onTrace(std::shared_ptr<const attn::Trace> trace) {
  settings_panel_->clearErrors();
  computed_ = std::move(trace);
  const attn::Trace& t = *computed_;
  // A session's layer and head wait for the trace of the model it names.
  if (pending_layer_ && !loading_model_) {
    layer_ = *pending_layer_;
    pending_layer_.reset();
  }
  layer_ = std::clamp(layer_, 0, std::max(0, t.layers() - 1));
  view_bar_->setLayerCount(t.layers());
  updateViewBarVisibility();
  view_bar_->setLayer(layer_);
  view_bar_->setPairAvailable(attn::has_sentence_pair(t));
  const attn::AttentionBlock& shown = t.blocks.at(std::max(0, shownBlock()));
  if (current_model_ == 0) settings_panel_->setMaskShape(shown.n_q(), shown.n_k());
  status_->setText(tr("%1 query × %2 key tokens · %3 head(s), d_k = %4 · computed in %5 ms")
                       .arg(shown.n_q())
                       .arg(shown.n_k())
                       .arg(shown.heads())
                       .arg(t.model.head_dim)
                       .arg(engine_->lastRunMilliseconds(), 0, 'f', 2));
  showComputed();
  if (pending_focused_head_ && !loading_model_) {
    view_->setFocusedHead(*pending_focused_head_);
    pending_focused_head_.reset();
  }
}

int MainWindow::shownBlock() const {
  return computed_ ? attn::block_for_layer(*computed_, layer_) : -1;
}

void MainWindow::showComputed() {
  if (!computed_) return;
  const attn::ShownAs as = view_bar_->shownAs();
  shown_ = as.changes_anything()
               ? std::make_shared<const attn::Trace>(attn::shown_trace(*computed_, as))
               : computed_;
  const int block = shownBlock();
  view_->setTrace(shown_, block);
  lines_->setTrace(shown_, block);
  model_grid_->setTrace(shown_);
  followFocusedHead();
}

void MainWindow::setLayer(int layer) {
  const int layers = computed_ ? computed_->layers() : 1;
  layer = std::clamp(layer, 0, std::max(0, layers - 1));
  view_bar_->setLayer(layer);
  if (layer == layer_ && shown_ && view_->block() == shownBlock()) return;
  layer_ = layer;
  if (!shown_) return;
  const int block = shownBlock();
  view_->setTrace(shown_, block);
  lines_->setTrace(shown_, block);
  followFocusedHead();
}

void MainWindow::stepLayer(int delta) { setLayer(layer_ + delta); }

void MainWindow::updateRollout() {
  if (!computed_) return;
  attn::Trace rollout = attn::rollout_trace(*computed_, layer_);
  if (rollout.blocks.empty()) {
    rollout_stack_->setCurrentIndex(0);
    return;
  }
  const attn::ShownAs as = view_bar_->shownAs();
  if (as.changes_anything()) rollout = attn::shown_trace(rollout, as);
  rollout_->setSingleHeadTitle(tr("Rollout through layer %1").arg(layer_ + 1));
  rollout_->setTrace(std::make_shared<const attn::Trace>(std::move(rollout)));
  rollout_stack_->setCurrentIndex(1);
}

void MainWindow::followFocusedHead() {
  if (!computed_) return;
  const int block = shownBlock();
  model_grid_->setChosen(block, view_->focusedHead());
  // Hidden tabs are brought up to date when shown: the pipeline's dozen panels and the
  // rollout's products would otherwise cost every keystroke.
  if (tabs_->currentWidget() == rollout_stack_) updateRollout();
  if (tabs_->currentWidget() != pipeline_) return;
  // The mean has no pipeline of its own: the pipeline shows head 1 then. It explains the
  // computed block (the model's own intermediates), whatever the view filters show.
  pipeline_->setTrace(computed_, std::max(0, view_->focusedHead()), block);
}

void MainWindow::setPresentationMode(bool on) {
  if (on == presentation_.active) return;
  if (on) {
    presentation_.state = saveState();
    presentation_.window_states = windowState();
    presentation_.palette = palette();
    presentation_.label_points = label_points_;
    presentation_.active = true;
    settings_dock_->hide();
    // High contrast: black on white whatever the desktop theme, for a washed-out projector.
    QPalette contrast;
    contrast.setColor(QPalette::Window, Qt::white);
    contrast.setColor(QPalette::Base, Qt::white);
    contrast.setColor(QPalette::WindowText, Qt::black);
    contrast.setColor(QPalette::Text, Qt::black);
    contrast.setColor(QPalette::ButtonText, Qt::black);
    contrast.setColor(QPalette::Button, QColor(0xee, 0xee, 0xee));
    setPalette(contrast);
    setLabelPointSize(std::max(label_points_, kMinPresentationPoints));
    setWindowState(windowState() | Qt::WindowFullScreen);
    view_->setPresentation(true);
    view_bar_->setCompact(true);
    statusBar()->hide();  // every pixel of height goes to the token labels
  } else {
    presentation_.active = false;
    setWindowState(presentation_.window_states);
    setPalette(presentation_.palette);
    setLabelPointSize(presentation_.label_points);
    restoreState(presentation_.state);
    view_->setPresentation(false);
    view_bar_->setCompact(false);
    statusBar()->show();
  }
  updateViewBarVisibility();
  if (presentation_action_->isChecked() != on) presentation_action_->setChecked(on);
  status_->setText(on ? tr("Presentation mode: F11 to leave, Ctrl+= / Ctrl+− for text size")
                      : QString());
}

void MainWindow::updateViewBarVisibility() {
  // Presenting the toy model, "Layer 1 of 1" would only take a line from the heatmaps.
  const int layers = computed_ ? computed_->layers() : 1;
  view_bar_->setVisible(!presentation_.active || layers > 1);
}

void MainWindow::setLabelPointSize(int points) {
  label_points_ = std::clamp(points, kMinLabelPoints, kMaxLabelPoints);
  QFont f = font();
  f.setPointSize(label_points_);
  setFont(f);  // every child: panels, labels, tables, the settings panel
  QToolTip::setFont(f);
  menuBar()->setFont(f);
}

ExportOutcome MainWindow::exportLineImage(const QString& path, const QSize& size, double scale) {
  if (!view_->trace()) return ExportOutcome::failure(tr("Nothing to export yet."));
  LineCanvas* canvas = lines_->canvas();
  const ExportOutcome outcome =
      export_picture([&](QCPPainter* painter) { canvas->render(painter, size); }, path, size, scale,
                     canvas->palette().color(QPalette::Base));
  status_->setText(outcome.ok ? tr("Exported %1").arg(QDir::toNativeSeparators(path))
                              : outcome.message);
  return outcome;
}

QString MainWindow::exportStartDir(QStandardPaths::StandardLocation fallback) const {
  return last_export_dir_.isEmpty() ? QStandardPaths::writableLocation(fallback) : last_export_dir_;
}

void MainWindow::chooseAndExportLines() {
  if (!view_->trace()) return;
  const QString start = exportStartDir(QStandardPaths::PicturesLocation);
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export line view"), QDir(start).filePath(QStringLiteral("lines.png")),
      tr("Images (*.png *.jpg *.svg *.pdf)"));
  if (path.isEmpty()) return;
  last_export_dir_ = QFileInfo(path).absolutePath();
  const QSize size = lines_->canvas()->size().expandedTo(QSize(600, 400));
  const ExportOutcome outcome = exportLineImage(path, size, std::max(2.0, export_options_.scale));
  if (!outcome.ok) QMessageBox::warning(this, tr("Export line view"), outcome.message);
}

void MainWindow::onFailed(const attn::Error& error) {
  settings_panel_->showError(error);
  status_->setText(
      view_->trace()
          ? tr("Not updated: %1 The heatmaps show the last good input.").arg(engine_message(error))
          : tr("Nothing to show: %1").arg(engine_message(error)));
}

MainWindow::ExportTarget MainWindow::exportTarget() const {
  QWidget* current = tabs_->currentWidget();
  if (current == model_grid_) return ExportTarget::Model;
  if (current == lines_) return ExportTarget::Lines;
  if (current == pipeline_ && !pipeline_->figureSize().isEmpty()) return ExportTarget::Pipeline;
  if (current == rollout_stack_ && rollout_->trace()) return ExportTarget::Rollout;
  return ExportTarget::Heatmaps;
}

ExportOutcome MainWindow::exportImage(const QString& path, const ImageExportOptions& options) {
  ExportOutcome outcome;
  switch (exportTarget()) {
    case ExportTarget::Heatmaps:
      outcome = export_figure(*view_, path, options);
      break;
    case ExportTarget::Rollout:
      outcome = export_figure(*rollout_, path, options);
      break;
    case ExportTarget::Lines:
      return exportLineImage(path, options.size.isValid() ? options.size : lines_->canvas()->size(),
                             options.scale);
    case ExportTarget::Pipeline: {
      const QSize size = options.size.isValid() ? options.size : pipeline_->figureSize();
      outcome =
          export_picture([&](QCPPainter* painter) { pipeline_->renderFigure(painter, size); }, path,
                         size, options.scale, pipeline_->palette().color(QPalette::Window));
      break;
    }
    case ExportTarget::Model: {
      if (!shown_) return ExportOutcome::failure(tr("Nothing to export yet."));
      const QSize size = options.size.isValid() ? options.size : model_grid_->size();
      outcome =
          export_picture([&](QCPPainter* painter) { model_grid_->render(painter, size); }, path,
                         size, options.scale, model_grid_->palette().color(QPalette::Base));
      break;
    }
  }
  status_->setText(outcome.ok ? tr("Exported %1").arg(QDir::toNativeSeparators(path))
                              : outcome.message);
  return outcome;
}

ExportOutcome MainWindow::exportData(const QString& directory) {
  if (!computed_) return ExportOutcome::failure(tr("Nothing to export yet."));
  QStringList written;
  // Every block of the computed trace: the CSVs of each layer's heads, and trace.json.
  const ExportOutcome outcome = export_trace_data(*computed_, directory, &written);
  status_->setText(outcome.ok ? tr("Exported %1 files into %2")
                                    .arg(written.size())
                                    .arg(QDir::toNativeSeparators(directory))
                              : outcome.message);
  return outcome;
}

void MainWindow::chooseAndExportImage() {
  if (!view_->trace()) return;
  const ExportTarget target = exportTarget();
  HeatmapView* heatmaps = target == ExportTarget::Rollout ? rollout_ : view_;
  const QSize whole = target == ExportTarget::Model      ? model_grid_->size()
                      : target == ExportTarget::Lines    ? lines_->canvas()->size()
                      : target == ExportTarget::Pipeline ? pipeline_->figureSize()
                                                         : heatmaps->partSize(FigurePart::Grid);
  const bool one_part = target == ExportTarget::Model || target == ExportTarget::Lines ||
                        target == ExportTarget::Pipeline;
  const QSize focused = one_part ? whole : heatmaps->partSize(FigurePart::Focused);
  ExportImageDialog dialog(export_options_, whole, focused, this);
  if (dialog.exec() != QDialog::Accepted) return;
  export_options_ = dialog.options();
  const QString start = exportStartDir(QStandardPaths::PicturesLocation);
  const QStringList filters{tr("PNG image (*.png)"), tr("JPEG image (*.jpg *.jpeg)"),
                            tr("SVG drawing (*.svg)"), tr("PDF document (*.pdf)")};
  const QStringList suffixes{QStringLiteral(".png"), QStringLiteral(".jpg"), QStringLiteral(".svg"),
                             QStringLiteral(".pdf")};
  QString selected_filter = filters.front();
  QString path = QFileDialog::getSaveFileName(this, tr("Export image"),
                                              QDir(start).filePath(QStringLiteral("attention.png")),
                                              filters.join(QStringLiteral(";;")), &selected_filter);
  if (path.isEmpty()) return;
  // No known suffix typed: take the one of the chosen filter.
  if (!image_format_for_path(path))
    path += suffixes.value(filters.indexOf(selected_filter), suffixes.front());
  last_export_dir_ = QFileInfo(path).absolutePath();
  const ExportOutcome outcome = exportImage(path, export_options_);
  if (!outcome.ok) QMessageBox::warning(this, tr("Export image"), outcome.message);
}

void MainWindow::chooseAndExportData() {
  if (!view_->trace()) return;
  const QString directory = QFileDialog::getExistingDirectory(
      this, tr("Export data into folder"), exportStartDir(QStandardPaths::DocumentsLocation));
  if (directory.isEmpty()) return;
  last_export_dir_ = directory;
  const ExportOutcome outcome = exportData(directory);
  if (!outcome.ok) QMessageBox::warning(this, tr("Export data"), outcome.message);
}

void MainWindow::copyImage() {
  if (!view_->trace()) return;
  ImageExportOptions options = export_options_;
  options.scale = std::max(2.0, options.scale);  // sharp when pasted into a slide
  QImage image;
  switch (exportTarget()) {
    case ExportTarget::Heatmaps:
    case ExportTarget::Rollout: {
      HeatmapView& shown = exportTarget() == ExportTarget::Rollout ? *rollout_ : *view_;
      options.size = shown.partSize(options.part);
      image = render_figure_image(shown, options);
      break;
    }
    case ExportTarget::Lines: {
      const QSize size = lines_->canvas()->size();
      image = render_picture_image(
          [&](QCPPainter* painter) { lines_->canvas()->render(painter, size); }, size,
          options.scale, lines_->canvas()->palette().color(QPalette::Base));
      break;
    }
    case ExportTarget::Pipeline: {
      const QSize size = pipeline_->figureSize();
      image =
          render_picture_image([&](QCPPainter* painter) { pipeline_->renderFigure(painter, size); },
                               size, options.scale, pipeline_->palette().color(QPalette::Window));
      break;
    }
    case ExportTarget::Model: {
      const QSize size = model_grid_->size();
      image =
          render_picture_image([&](QCPPainter* painter) { model_grid_->render(painter, size); },
                               size, options.scale, model_grid_->palette().color(QPalette::Base));
      break;
    }
  }
  QApplication::clipboard()->setImage(image);
  status_->setText(tr("Copied a %1 × %2 image").arg(image.width()).arg(image.height()));
}

Session MainWindow::currentSession() const {
  Session session;
  session.scenario = settings_panel_->scenario();
  session.view.gradient = view_->gradient();
  session.view.show_numbers = view_->showNumbers();
  session.view.fixed_range = view_->fixedRange();
  session.view.focused_head = view_->focusedHead();
  session.view.layer = layer_;
  const attn::ShownAs as = view_bar_->shownAs();
  session.view.words = as.words;
  session.view.hide_special = as.hide_special;
  session.view.pair = as.pair;
  session.view.ignore_first_key = view_bar_->ignoreFirstKey();
  session.view.mark_strongest = view_bar_->markStrongest();
  if (current_model_ > 0) session.model_path = opened_models_[current_model_ - 1].path;
  return session;
}

ExportOutcome MainWindow::saveSession(const QString& path) {
  const ExportOutcome outcome = save_session_file(path, currentSession());
  if (outcome.ok) {
    session_path_ = path;
    rememberRecentSession(path);
  }
  status_->setText(outcome.ok ? tr("Saved %1").arg(QDir::toNativeSeparators(path))
                              : outcome.message);
  return outcome;
}

ExportOutcome MainWindow::openSession(const QString& path) {
  Session session;
  const ExportOutcome outcome = load_session_file(path, &session);
  if (!outcome.ok) {
    status_->setText(outcome.message);
    return outcome;
  }
  applySession(session);
  session_path_ = path;
  rememberRecentSession(path);
  status_->setText(tr("Opened %1").arg(QDir::toNativeSeparators(path)));
  return outcome;
}

void MainWindow::applySession(const Session& session) {
  view_->setGradient(session.view.gradient);
  pipeline_->setGradient(view_->gradient());
  rollout_->setGradient(view_->gradient());
  model_grid_->setGradient(view_->gradient());
  attn::ShownAs as;
  as.words = session.view.words;
  as.hide_special = session.view.hide_special;
  as.pair = session.view.pair;
  view_bar_->setShownAs(as);
  view_bar_->setIgnoreFirstKey(session.view.ignore_first_key);
  view_bar_->setMarkStrongest(session.view.mark_strongest);
  view_->setMarkStrongest(session.view.mark_strongest);
  view_->setIgnoreFirstKey(session.view.ignore_first_key);
  rollout_->setIgnoreFirstKey(session.view.ignore_first_key);
  model_grid_->setIgnoreFirstKey(session.view.ignore_first_key);
  pending_layer_ = session.view.layer;
  for (QAction* action : gradient_actions_->actions())
    action->setChecked(action->data().toString() == view_->gradient());
  numbers_action_->setChecked(session.view.show_numbers);
  fixed_range_action_->setChecked(session.view.fixed_range);
  pending_focused_head_ = session.view.focused_head;
  settings_panel_->setScenario(session.scenario);
  // The text stays whatever happens to the model: a model that fails to open leaves the one
  // in use (and its message).
  if (session.model_path.isEmpty()) {
    if (current_model_ != 0) useToyModel();
  } else {
    openModel(session.model_path);
  }
}

void MainWindow::chooseAndOpenSession() {
  const QString start = session_path_.isEmpty()
                            ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
                            : QFileInfo(session_path_).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open session"), start,
                                                    tr("attnviz sessions (*.attnviz)"));
  if (path.isEmpty()) return;
  const ExportOutcome outcome = openSession(path);
  if (!outcome.ok) QMessageBox::warning(this, tr("Open session"), outcome.message);
}

void MainWindow::chooseAndSaveSession(bool ask_for_path) {
  QString path = session_path_;
  if (ask_for_path || path.isEmpty()) {
    const QString start =
        path.isEmpty() ? QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                             .filePath(QStringLiteral("lesson.attnviz"))
                       : path;
    path = QFileDialog::getSaveFileName(this, tr("Save session"), start,
                                        tr("attnviz sessions (*.attnviz)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".attnviz"))) path += QStringLiteral(".attnviz");
  }
  const ExportOutcome outcome = saveSession(path);
  if (!outcome.ok) QMessageBox::warning(this, tr("Save session"), outcome.message);
}

void MainWindow::rememberRecentSession(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent_sessions_.removeAll(absolute);
  recent_sessions_.prepend(absolute);
  while (recent_sessions_.size() > kMaxRecentSessions) recent_sessions_.removeLast();
  if (settings_) settings_->setValue(QStringLiteral("session/recent"), recent_sessions_);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recent_menu_->clear();
  for (const QString& path : recent_sessions_) {
    recent_menu_
        ->addAction(QFileInfo(path).fileName(), this,
                    [this, path] {
                      const ExportOutcome outcome = openSession(path);
                      if (!outcome.ok)
                        QMessageBox::warning(this, tr("Open session"), outcome.message);
                    })
        ->setToolTip(QDir::toNativeSeparators(path));
  }
  recent_menu_->setEnabled(!recent_sessions_.isEmpty());
}

void MainWindow::saveSettings() {
  if (!settings_) return;
  save_scenario(*settings_, settings_panel_->scenario());
  settings_->setValue(QStringLiteral("view/gradient"), view_->gradient());
  settings_->setValue(QStringLiteral("view/numbers"), view_->showNumbers());
  settings_->setValue(QStringLiteral("view/fixed_range"), view_->fixedRange());
  settings_->setValue(QStringLiteral("view/focused_head"), view_->focusedHead());
  settings_->setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings_->setValue(QStringLiteral("window/state"), saveState());
  settings_->setValue(QStringLiteral("window/splitter"), view_->splitter()->saveState());
  settings_->setValue(QStringLiteral("export/part"), static_cast<int>(export_options_.part));
  settings_->setValue(QStringLiteral("export/scale"), export_options_.scale);
  settings_->setValue(QStringLiteral("export/dir"), last_export_dir_);
  settings_->sync();
}

void MainWindow::restoreSettings() {
  attn::Scenario scenario;
  if (settings_ && load_scenario(*settings_, &scenario)) {
    settings_panel_->setScenario(scenario);
  } else {
    settings_panel_->setScenario(attn::builtin_examples().front().scenario);
  }
  if (!settings_) return;
  view_->setGradient(
      settings_->value(QStringLiteral("view/gradient"), view_->gradient()).toString());
  pipeline_->setGradient(view_->gradient());
  rollout_->setGradient(view_->gradient());
  model_grid_->setGradient(view_->gradient());
  for (QAction* action : gradient_actions_->actions())
    action->setChecked(action->data().toString() == view_->gradient());
  numbers_action_->setChecked(settings_->value(QStringLiteral("view/numbers"), true).toBool());
  fixed_range_action_->setChecked(
      settings_->value(QStringLiteral("view/fixed_range"), false).toBool());
  view_->setFocusedHead(
      settings_->value(QStringLiteral("view/focused_head"), HeatmapView::kMeanPanel).toInt());
  if (!restoreGeometry(settings_->value(QStringLiteral("window/geometry")).toByteArray()))
    fitToScreen();
  restoreState(settings_->value(QStringLiteral("window/state")).toByteArray());
  view_->splitter()->restoreState(
      settings_->value(QStringLiteral("window/splitter")).toByteArray());
  export_options_.part = settings_->value(QStringLiteral("export/part"), 0).toInt() == 1
                             ? FigurePart::Focused
                             : FigurePart::Grid;
  export_options_.scale =
      std::clamp(settings_->value(QStringLiteral("export/scale"), 2.0).toDouble(), 1.0, 4.0);
  last_export_dir_ = settings_->value(QStringLiteral("export/dir")).toString();
  recent_sessions_ = settings_->value(QStringLiteral("session/recent")).toStringList();
  rebuildRecentMenu();
  recent_models_ = settings_->value(QStringLiteral("model/recent")).toStringList();
  rebuildRecentModelsMenu();
}

void MainWindow::fitToScreen() {
  const QScreen* screen = QGuiApplication::primaryScreen();
  if (screen == nullptr) return;
  const QRect available = screen->availableGeometry();
  // First start: most of the screen, because every head wants room.
  const QSize size = (available.size() * 0.92).boundedTo(QSize(1920, 1200));
  resize(size);
  move(available.center() - QPoint(size.width() / 2, size.height() / 2));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  QMainWindow::closeEvent(event);
}

}  // namespace attn::ui
