#include "attn_ui/heatmap_view.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QPainter>
#include <QPicture>
#include <QResizeEvent>
#include <QSplitter>

#include "attn/trace_views.h"
#include "attn_ui/color_bar.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/gradients.h"
#include "attn_ui/grid_layout.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/qt_strings.h"

namespace attn::ui {
namespace {

constexpr double kPanelSpacing = 6;
constexpr int kMinColorBarWidth = 90;
// Up to this many grid panels (two heads and their mean) the focused one leaves the grid.
constexpr int kFewPanels = 3;

}  // namespace

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent), gradient_id_(gradient_ids().front()) {
  splitter_ = new QSplitter(Qt::Horizontal, this);
  splitter_->setObjectName(QStringLiteral("heatmapSplitter"));
  splitter_->setChildrenCollapsible(false);
  focus_panel_ = new HeatmapPanel(splitter_);
  focus_panel_->setObjectName(QStringLiteral("focusedPanel"));
  focus_panel_->setShowAxisTitles(true);
  grid_area_ = new QWidget(splitter_);
  grid_area_->setObjectName(QStringLiteral("gridArea"));
  grid_area_->installEventFilter(this);
  splitter_->addWidget(focus_panel_);
  splitter_->addWidget(grid_area_);
  splitter_->setStretchFactor(0, 2);
  splitter_->setStretchFactor(1, 3);

  color_bar_ = new ColorBar(this);
  color_bar_->setFixedWidth(colorBarWidth());

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter_, 1);
  layout->addWidget(color_bar_);

  connect(focus_panel_, &HeatmapPanel::rowLabelClicked, this, &HeatmapView::toggleRowHighlight);
  connect(focus_panel_, &HeatmapPanel::columnLabelClicked, this,
          &HeatmapView::onColumnLabelClicked);
  connect(focus_panel_, &HeatmapPanel::cellClicked, this, [this](int row, int column) {
    if (mask_editing_ == MaskEditing::Cells) emit cellClicked(row, column);
  });
  applyColors();
}

HeatmapView::~HeatmapView() = default;

void HeatmapView::setTrace(std::shared_ptr<const attn::Trace> trace, int block) {
  trace_ = std::move(trace);
  if (!trace_ || trace_->blocks.empty()) return;
  const attn::Trace& t = *trace_;
  block_ = block >= 0 && block < static_cast<int>(t.blocks.size())
               ? block
               : std::max(0, attn::default_block(t));
  const attn::AttentionBlock& shown = t.blocks[block_];
  const QStringList rows = token_labels(attn::query_labels(t, shown));
  const QStringList columns = token_labels(attn::key_labels(t, shown));
  const bool cross = shown.kind == attn::BlockKind::Cross;
  const QString row_title = cross ? tr("queries (target)") : tr("queries");
  const QString column_title = cross ? tr("keys (source)") : tr("keys");

  const int heads = shown.heads();
  const bool with_mean = heads > 1;
  ensurePanelCount(heads + (with_mean ? 1 : 0));
  for (int h = 0; h < heads; ++h) {
    const bool named = heads == 1 && !single_head_title_.isEmpty();
    panels_[h]->setContent({named ? single_head_title_ : tr("Head %1").arg(h + 1),
                            named ? single_head_title_ : tr("head %1").arg(h + 1),
                            shown.head[h].weights, rows, columns, row_title, column_title,
                            named ? QString() : tr("H%1").arg(h + 1)});
  }
  if (with_mean) {
    panels_[heads]->setContent({tr("Mean of %1 heads").arg(heads), tr("mean"),
                                attn::mean_weights(shown), rows, columns, row_title, column_title,
                                tr("Mean")});
  }
  if (focused_head_ >= heads || (focused_head_ == kMeanPanel && !with_mean)) {
    focused_head_ = with_mean ? kMeanPanel : 0;
    emit focusedHeadChanged(focused_head_);
  }
  updateFocusPanel();
  setHighlight(highlight_row_, highlight_column_);
  applyColors();
  layoutGrid();
  refreshAll();
  emit traceShown();
}

void HeatmapView::ensurePanelCount(int count) {
  while (panelCount() > count) {
    delete panels_.back();
    panels_.pop_back();
  }
  while (panelCount() < count) {
    auto* panel = new HeatmapPanel(grid_area_);
    const int index = panelCount();
    panel->setObjectName(QStringLiteral("panel%1").arg(index));
    panel->setShowNumbers(show_numbers_);
    panel->setMarkRowMaxima(mark_strongest_);
    panel->setCentred(false);
    panel->show();
    connect(panel, &HeatmapPanel::clicked, this, [this, panel] {
      for (int i = 0; i < panelCount(); ++i) {
        if (panels_[i] != panel) continue;
        const bool is_mean = trace_ && shownHeads() > 1 && i == shownHeads();
        setFocusedHead(is_mean ? kMeanPanel : i);
      }
    });
    connect(panel, &HeatmapPanel::rowLabelClicked, this, &HeatmapView::toggleRowHighlight);
    connect(panel, &HeatmapPanel::columnLabelClicked, this, &HeatmapView::onColumnLabelClicked);
    panels_.push_back(panel);
  }
}

int HeatmapView::panelIndexForHead(int head) const {
  if (!trace_) return -1;
  if (head == kMeanPanel) return shownHeads() > 1 ? shownHeads() : 0;
  return head;
}

void HeatmapView::setFocusedHead(int head) {
  if (trace_ && (head < kMeanPanel || head >= shownHeads())) return;
  if (trace_ && head == kMeanPanel && shownHeads() == 1) head = 0;
  if (head == focused_head_) return;
  focused_head_ = head;
  updateFocusPanel();
  layoutGrid();  // the newly focused panel leaves the grid for its placeholder
  for (HeatmapPanel* panel : panels_) panel->refresh();
  focus_panel_->refresh();
  emit focusedHeadChanged(head);
}

void HeatmapView::updateFocusPanel() {
  const int index = panelIndexForHead(focused_head_);
  for (int i = 0; i < panelCount(); ++i) panels_[i]->setSelected(i == index);
  if (index < 0 || index >= panelCount()) return;
  focus_panel_->setContent(panels_[index]->content());
}

void HeatmapView::setHighlight(int row, int column) {
  highlight_row_ = row;
  highlight_column_ = column;
  for (HeatmapPanel* panel : panels_) panel->setHighlight(row, column);
  focus_panel_->setHighlight(row, column);
  // A panel drops an index that its matrix doesn't have: keep the view's state in step.
  highlight_row_ = focus_panel_->highlightedRow();
  highlight_column_ = focus_panel_->highlightedColumn();
}

void HeatmapView::toggleRowHighlight(int row) {
  setHighlight(row == highlight_row_ ? -1 : row, highlight_column_);
  refreshAll();
}

void HeatmapView::onColumnLabelClicked(int column) {
  if (mask_editing_ != MaskEditing::Off) {
    emit keyLabelClicked(column);
    return;
  }
  toggleColumnHighlight(column);
}

void HeatmapView::toggleColumnHighlight(int column) {
  setHighlight(highlight_row_, column == highlight_column_ ? -1 : column);
  refreshAll();
}

void HeatmapView::setGradient(const QString& gradient_id) {
  gradient_id_ = gradient_ids().contains(gradient_id) ? gradient_id : gradient_ids().front();
  applyColors();
  refreshAll();
}

void HeatmapView::setShowNumbers(bool show) {
  show_numbers_ = show;
  for (HeatmapPanel* panel : panels_) panel->setShowNumbers(show);
  focus_panel_->setShowNumbers(show);
  refreshAll();
}

void HeatmapView::setFixedRange(bool fixed) {
  fixed_range_ = fixed;
  applyColors();
  refreshAll();
}

void HeatmapView::setMarkStrongest(bool mark) {
  mark_strongest_ = mark;
  for (HeatmapPanel* panel : panels_) panel->setMarkRowMaxima(mark);
  focus_panel_->setMarkRowMaxima(mark);
  refreshAll();
}

void HeatmapView::setIgnoreFirstKey(bool ignore) {
  ignore_first_key_ = ignore;
  applyColors();
  refreshAll();
}

void HeatmapView::applyColors() {
  double top = 1.0;
  if (!fixed_range_ && !panels_.empty()) {
    top = 0;
    for (HeatmapPanel* panel : panels_) {
      const Matrix& values = panel->content().values;
      if (ignore_first_key_ && values.cols() > 1)
        top = std::max(top, double(values.rightCols(values.cols() - 1).maxCoeff()));
      else if (values.size() > 0)
        top = std::max(top, double(values.maxCoeff()));
    }
    if (top <= 0) top = 1.0;  // every row masked: keep a usable scale
  }
  const QCPRange range(0, top);
  const QCPColorGradient gradient = make_gradient(gradient_id_);
  for (HeatmapPanel* panel : panels_) {
    panel->setGradient(gradient);
    panel->setColorRange(range);
  }
  focus_panel_->setGradient(gradient);
  focus_panel_->setColorRange(range);
  color_bar_->setGradient(gradient);
  color_bar_->setRange(range);
}

void HeatmapView::refreshAll() {
  for (HeatmapPanel* panel : panels_) panel->refresh();
  focus_panel_->refresh();
  color_bar_->replot(QCustomPlot::rpRefreshHint);
}

QVector<QRectF> HeatmapView::arrangeGrid(const QRectF& area, bool thumbnails, int left_out) {
  QVector<QRectF> rects;
  if (panels_.empty() || !trace_) return rects;
  // The panels placed, in order: all of them, or all but `left_out`.
  QVector<int> placed_panels;
  for (int i = 0; i < panelCount(); ++i)
    if (i != left_out) placed_panels.append(i);
  const int count = int(placed_panels.size());
  if (count == 0) return QVector<QRectF>(panelCount());
  const int n_q = trace_->blocks[block_].n_q();
  const int n_k = trace_->blocks[block_].n_k();
  const QFont font = panels_.front()->font();
  // Presentation thumbnails carry no token labels: the focused panel has them, large.
  QSizeF gutters(0, 0);
  if (!thumbnails) {
    // Cell width without gutters decides whether key labels stand upright; close enough.
    const GridShape rough = best_grid_shape(count, area.size(), n_q, n_k);
    const double rough_cell =
        std::min(area.width() / rough.columns / n_k, area.height() / rough.rows / n_q);
    const PanelContent& content = panels_.front()->content();
    gutters =
        HeatmapPanel::labelGutters(font, content.row_labels, content.column_labels, rough_cell);
  }
  const LabelGutters label_gutters{gutters.width(), gutters.height()};
  QFont title_font = font;
  title_font.setBold(true);
  const QFontMetricsF title_metrics(title_font);
  const double title = title_metrics.height() + 8;
  // Padding, tick marks and the empty label band QCustomPlot keeps on an unlabelled side; a
  // thumbnail has no axes.
  const double frame = thumbnails ? 4 : QFontMetricsF(font).height() + 12;
  const QSizeF overhead(frame + kPanelSpacing, title + frame + kPanelSpacing);
  const QVector<PanelSlot> placed =
      grid_slots(count, area, n_q, n_k, label_gutters, kPanelSpacing, overhead);
  const GridShape shape = best_grid_shape(
      count, QSizeF(area.width() - gutters.width(), area.height() - gutters.height()), n_q, n_k,
      overhead);
  // The same cell size everywhere: what an unlabelled panel's heatmap has room for.
  const PanelSlot& first = placed.front();
  const double width = first.rect.width() - (first.row_labels ? gutters.width() : 0);
  const double height = first.rect.height() - (first.column_labels ? gutters.height() : 0);
  const double cell =
      std::max(1.0, std::min((width - frame) / n_k, (height - title - frame) / n_q));
  // Titles are never cut: short ones ("H3") when a full one is wider than its heatmap, and
  // smaller type when even those are.
  const double room = cell * n_k + frame - 4;
  double widest_title = 0;
  double widest_short = 0;
  for (const HeatmapPanel* panel : panels_) {
    const PanelContent& c = panel->content();
    widest_title = std::max(widest_title, title_metrics.horizontalAdvance(c.title));
    widest_short = std::max(widest_short, title_metrics.horizontalAdvance(
                                              c.short_title.isEmpty() ? c.title : c.short_title));
  }
  const bool compact = widest_title > room;
  const double widest = compact ? widest_short : widest_title;
  const int title_points =
      widest > room ? std::max(6, int(title_font.pointSizeF() * room / widest)) : 0;
  const double panel_width = cell * n_k + frame;
  // A little slack so rounding never takes a pixel from one panel's cells and not another's.
  const QSizeF panel_size(std::min(width, panel_width + 2),
                          std::min(height, cell * n_q + title + frame + 2));
  const QVector<PanelSlot> packed =
      packed_grid_slots(count, shape, area, panel_size, label_gutters, kPanelSpacing);
  rects.resize(panelCount());  // the panel left out keeps an empty rect
  for (int p = 0; p < packed.size(); ++p) {
    HeatmapPanel* panel = panels_[placed_panels[p]];
    panel->setTokenLabelsShown(packed[p].row_labels && !thumbnails,
                               packed[p].column_labels && !thumbnails);
    panel->setCompactTitle(compact);
    panel->setTitlePointSize(title_points);
    panel->setThumbnail(thumbnails);
    panel->setCellLimit(cell);
    rects[placed_panels[p]] = packed[p].rect;
  }
  return rects;
}

void HeatmapView::layoutGrid() {
  // One panel alone is the focused panel itself: the grid would only repeat it.
  grid_area_->setVisible(panelCount() != 1);
  const int focused = panelIndexForHead(focused_head_);
  // With a few panels a placeholder would take a third of the grid: the grid leaves the
  // focused panel out instead, and the others grow into its room.
  const bool few = !presentation_ && panelCount() <= kFewPanels;
  const QVector<QRectF> rects = arrangeGrid(QRectF(QPointF(0, 0), QSizeF(grid_area_->size())),
                                            presentation_, few ? focused : -1);
  placeholder_ = QRectF();
  for (int i = 0; i < rects.size(); ++i) {
    if (!rects[i].isEmpty()) panels_[i]->setGeometry(rects[i].toAlignedRect());
    // The focused panel is shown large; in the grid its place says so instead of drawing it again.
    panels_[i]->setVisible(i != focused);
    if (i == focused && !few) placeholder_ = rects[i];
  }
  grid_area_->update();
}

int HeatmapView::colorBarWidth() const {
  const QFontMetrics metrics(color_bar_ ? color_bar_->font() : font());
  return std::max(kMinColorBarWidth, metrics.horizontalAdvance(QStringLiteral("0.000")) + 56);
}

void HeatmapView::setPresentation(bool on) {
  if (on == presentation_) return;
  presentation_ = on;
  if (on) {
    splitter_before_presentation_ = splitter_->saveState();
    const int total = std::max(3, splitter_->width());
    splitter_->setSizes({total * 2 / 3, total - total * 2 / 3});
  } else {
    splitter_->restoreState(splitter_before_presentation_);
  }
  layoutGrid();
  refreshAll();
}

void HeatmapView::paintFocusPlaceholder() {
  if (placeholder_.isEmpty() || !grid_area_->isVisible()) return;
  const int focused = panelIndexForHead(focused_head_);
  if (focused < 0 || focused >= panelCount()) return;
  QPainter painter(grid_area_);
  painter.setRenderHint(QPainter::Antialiasing);
  const QPalette& p = grid_area_->palette();
  QPen pen(p.color(QPalette::Highlight), 2, Qt::DashLine);
  painter.setPen(pen);
  const QRectF frame = placeholder_.adjusted(4, 4, -4, -4);
  painter.drawRoundedRect(frame, 6, 6);
  painter.setPen(p.color(QPalette::WindowText));
  // The title (or its short form) over "shown large", in type small enough to fit the frame.
  const PanelContent& content = panels_[focused]->content();
  QFont bold = font();
  bold.setBold(true);
  const QString note = tr("shown large");
  const QRectF room = frame.adjusted(4, 4, -4, -4);
  const int flags = Qt::AlignCenter | Qt::TextWordWrap;
  // The title stays on one line; the note may wrap between words ("shown / large"); nothing is
  // cut: the short title, then smaller type, until all fit.
  const auto fits = [&](const QFont& f, const QString& title) {
    const QFontMetricsF metrics(f);
    bool words_fit = metrics.horizontalAdvance(title) <= room.width();
    for (const QString& word : note.split(QLatin1Char(' ')))
      words_fit = words_fit && metrics.horizontalAdvance(word) <= room.width();
    const QRectF needed = metrics.boundingRect(room, flags, title + QLatin1Char('\n') + note);
    return words_fit && needed.height() <= room.height();
  };
  QString title = content.title;
  for (double points = bold.pointSizeF(); points > 6; points -= 1) {
    bold.setPointSizeF(points);
    title = content.title;
    if (fits(bold, title)) break;
    title = content.short_title;
    if (!title.isEmpty() && fits(bold, title)) break;
  }
  const QString text = title + QLatin1Char('\n') + note;
  painter.setFont(bold);
  painter.drawText(room, flags, text);
}

void HeatmapView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::FontChange) color_bar_->setFixedWidth(colorBarWidth());
  if (event->type() == QEvent::FontChange && trace_) {
    layoutGrid();
    refreshAll();
  }
}

bool HeatmapView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == grid_area_ && event->type() == QEvent::Resize) layoutGrid();
  if (watched == grid_area_ && event->type() == QEvent::Paint) paintFocusPlaceholder();
  return QWidget::eventFilter(watched, event);
}

QSize HeatmapView::partSize(FigurePart part) const {
  const QWidget* shown = part == FigurePart::Grid ? grid_area_ : focus_panel_;
  return QSize(shown->width() + color_bar_->width(), shown->height());
}

void HeatmapView::renderFigure(QCPPainter* painter, const QSize& size, FigurePart part) {
  painter->fillRect(QRect(QPoint(0, 0), size), palette().brush(QPalette::Window));
  const int bar_width = colorBarWidth();
  const QRectF area(0, 0, std::max(1, size.width() - bar_width), size.height());
  if (part == FigurePart::Focused) {
    draw_plot_into(painter, focus_panel_, area);
  } else {
    const QVector<QRectF> rects = arrangeGrid(area, false);  // slides keep their labels
    for (int i = 0; i < rects.size(); ++i) draw_plot_into(painter, panels_[i], rects[i]);
    layoutGrid();  // back to the screen's own labels and cell size
  }
  draw_plot_into(painter, color_bar_, QRectF(area.right(), 0, bar_width, size.height()));
  // Give the on-screen widgets their own layout back.
  for (HeatmapPanel* panel : panels_) panel->replot(QCustomPlot::rpQueuedReplot);
  focus_panel_->replot(QCustomPlot::rpQueuedReplot);
  color_bar_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace attn::ui
