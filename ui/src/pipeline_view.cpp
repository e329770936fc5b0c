#include "attn_ui/pipeline_view.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "attn/attention/masking.h"
#include "attn/models/attention_model.h"
#include "attn/trace_views.h"
#include "attn_ui/cell_value_labels.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/gradients.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/qt_strings.h"
#include "attn_ui/range_legend.h"

namespace attn::ui {
namespace {

constexpr int kMaxCardColumns = 4;
constexpr int kCardMinWidth = 240;

// Finite min and max; softmax weights start at 0 like the heatmaps.
QCPRange color_range(const attn::PipelineStage& stage) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (Eigen::Index i = 0; i < stage.values.size(); ++i) {
    const double v = stage.values.data()[i];
    if (!std::isfinite(v)) continue;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  // Weights are probabilities: the same 0–1 scale as the heatmaps, whatever this row holds.
  if (stage.kind == attn::StageKind::Softmax || !std::isfinite(low)) return QCPRange(0, 1);
  if (high - low < 1e-9) high = low + 1;
  return QCPRange(low, high);
}

bool is_score_stage(attn::StageKind kind) {
  using K = attn::StageKind;
  return kind == K::DotProducts || kind == K::ScoreFunction || kind == K::Temperature ||
         kind == K::Masked || kind == K::Softmax;
}

}  // namespace

PipelineView::PipelineView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("pipelineView"));
  auto* layout = new QVBoxLayout(this);

  auto* bar = new QHBoxLayout;
  head_box_ = new QComboBox(this);
  head_box_->setObjectName(QStringLiteral("pipelineHead"));
  head_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* head_label = new QLabel(tr("&Head:"), this);
  head_label->setBuddy(head_box_);
  row_box_ = new QComboBox(this);
  row_box_->setObjectName(QStringLiteral("pipelineQuery"));
  row_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* row_label = new QLabel(tr("Follow &query:"), this);
  row_label->setBuddy(row_box_);
  step_label_ = new QLabel(this);
  step_label_->setObjectName(QStringLiteral("pipelineStep"));
  previous_ = new QPushButton(tr("◀ &Previous"), this);
  next_ = new QPushButton(tr("&Next ▶"), this);
  all_ = new QPushButton(tr("Show &all"), this);
  for (QPushButton* button : {previous_, next_, all_}) button->setFocusPolicy(Qt::NoFocus);
  previous_->setToolTip(tr("Hide the last stage (Left, Page Up)"));
  next_->setToolTip(tr("Reveal the next stage (Right, Page Down, Space)"));
  bar->addWidget(head_label);
  bar->addWidget(head_box_);
  bar->addSpacing(12);
  bar->addWidget(row_label);
  bar->addWidget(row_box_);
  bar->addStretch(1);
  // The step and its buttons on a line of their own: at presentation sizes one line is too
  // narrow for both.
  auto* steps = new QHBoxLayout;
  steps->addWidget(step_label_, 1);
  steps->addWidget(previous_);
  steps->addWidget(next_);
  steps->addWidget(all_);
  layout->addLayout(bar);
  layout->addLayout(steps);

  cards_area_ = new QWidget;
  cards_layout_ = new QGridLayout(cards_area_);
  cards_layout_->setSpacing(10);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(cards_area_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  layout->addWidget(scroll, 1);

  row_table_ = new QTableWidget(this);
  row_table_->setObjectName(QStringLiteral("pipelineRowTable"));
  row_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  row_table_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
  row_hint_ = new QLabel(tr("Choose a query token above, or click a row label, to follow its row "
                            "from dot products to weights."),
                         this);
  row_hint_->setObjectName(QStringLiteral("pipelineRowHint"));
  layout->addWidget(row_hint_);
  row_table_->hide();
  row_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  layout->addWidget(row_table_);

  connect(previous_, &QPushButton::clicked, this, &PipelineView::revealPrevious);
  connect(next_, &QPushButton::clicked, this, &PipelineView::revealNext);
  connect(all_, &QPushButton::clicked, this, &PipelineView::revealAll);
  for (QKeySequence key :
       {QKeySequence(Qt::Key_Right), QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::Key_Space)}) {
    auto* shortcut = new QShortcut(key, this, this, &PipelineView::revealNext);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
  }
  for (QKeySequence key : {QKeySequence(Qt::Key_Left), QKeySequence(Qt::Key_PageUp)}) {
    auto* shortcut = new QShortcut(key, this, this, &PipelineView::revealPrevious);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
  }
  connect(head_box_, &QComboBox::activated, this, [this](int index) { emit headChosen(index); });
  connect(row_box_, &QComboBox::activated, this,
          [this](int index) { selectQueryRow(index - 1); });  // item 0 is "none"
  setFocusPolicy(Qt::StrongFocus);
}

int PipelineView::cardColumns() const {
  const int card_width = std::max(kCardMinWidth, fontMetrics().averageCharWidth() * 30);
  return std::clamp(cards_area_->parentWidget()->width() / card_width, 1, kMaxCardColumns);
}

void PipelineView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  placeCards();
}

void PipelineView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::FontChange) placeCards();
}

void PipelineView::placeCards() {
  const int columns = cardColumns();
  if (columns == placed_columns_) return;
  placed_columns_ = columns;
  // Fewer columns when narrow or when the text is large, instead of a sideways scroll.
  for (int i = 0; i < static_cast<int>(cards_.size()); ++i) {
    cards_layout_->removeWidget(cards_[i].frame);
    cards_layout_->addWidget(cards_[i].frame, i / columns, i % columns);
  }
}

void PipelineView::setTrace(std::shared_ptr<const attn::Trace> trace, int head, int block) {
  if (!trace || trace->blocks.empty()) return;
  const int count = static_cast<int>(trace->blocks.size());
  const int chosen = block >= 0 && block < count ? block : std::max(0, attn::default_block(*trace));
  attn::Expected<attn::BlockDetail> explained = attn::explain_block(*trace, chosen);
  if (!explained) return;  // the model is gone: keep what is shown
  trace_ = std::move(trace);
  block_ = chosen;
  detail_ = std::move(explained).value();
  head_ = std::clamp(head, 0, shownBlock().heads() - 1);
  const int old_count = stageCount();
  const bool all_revealed = revealed_ == 0 || revealed_ >= old_count;
  stages_ = attn::pipeline_stages(detail_, shownBlock().kind == attn::BlockKind::Cross, head_);
  revealed_ = all_revealed ? stageCount() : std::clamp(revealed_, 1, stageCount());
  if (selected_row_ >= shownBlock().n_q()) selected_row_ = -1;

  head_box_->clear();
  for (int h = 0; h < shownBlock().heads(); ++h) head_box_->addItem(tr("Head %1").arg(h + 1));
  head_box_->setCurrentIndex(head_);
  row_box_->clear();
  row_box_->addItem(tr("(none)"));
  for (const QString& label : token_labels(attn::query_labels(*trace_, shownBlock())))
    row_box_->addItem(label);
  row_box_->setCurrentIndex(selected_row_ + 1);

  rebuildCards();
  updateVisibility();
  updateRowTable();
}

QString PipelineView::stageTitle(int index) const { return titleFor(stages_.at(index)); }

QString PipelineView::titleFor(const attn::PipelineStage& stage) const {
  using K = attn::StageKind;
  const bool cross = shownBlock().kind == attn::BlockKind::Cross;
  switch (stage.kind) {
    case K::InputQueries:
      return cross ? tr("X (target)") : tr("X");
    case K::InputKeys:
      return tr("X (source)");
    case K::Queries:
      return tr("Q = X·W_Q");
    case K::Keys:
      return cross ? tr("K = X_source·W_K") : tr("K = X·W_K");
    case K::Values:
      return cross ? tr("V = X_source·W_V") : tr("V = X·W_V");
    case K::DotProducts:
      return tr("Q·Kᵀ");
    case K::ScoreFunction:
      switch (detail_.score) {
        case attn::ScoreFunction::ScaledDot:
          return tr("÷ √d_k");
        case attn::ScoreFunction::Dot:
          return tr("Q·Kᵀ");
        case attn::ScoreFunction::Additive:
          return tr("tanh(q·W₁ + k·W₂)·vᵀ");
        case attn::ScoreFunction::General:
          return tr("Q·W·Kᵀ");
        case attn::ScoreFunction::Cosine:
          return tr("÷ (‖q‖·‖k‖)");
      }
      break;
    case K::Temperature:
      return tr("÷ temperature");
    case K::Masked:
      return tr("mask");
    case K::Softmax:
      return tr("softmax");
    case K::HeadOutput:
      return tr("weights·V");
    case K::Concat:
      return tr("concat of all heads");
    case K::Output:
      return tr("·W_O = output");
  }
  return {};
}

QString PipelineView::detailFor(const attn::PipelineStage& stage) const {
  using K = attn::StageKind;
  const attn::AttentionConfig& config = trace_->scenario.config;
  QString what;
  switch (stage.kind) {
    case K::InputQueries:
    case K::InputKeys:
      what = config.positions ? tr("token vectors + positions") : tr("token vectors");
      break;
    case K::Queries:
    case K::Keys:
    case K::Values:
      what = tr("columns %1–%2 of W").arg(head_ * headDim() + 1).arg((head_ + 1) * headDim());
      break;
    case K::DotProducts:
      what = tr("one dot product per query and key");
      break;
    case K::ScoreFunction:
      what = detail_.score == attn::ScoreFunction::ScaledDot
                 ? tr("√%1 = %2").arg(headDim()).arg(std::sqrt(double(headDim())), 0, 'g', 4)
                 : tr("score function: %1")
                       .arg(QString::fromUtf8(attn::to_string(detail_.score).data()));
      break;
    case K::Temperature:
      what = tr("T = %1").arg(double(detail_.temperature), 0, 'g', 4);
      break;
    case K::Masked:
      what = maskDescription(int(stage.values.rows()), int(stage.values.cols()));
      break;
    case K::Softmax:
      what = tr("each row sums to 1");
      break;
    case K::HeadOutput:
      what = tr("this head's output");
      break;
    case K::Concat:
      what = tr("%1 heads side by side").arg(shownBlock().heads());
      break;
    case K::Output:
      what = tr("the layer's output");
      break;
  }
  return tr("%1 × %2 · %3").arg(stage.values.rows()).arg(stage.values.cols()).arg(what);
}

QString PipelineView::maskDescription(int n_q, int n_k) const {
  const attn::MaskSpec& mask = detail_.mask;
  switch (mask.kind) {
    case attn::MaskKind::None:
      break;
    case attn::MaskKind::Causal:
      return tr("causal: −∞ above the diagonal");
    case attn::MaskKind::Padding: {
      QStringList keys;
      for (int key : attn::hidden_key_positions(mask, n_k)) keys << QString::number(key + 1);
      if (keys.isEmpty()) break;
      return tr("padding: −∞ for keys %1").arg(keys.join(QStringLiteral(", ")));
    }
    case attn::MaskKind::Custom: {
      const int hidden = int((!attn::visible_cells(mask, n_q, n_k).array()).count());
      if (hidden == 0) break;
      return tr("custom: −∞ in %n cell(s)", nullptr, hidden);
    }
  }
  return tr("no mask");
}

QStringList PipelineView::labelsFor(attn::StageAxis axis, int count) const {
  switch (axis) {
    case attn::StageAxis::QueryTokens:
      return token_labels(attn::query_labels(*trace_, shownBlock()));
    case attn::StageAxis::KeyTokens:
      return token_labels(attn::key_labels(*trace_, shownBlock()));
    case attn::StageAxis::Features:
      break;
  }
  QStringList numbers;
  for (int i = 1; i <= count; ++i) numbers.append(QString::number(i));
  return numbers;
}

void PipelineView::rebuildCards() {
  while (static_cast<int>(cards_.size()) < stageCount()) {
    Card card;
    card.frame = new QWidget(cards_area_);
    auto* box = new QVBoxLayout(card.frame);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(2);
    card.panel = new HeatmapPanel(card.frame);
    card.panel->setMinimumSize(240, 200);
    card.legend = new RangeLegend(card.frame);
    card.detail = new QLabel(card.frame);
    card.detail->setAlignment(Qt::AlignHCenter);
    card.detail->setWordWrap(true);  // never wider than its heatmap
    box->addWidget(card.panel, 1);
    box->addWidget(card.legend);
    box->addWidget(card.detail);
    QSizePolicy policy = card.frame->sizePolicy();
    policy.setRetainSizeWhenHidden(true);  // revealing a stage never moves the others
    card.frame->setSizePolicy(policy);
    const int index = static_cast<int>(cards_.size());
    const int columns = cardColumns();
    cards_layout_->addWidget(card.frame, index / columns, index % columns);
    connect(card.panel, &HeatmapPanel::rowLabelClicked, this, [this, index](int row) {
      if (stages_.at(index).rows != attn::StageAxis::QueryTokens) return;
      selectQueryRow(row == selected_row_ ? -1 : row);
    });
    cards_.push_back(card);
  }
  const QCPColorGradient gradient = make_gradient(gradient_id_);
  for (int i = 0; i < static_cast<int>(cards_.size()); ++i) {
    Card& card = cards_[i];
    if (i >= stageCount()) {
      card.frame->hide();
      continue;
    }
    const attn::PipelineStage& stage = stages_[i];
    PanelContent content;
    content.title = titleFor(stage);
    content.tooltip_name = content.title;
    content.values = stage.values;
    content.row_labels = labelsFor(stage.rows, int(stage.values.rows()));
    content.column_labels = labelsFor(stage.columns, int(stage.values.cols()));
    card.panel->setGradient(gradient);
    card.panel->setContent(std::move(content));
    const QCPRange range = color_range(stage);
    card.panel->setColorRange(range);
    card.legend->setScale(gradient, range);
    card.panel->setShowNumbers(show_numbers_);
    const bool follows = stage.rows == attn::StageAxis::QueryTokens;
    card.panel->setHighlight(follows ? selected_row_ : -1, -1);
    card.detail->setText(detailFor(stage));
    card.panel->refresh();
  }
}

bool PipelineView::isStageVisible(int index) const {
  return index >= 0 && index < revealed_ && index < stageCount();
}

void PipelineView::updateVisibility() {
  for (int i = 0; i < stageCount(); ++i) cards_[i].frame->setVisible(isStageVisible(i));
  previous_->setEnabled(revealed_ > 1);
  next_->setEnabled(revealed_ < stageCount());
  all_->setEnabled(revealed_ < stageCount());
  if (stageCount() > 0) {
    step_label_->setText(tr("Stage %1 of %2: %3")
                             .arg(revealed_)
                             .arg(stageCount())
                             .arg(titleFor(stages_[revealed_ - 1])));
  }
}

void PipelineView::revealNext() {
  if (revealed_ < stageCount()) ++revealed_;
  updateVisibility();
}

void PipelineView::revealPrevious() {
  if (revealed_ > 1) --revealed_;
  updateVisibility();
}

void PipelineView::revealAll() {
  revealed_ = stageCount();
  updateVisibility();
}

void PipelineView::selectQueryRow(int row) {
  if (!trace_ || row < -1 || row >= shownBlock().n_q()) return;
  selected_row_ = row;
  row_box_->setCurrentIndex(row + 1);
  for (int i = 0; i < stageCount(); ++i) {
    const bool follows = stages_[i].rows == attn::StageAxis::QueryTokens;
    cards_[i].panel->setHighlight(follows ? row : -1, -1);
    cards_[i].panel->refresh();
  }
  updateRowTable();
}

void PipelineView::updateRowTable() {
  row_table_->clear();
  const bool following = trace_ && selected_row_ >= 0;
  row_table_->setVisible(following);
  row_hint_->setVisible(!following);
  if (!following) return;
  const QStringList keys = token_labels(attn::key_labels(*trace_, shownBlock()));
  std::vector<int> rows;
  for (int i = 0; i < stageCount(); ++i)
    if (is_score_stage(stages_[i].kind)) rows.push_back(i);
  row_table_->setColumnCount(int(keys.size()));
  row_table_->setRowCount(int(rows.size()));
  row_table_->setHorizontalHeaderLabels(keys);
  QStringList headers;
  for (int r = 0; r < int(rows.size()); ++r) {
    const attn::PipelineStage& stage = stages_[rows[r]];
    headers.append(titleFor(stage));
    for (int c = 0; c < stage.values.cols(); ++c) {
      const double value = stage.values(selected_row_, c);
      auto* item =
          new QTableWidgetItem(std::isfinite(value) ? QString::number(value, 'f', 3)
                                                    : CellValueLabels::format(value, false));
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      item->setData(Qt::UserRole, value);
      row_table_->setItem(r, c, item);
    }
  }
  row_table_->setVerticalHeaderLabels(headers);
  // As tall as its rows, so the stages keep the room.
  int height = row_table_->horizontalHeader()->sizeHint().height() + 2 * row_table_->frameWidth();
  for (int r = 0; r < row_table_->rowCount(); ++r) height += row_table_->rowHeight(r);
  row_table_->setMaximumHeight(height + row_table_->horizontalScrollBar()->sizeHint().height());
}

QRect PipelineView::revealedArea() const {
  QRect area;
  for (int i = 0; i < stageCount(); ++i)
    if (isStageVisible(i)) area = area.united(cards_[i].frame->geometry());
  return area;
}

QSize PipelineView::figureSize() const {
  if (!trace_) return {};
  const int margin = cards_layout_->spacing();
  return revealedArea().size() + QSize(2 * margin, 2 * margin);
}

void PipelineView::renderFigure(QCPPainter* painter, const QSize& size) {
  const QSize natural = figureSize();
  if (natural.isEmpty()) return;
  painter->fillRect(QRect(QPoint(0, 0), size), palette().brush(QPalette::Window));
  painter->save();
  // One scale for both directions, so cells stay square; centred in the page.
  const double scale =
      std::min(double(size.width()) / natural.width(), double(size.height()) / natural.height());
  painter->translate((size.width() - natural.width() * scale) / 2,
                     (size.height() - natural.height() * scale) / 2);
  painter->scale(scale, scale);
  const int margin = cards_layout_->spacing();
  const QPoint origin = revealedArea().topLeft() - QPoint(margin, margin);
  const QColor text = palette().color(QPalette::WindowText);
  for (int i = 0; i < stageCount(); ++i) {
    if (!isStageVisible(i)) continue;
    const Card& card = cards_[i];
    const QPoint at = card.frame->geometry().topLeft() - origin;
    draw_plot_into(painter, card.panel, QRectF(card.panel->geometry().translated(at)));
    RangeLegend::paint(painter, QRectF(card.legend->geometry().translated(at)),
                       make_gradient(gradient_id_), card.legend->range(), card.legend->font(),
                       text);
    painter->setFont(card.detail->font());
    painter->setPen(text);
    painter->drawText(QRectF(card.detail->geometry().translated(at)),
                      Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, card.detail->text());
  }
  painter->restore();
  // The panels give their on-screen layout back.
  for (int i = 0; i < stageCount(); ++i) cards_[i].panel->replot(QCustomPlot::rpQueuedReplot);
}

void PipelineView::setGradient(const QString& gradient_id) {
  gradient_id_ = gradient_id;
  if (trace_) rebuildCards();
}

void PipelineView::setShowNumbers(bool show) {
  show_numbers_ = show;
  for (const Card& card : cards_) {
    card.panel->setShowNumbers(show);
    card.panel->refresh();
  }
}

}  // namespace attn::ui
