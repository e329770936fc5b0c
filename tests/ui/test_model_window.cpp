// The window with a real checkpoint opened from disk: the Model box and card, the model view
// of layers × heads, the layer picker, rollout, words, special tokens, sessions, and a bad
// path. Tiny checkpoints are written by the test; the real stories260K model is used where
// ../shared/data is present.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>

#include "attn/models/model_loader.h"
#include "attn/trace_views.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/line_view.h"
#include "attn_ui/live_engine.h"
#include "attn_ui/model_box.h"
#include "attn_ui/model_grid_view.h"
#include "attn_ui/settings_panel.h"
#include "attn_ui/view_bar.h"
#include "tiny_model_folders.h"
#include "ui_test_support.h"

namespace {

namespace fs = std::filesystem;
using attn::test::type_source;
using attn::test::WindowFixture;
using attn::ui::MainWindow;

const fs::path kStories = fs::path(ATTN_SHARED_DATA) / "stories260K" / "stories260K.bin";

// A tiny GPT-2 folder (2 layers, 4 heads, d_model 16) with its byte-level BPE files.
QString write_tiny_gpt2(const QTemporaryDir& dir) {
  const QString folder = dir.filePath(QStringLiteral("tiny-gpt2"));
  attn::testing::write_tiny_gpt2_folder(folder.toStdString());
  return folder;
}

// Opens `path` as File ▸ Open model does and waits for the model's first trace.
bool open_and_settle(MainWindow& window, const QString& path) {
  QSignalSpy opened(&window, &MainWindow::modelOpened);
  window.openModel(path);
  if (!opened.wait(60000) && opened.isEmpty()) return false;
  attn::test::settle(window);
  return window.computedTrace() && window.computedTrace()->model.family != attn::Family::Toy;
}

attn::Trace engine_run(const attn::AttentionModel& model, const std::string& source) {
  attn::Scenario scenario;
  scenario.source = source;
  attn::Expected<attn::Trace> trace = model.run(scenario);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  return trace.ok() ? std::move(trace).value() : attn::Trace{};
}

TEST(ModelWindow, OpensAFolderOffTheUiThreadAndDescribesIt) {
  WindowFixture f;
  QTemporaryDir dir;
  const QString folder = write_tiny_gpt2(dir);
  type_source(*f.window, QStringLiteral("the cat sat"));
  // The config.json picked in the file dialog stands for its folder.
  ASSERT_TRUE(open_and_settle(*f.window, folder + QStringLiteral("/config.json")));

  attn::ui::ModelBox* box = f.window->modelBox();
  ASSERT_EQ(box->comboBox()->count(), 2);
  EXPECT_EQ(box->comboBox()->currentIndex(), 1);
  const QString card = box->card()->text();
  EXPECT_TRUE(card.contains(QStringLiteral("GPT-2"))) << card.toStdString();
  EXPECT_TRUE(card.contains(QStringLiteral("2 layers × 4 heads"))) << card.toStdString();
  EXPECT_TRUE(card.contains(QStringLiteral("d_model 16"))) << card.toStdString();
  EXPECT_FALSE(f.window->loadingModel());
  EXPECT_EQ(f.window->recentModels().value(0), QFileInfo(folder).absoluteFilePath());
  EXPECT_FALSE(f.window->settingsPanel()->seedBox()->isEnabled());

  // The model view: 2 layers × 4 heads, each panel the engine's weights.
  const attn::ui::ModelGridView& grid = *f.window->modelGridView();
  ASSERT_EQ(grid.rowCount(), 2);
  ASSERT_EQ(grid.columnCount(), 4);
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      attn::load_model(folder.toStdString());
  ASSERT_TRUE(model.ok());
  const attn::Trace reference = engine_run(*model.value(), "the cat sat");
  for (int b = 0; b < 2; ++b)
    for (int h = 0; h < 4; ++h)
      EXPECT_TRUE(grid.trace()->blocks[b].head[h].weights == reference.blocks[b].head[h].weights);
  EXPECT_EQ(grid.rowLabel(1), QStringLiteral("Layer 2"));
  EXPECT_TRUE(grid.describePanel(1, 2).contains(QStringLiteral("head 3")));
  EXPECT_TRUE(grid.describePanel(1, 2).contains(QStringLiteral("h.1.attn")));

  // Back to the toy model, and to the checkpoint again without reading it twice.
  f.window->modelBox()->comboBox()->activated(0);
  attn::test::settle(*f.window);
  EXPECT_EQ(f.window->computedTrace()->model.family, attn::Family::Toy);
  EXPECT_TRUE(f.window->settingsPanel()->seedBox()->isEnabled());
  f.window->modelBox()->comboBox()->activated(1);
  attn::test::settle(*f.window);
  EXPECT_EQ(f.window->computedTrace()->model.family, attn::Family::Gpt2);
}

TEST(ModelWindow, ABadPathLeavesTheWindowAsItWasWithItsMessage) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("keep this text"));
  attn::test::settle(*f.window);
  const QString title = f.window->windowTitle();
  QSignalSpy failed(f.window.get(), &MainWindow::modelFailed);
  f.window->openModel(QStringLiteral("/no/such/model"));
  ASSERT_TRUE(failed.wait(30000));
  const QString message = failed.front().front().toString();
  EXPECT_TRUE(message.contains(QStringLiteral("/no/such/model"))) << message.toStdString();
  EXPECT_TRUE(f.window->modelBox()->problem()->isVisibleTo(f.window.get()));
  EXPECT_EQ(f.window->modelBox()->problem()->text(), message);
  EXPECT_EQ(f.window->windowTitle(), title);
  EXPECT_EQ(f.window->modelBox()->comboBox()->currentIndex(), 0);
  EXPECT_EQ(f.window->settingsPanel()->sourceEdit()->text(), QStringLiteral("keep this text"));
  EXPECT_EQ(f.window->computedTrace()->model.family, attn::Family::Toy);
  EXPECT_TRUE(f.window->recentModels().isEmpty());
}

TEST(ModelWindow, CancelDropsTheModelBeingOpened) {
  WindowFixture f;
  QTemporaryDir dir;
  const QString folder = write_tiny_gpt2(dir);
  QSignalSpy opened(f.window.get(), &MainWindow::modelOpened);
  f.window->openModel(folder);
  EXPECT_TRUE(f.window->loadingModel());
  f.window->cancelModelLoading();
  EXPECT_FALSE(f.window->loadingModel());
  QTest::qWait(500);  // the reading finishes in the background; its result is dropped
  EXPECT_TRUE(opened.isEmpty());
  EXPECT_EQ(f.window->modelBox()->comboBox()->count(), 1);
}

TEST(ModelWindow, TheLayerPickerChangesWhatTheTabsShow) {
  WindowFixture f;
  QTemporaryDir dir;
  type_source(*f.window, QStringLiteral("the cat sat on the mat"));
  ASSERT_TRUE(open_and_settle(*f.window, write_tiny_gpt2(dir)));
  const attn::Trace& trace = *f.window->computedTrace();
  EXPECT_EQ(f.window->viewBar()->layerCount(), 2);
  EXPECT_EQ(f.window->heatmapView()->block(), 0);

  f.window->viewBar()->layerBox()->setValue(2);  // the picker counts from 1
  EXPECT_EQ(f.window->layer(), 1);
  EXPECT_EQ(f.window->heatmapView()->block(), 1);
  EXPECT_EQ(f.window->lineView()->canvas()->block(), &trace.blocks[1]);
  EXPECT_TRUE(f.window->heatmapView()->panel(2)->content().values ==
              trace.blocks[1].head[2].weights);

  QTest::keyClick(f.window.get(), Qt::Key_PageUp);
  EXPECT_EQ(f.window->layer(), 0);
  EXPECT_TRUE(f.window->heatmapView()->panel(2)->content().values ==
              trace.blocks[0].head[2].weights);
  QTest::keyClick(f.window.get(), Qt::Key_PageDown);
  QTest::keyClick(f.window.get(), Qt::Key_PageDown);  // no layer 3: stays at 2
  EXPECT_EQ(f.window->layer(), 1);

  // A click in the model view picks that layer and head everywhere.
  f.window->tabs()->setCurrentWidget(f.window->modelGridView());
  attn::ui::ModelGridView* grid = f.window->modelGridView();
  const QRectF panel = grid->panelRect(0, 3, QSizeF(grid->size()));
  ASSERT_FALSE(panel.isEmpty());
  QTest::mouseClick(grid, Qt::LeftButton, {}, panel.center().toPoint());
  EXPECT_EQ(f.window->layer(), 0);
  EXPECT_EQ(f.window->heatmapView()->focusedHead(), 3);
  EXPECT_EQ(grid->chosenBlock(), 0);
  EXPECT_EQ(grid->chosenHead(), 3);
}

// Naive rollout: per layer (mean over heads + I), rows normalised, multiplied in order.
attn::Matrix naive_rollout(const attn::Trace& trace, int up_to_layer) {
  const int n = trace.blocks[0].n_q();
  std::vector<std::vector<double>> r(n, std::vector<double>(n, 0.0));
  for (int i = 0; i < n; ++i) r[i][i] = 1;
  for (const attn::AttentionBlock& block : trace.blocks) {
    if (block.layer > up_to_layer) continue;
    std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
    for (int i = 0; i < n; ++i) {
      double sum = 0;
      for (int j = 0; j < n; ++j) {
        for (const attn::HeadWeights& head : block.head) a[i][j] += head.weights(i, j);
        a[i][j] = a[i][j] / block.heads() + (i == j ? 1 : 0);
        sum += a[i][j];
      }
      for (int j = 0; j < n; ++j) a[i][j] /= sum;
    }
    std::vector<std::vector<double>> next(n, std::vector<double>(n, 0.0));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int k = 0; k < n; ++k) next[i][j] += a[i][k] * r[k][j];
    r = next;
  }
  attn::Matrix out(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) out(i, j) = float(r[i][j]);
  return out;
}

TEST(ModelWindow, RolloutEqualsANaiveReferenceUpToTheChosenLayer) {
  WindowFixture f;
  QTemporaryDir dir;
  type_source(*f.window, QStringLiteral("a cat and a dog"));
  ASSERT_TRUE(open_and_settle(*f.window, write_tiny_gpt2(dir)));
  f.window->tabs()->setCurrentIndex(4);
  for (int layer : {0, 1}) {
    f.window->setLayer(layer);
    const attn::ui::HeatmapView& rollout = *f.window->rolloutView();
    ASSERT_TRUE(rollout.trace());
    const attn::Matrix expected = naive_rollout(*f.window->computedTrace(), layer);
    const attn::Matrix& shown = rollout.panel(0)->content().values;
    ASSERT_EQ(shown.rows(), expected.rows());
    EXPECT_TRUE(shown.isApprox(expected, 1e-5f)) << layer;
    EXPECT_EQ(rollout.panel(0)->content().title,
              QStringLiteral("Rollout through layer %1").arg(layer + 1));
  }
}

TEST(ModelWindow, WordsSumKeyPiecesAndAverageQueryPieces) {
  WindowFixture f;
  QTemporaryDir dir;
  // The tiny BPE splits unknown words into several pieces.
  type_source(*f.window, QStringLiteral("the zebra ate"));
  ASSERT_TRUE(open_and_settle(*f.window, write_tiny_gpt2(dir)));
  const attn::Trace& trace = *f.window->computedTrace();
  const std::vector<attn::Token>& tokens = trace.source_tokens;
  ASSERT_GT(tokens.size(), 3u) << "the test needs a word of several pieces";
  f.window->viewBar()->wordsBox()->setChecked(true);
  const attn::ui::HeatmapView& view = *f.window->heatmapView();
  const attn::Matrix& words = view.panel(1)->content().values;
  ASSERT_EQ(words.rows(), 3);
  EXPECT_EQ(view.panel(1)->content().column_labels, (QStringList{"the", "zebra", "ate"}));
  // Pieces of each word, by the tokens' word index.
  const attn::Matrix& pieces = trace.blocks[0].head[1].weights;
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      double sum = 0;
      int rows = 0;
      for (std::size_t q = 0; q < tokens.size(); ++q) {
        if (tokens[q].word != a) continue;
        ++rows;
        for (std::size_t k = 0; k < tokens.size(); ++k)
          if (tokens[k].word == b) sum += pieces(long(q), long(k));
      }
      EXPECT_NEAR(words(a, b), sum / rows, 1e-6) << a << " → " << b;
    }
  }
  f.window->viewBar()->wordsBox()->setChecked(false);
  EXPECT_EQ(view.panel(1)->content().values.rows(), long(tokens.size()));
}

TEST(ModelWindow, SaveThenOpenRestoresModelLayerHeadAndToggles) {
  WindowFixture f;
  QTemporaryDir dir;
  const QString folder = write_tiny_gpt2(dir);
  type_source(*f.window, QStringLiteral("the cat sat"));
  ASSERT_TRUE(open_and_settle(*f.window, folder));
  f.window->setLayer(1);
  f.window->heatmapView()->setFocusedHead(2);
  f.window->viewBar()->specialBox()->setChecked(true);
  f.window->viewBar()->sinkBox()->setChecked(true);
  f.window->viewBar()->strongestBox()->setChecked(true);
  const QString path = dir.filePath(QStringLiteral("lesson.attnviz"));
  ASSERT_TRUE(f.window->saveSession(path).ok);

  WindowFixture other;
  QSignalSpy opened(other.window.get(), &MainWindow::modelOpened);
  ASSERT_TRUE(other.window->openSession(path).ok);
  ASSERT_TRUE(opened.wait(60000));
  attn::test::settle(*other.window);
  EXPECT_EQ(other.window->computedTrace()->model.family, attn::Family::Gpt2);
  EXPECT_EQ(other.window->layer(), 1);
  EXPECT_EQ(other.window->heatmapView()->focusedHead(), 2);
  EXPECT_EQ(other.window->heatmapView()->block(), 1);
  EXPECT_TRUE(other.window->viewBar()->specialBox()->isChecked());
  EXPECT_TRUE(other.window->viewBar()->sinkBox()->isChecked());
  EXPECT_TRUE(other.window->heatmapView()->ignoreFirstKey());
  EXPECT_TRUE(other.window->viewBar()->strongestBox()->isChecked());
  EXPECT_TRUE(other.window->heatmapView()->markStrongest());
  EXPECT_EQ(other.window->settingsPanel()->sourceEdit()->text(), QStringLiteral("the cat sat"));

  // A session naming a model that is gone: the message names it, the text is still shown.
  fs::remove_all(folder.toStdString());
  WindowFixture third;
  QSignalSpy failed(third.window.get(), &MainWindow::modelFailed);
  ASSERT_TRUE(third.window->openSession(path).ok);
  ASSERT_TRUE(failed.wait(30000));
  EXPECT_TRUE(failed.front().front().toString().contains(folder));
  attn::test::settle(*third.window);
  EXPECT_EQ(third.window->settingsPanel()->sourceEdit()->text(), QStringLiteral("the cat sat"));
  EXPECT_EQ(third.window->computedTrace()->model.family, attn::Family::Toy);
}

TEST(ModelWindow, ExportDataWritesEveryBlock) {
  WindowFixture f;
  QTemporaryDir dir;
  type_source(*f.window, QStringLiteral("the cat"));
  ASSERT_TRUE(open_and_settle(*f.window, write_tiny_gpt2(dir)));
  QTemporaryDir out;
  ASSERT_TRUE(f.window->exportData(out.path()).ok);
  for (const char* name : {"h.0.attn_head_1.csv", "h.0.attn_mean.csv", "h.1.attn_head_4.csv",
                           "h.1.attn_mean.csv", "trace.json"})
    EXPECT_TRUE(QFileInfo::exists(out.filePath(QLatin1String(name)))) << name;
}

TEST(ModelWindow, TheModelViewExportsAsAnImage) {
  WindowFixture f;
  QTemporaryDir dir;
  type_source(*f.window, QStringLiteral("the cat"));
  ASSERT_TRUE(open_and_settle(*f.window, write_tiny_gpt2(dir)));
  f.window->tabs()->setCurrentWidget(f.window->modelGridView());
  const QString path = dir.filePath(QStringLiteral("model.png"));
  attn::ui::ImageExportOptions options;
  options.size = QSize(800, 500);
  options.scale = 1;
  ASSERT_TRUE(f.window->exportImage(path, options).ok);
  const QImage image(path);
  ASSERT_EQ(image.size(), QSize(800, 500));
  // The first thumbnail's top-left cell (BOS → itself in a causal model: weight 1) is the
  // brightest colour of the scale, not the background.
  const QRectF first = f.window->modelGridView()->panelRect(0, 0, QSizeF(800, 500));
  const QColor cell = image.pixelColor(first.topLeft().toPoint() + QPoint(1, 1));
  EXPECT_NE(cell, QColor(Qt::white));
}

QString write_tiny_marian(const QTemporaryDir& dir) {
  const QString folder = dir.filePath(QStringLiteral("tiny-marian"));
  attn::testing::write_tiny_marian_folder(folder.toStdString());
  return folder;
}

TEST(ModelWindow, ATranslatorShowsCrossAttentionAndTranslatesIntoTheTargetBox) {
  WindowFixture f;
  QTemporaryDir dir;
  const QString folder = write_tiny_marian(dir);
  type_source(*f.window, QStringLiteral("the cat sat on the mat"));
  f.window->settingsPanel()->targetEdit()->setText(QStringLiteral("die katze"));
  ASSERT_TRUE(open_and_settle(*f.window, folder));
  attn::ui::SettingsPanel* panel = f.window->settingsPanel();
  EXPECT_EQ(panel->scenario().config.mode, attn::Mode::Cross);  // the mode follows the model
  EXPECT_TRUE(panel->modeBox()->isEnabled());
  EXPECT_TRUE(panel->targetEdit()->isEnabled());
  EXPECT_TRUE(panel->translateButton()->isVisibleTo(f.window.get()));

  // Cross mode: the chosen layer's cross-attention, target rows × source columns.
  const attn::Trace& trace = *f.window->computedTrace();
  const attn::AttentionBlock& shown = trace.blocks.at(f.window->heatmapView()->block());
  EXPECT_EQ(shown.kind, attn::BlockKind::Cross);
  EXPECT_EQ(shown.name, "model.decoder.layers.0.encoder_attn");
  EXPECT_EQ(f.window->heatmapView()->panel(0)->content().values.rows(),
            long(trace.target_tokens.size()));
  EXPECT_EQ(f.window->heatmapView()->panel(0)->content().values.cols(),
            long(trace.source_tokens.size()));
  // The model view: 2 encoder layers, then each decoder layer's self and cross blocks.
  const attn::ui::ModelGridView& grid = *f.window->modelGridView();
  ASSERT_EQ(grid.rowCount(), 6);
  EXPECT_EQ(grid.rowLabel(0), QStringLiteral("Encoder 1"));
  EXPECT_EQ(grid.rowLabel(2), QStringLiteral("Decoder 1"));
  EXPECT_EQ(grid.rowLabel(3), QStringLiteral("Decoder 1 ⇄"));

  // The alignment toggle outlines each target token's strongest source token.
  f.window->viewBar()->strongestBox()->setChecked(true);
  const attn::Matrix& cross = shown.head[1].weights;
  const QVector<QPoint> marked = f.window->heatmapView()->panel(1)->markedCells();
  ASSERT_EQ(marked.size(), cross.rows());
  for (int r = 0; r < int(cross.rows()); ++r) {
    Eigen::Index column = 0;
    cross.row(r).maxCoeff(&column);
    EXPECT_EQ(marked[r], QPoint(int(column), r));
  }
  EXPECT_EQ(f.window->heatmapView()->focusedPanel()->markedCells().size(), cross.rows());
  f.window->viewBar()->strongestBox()->setChecked(false);
  EXPECT_TRUE(f.window->heatmapView()->panel(1)->markedCells().isEmpty());

  // Translate fills the target box with the model's own greedy translation.
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      attn::load_model(folder.toStdString());
  ASSERT_TRUE(model.ok());
  attn::TranslateOptions options;
  options.max_tokens = MainWindow::kMaxTranslationTokens;
  attn::Expected<attn::Translation> expected =
      model.value()->translate("the cat sat on the mat", options);
  ASSERT_TRUE(expected.ok());
  QSignalSpy done(f.window.get(), &MainWindow::translationDone);
  QTest::mouseClick(panel->translateButton(), Qt::LeftButton);
  ASSERT_TRUE(done.wait(60000));
  EXPECT_FALSE(f.window->translating());
  EXPECT_EQ(panel->targetEdit()->text(), QString::fromStdString(expected->text))
      << f.window->statusBar()->currentMessage().toStdString()
      << f.window->findChild<QLabel*>()->text().toStdString();
  attn::test::settle(*f.window);
  EXPECT_EQ(f.window->computedTrace()->scenario.target, expected->text)
      << panel->errorText(attn::InputField::Target).toStdString();
}

TEST(ModelWindow, ABusyIndicatorShowsWhileALongInputComputesOnTheWorker) {
  WindowFixture f;
  f.window->engine()->setInlineWorkLimit(0);  // every run on the worker, as a long input
  QSignalSpy busy(f.window->engine(), &attn::ui::LiveEngine::workerBusyChanged);
  type_source(*f.window, QStringLiteral("a sentence long enough"));
  attn::test::settle(*f.window);
  ASSERT_GE(busy.size(), 2);
  EXPECT_TRUE(busy.front().front().toBool());
  EXPECT_FALSE(busy.back().front().toBool());
  EXPECT_FALSE(f.window->findChild<QLabel*>(QStringLiteral("computingIndicator"))->isVisible());
}

TEST(ModelWindow, Stories260KFillsTheModelViewWithFiveByEightPanels) {
  if (!fs::exists(kStories)) {
    GTEST_SKIP() << "../shared/data/stories260K not found beside the checkout: skipped";
  }
  WindowFixture f;
  type_source(*f.window, QStringLiteral("Lily saw a big red ball"));
  ASSERT_TRUE(open_and_settle(*f.window, QString::fromStdString(kStories.string())));
  const attn::ui::ModelGridView& grid = *f.window->modelGridView();
  ASSERT_EQ(grid.rowCount(), 5);
  ASSERT_EQ(grid.columnCount(), 8);
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      attn::load_model(kStories.string());
  ASSERT_TRUE(model.ok());
  const attn::Trace reference = engine_run(*model.value(), "Lily saw a big red ball");
  for (int b = 0; b < 5; ++b)
    for (int h = 0; h < 8; ++h)
      ASSERT_TRUE(grid.trace()->blocks[b].head[h].weights == reference.blocks[b].head[h].weights)
          << b << "," << h;
  // Grouped-query attention: 8 query heads share 4 key/value heads.
  EXPECT_TRUE(grid.describePanel(0, 3).contains(QStringLiteral("shares key/value head 2")))
      << grid.describePanel(0, 3).toStdString();
  // The layer picker: layer 4's heads in the heatmaps.
  f.window->setLayer(3);
  EXPECT_TRUE(f.window->heatmapView()->panel(5)->content().values ==
              reference.blocks[3].head[5].weights);
  // Hiding BOS drops its row and column.
  f.window->viewBar()->specialBox()->setChecked(true);
  EXPECT_EQ(f.window->heatmapView()->panel(0)->content().values.rows(),
            reference.blocks[3].n_q() - 1);
}

}  // namespace
