#include "attn_ui/heatmap_panel.h"

#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "attn_ui/cell_value_labels.h"
#include "attn_ui/plot_style.h"
#include "attn_ui/token_ticker.h"

namespace attn::ui {
namespace {

QCPItemRect* make_outline(QCustomPlot* plot) {
  auto* rect = new QCPItemRect(plot);
  rect->setLayer(QStringLiteral("main"));
  // Orange-red reads against every gradient offered, light or dark end.
  rect->setPen(QPen(QColor(255, 80, 40), 2.5));
  rect->setBrush(Qt::NoBrush);
  rect->setClipToAxisRect(true);
  rect->setVisible(false);
  return rect;
}

}  // namespace

HeatmapPanel::HeatmapPanel(QWidget* parent) : QCustomPlot(parent) {
  setMouseTracking(true);
  // The plot paints every pixel from its buffer: nothing beneath it needs repainting.
  setAttribute(Qt::WA_OpaquePaintEvent);
  // One paint buffer instead of two: nothing here is redrawn on its own.
  layer(QStringLiteral("overlay"))->setMode(QCPLayer::lmLogical);
  setMinimumSize(80, 80);
  setBufferDevicePixelRatio(devicePixelRatioF());

  plotLayout()->insertRow(0);
  title_ =
      new QCPTextElement(this, QString(), QFont(font().family(), font().pointSize(), QFont::Bold));
  plotLayout()->addElement(0, 0, title_);

  map_ = new QCPColorMap(xAxis, yAxis);
  map_->setInterpolate(false);  // crisp cells: one weight, one colour
  map_->setTightBoundary(false);
  yAxis->setRangeReversed(true);  // query 0 at the top, like a matrix
  for (QCPAxis* axis : {xAxis, yAxis}) {
    axis->grid()->setVisible(false);
    axis->setSubTicks(false);
    axis->setTickLength(0, 3);
    axis->setPadding(2);
  }
  axisRect()->setAutoMargins(QCP::msAll);

  row_outline_ = make_outline(this);
  column_outline_ = make_outline(this);
  numbers_ = new CellValueLabels(this);
  applyPalette();
}

void HeatmapPanel::setContent(PanelContent content) {
  content_ = std::move(content);
  setCompactTitle(compact_title_);
  const int n_q = static_cast<int>(content_.values.rows());
  const int n_k = static_cast<int>(content_.values.cols());

  // Small matrices are filled now, cell for cell; large ones when laid out for their size.
  map_size_ = QSize();
  const QSize at_most(std::min(n_k, kFullResolutionCells), std::min(n_q, kFullResolutionCells));
  fillMap(at_most);

  xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new TokenTicker(xAxis, content_.column_labels)));
  yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new TokenTicker(yAxis, content_.row_labels)));
  xAxis->setRange(-0.5, n_k - 0.5);
  yAxis->setRange(-0.5, n_q - 0.5);
  updateRowMaxima();
  updateAxisTitles();
  if (highlight_row_ >= n_q || highlight_column_ >= n_k)
    setHighlight(-1, -1);
  else
    setHighlight(highlight_row_, highlight_column_);
}

void HeatmapPanel::setGradient(const QCPColorGradient& gradient) {
  QCPColorGradient with_hidden = gradient;
  with_hidden.setNanHandling(QCPColorGradient::nhNanColor);
  with_hidden.setNanColor(QColor(0xbd, 0xbd, 0xbd));  // neutral grey: "hidden", not a weight
  map_->setGradient(with_hidden);
}

void HeatmapPanel::setColorRange(const QCPRange& range) { map_->setDataRange(range); }

void HeatmapPanel::setShowNumbers(bool show) { numbers_->setVisible(show); }

void HeatmapPanel::setShowAxisTitles(bool show) {
  show_axis_titles_ = show;
  updateAxisTitles();
}

void HeatmapPanel::setTitlePointSize(int points) {
  if (points == title_points_) return;
  title_points_ = points;
  applyPalette();
}

void HeatmapPanel::setThumbnail(bool thumbnail) {
  xAxis->setVisible(!thumbnail);
  yAxis->setVisible(!thumbnail);
  // Without axes the automatic margins would still keep room for them.
  axisRect()->setAutoMargins(thumbnail ? QCP::msNone : QCP::msAll);
  axisRect()->setMargins(QMargins(2, 2, 2, 2));
}

void HeatmapPanel::setTokenLabelsShown(bool rows, bool columns) {
  yAxis->setTickLabels(rows);
  xAxis->setTickLabels(columns);
}

QSizeF HeatmapPanel::labelGutters(const QFont& font, const QStringList& row_labels,
                                  const QStringList& column_labels, double cell_width) {
  const QFontMetricsF metrics(font);
  const auto widest = [&](const QStringList& labels) {
    return TokenTicker::widestLabel(font, labels);
  };
  // Axis padding, tick length and tick-label padding around the text, as set up above.
  constexpr double kAround = 12;
  const double column_width = widest(column_labels);
  const bool upright = column_width + metrics.averageCharWidth() > cell_width;
  return {widest(row_labels) + kAround, (upright ? column_width : metrics.height()) + kAround};
}

void HeatmapPanel::updateAxisTitles() {
  xAxis->setLabel(show_axis_titles_ ? content_.column_axis_title : QString());
  yAxis->setLabel(show_axis_titles_ ? content_.row_axis_title : QString());
}

void HeatmapPanel::setMarkRowMaxima(bool mark) {
  mark_row_maxima_ = mark;
  updateRowMaxima();
}

QVector<QPoint> HeatmapPanel::markedCells() const {
  QVector<QPoint> cells;
  for (const QCPItemRect* rect : row_maxima_) {
    const QPointF centre = (rect->topLeft->coords() + rect->bottomRight->coords()) / 2;
    cells.append(QPoint(qRound(centre.x()), qRound(centre.y())));
  }
  return cells;
}

void HeatmapPanel::updateRowMaxima() {
  for (QCPItemRect* rect : row_maxima_) removeItem(rect);
  row_maxima_.clear();
  const attn::Matrix& values = content_.values;
  if (!mark_row_maxima_ || values.cols() == 0) return;
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    if (values.row(r).maxCoeff() <= 0) continue;  // a fully masked row has no strongest key
    Eigen::Index column = 0;
    values.row(r).maxCoeff(&column);
    auto* rect = new QCPItemRect(this);
    rect->setLayer(QStringLiteral("main"));
    // White inside black: visible on both ends of every gradient, unlike the orange highlight.
    rect->setPen(QPen(Qt::white, 2));
    rect->setBrush(Qt::NoBrush);
    rect->setClipToAxisRect(true);
    rect->topLeft->setCoords(double(column) - 0.42, double(r) - 0.42);
    rect->bottomRight->setCoords(double(column) + 0.42, double(r) + 0.42);
    row_maxima_.append(rect);
  }
}

void HeatmapPanel::setHighlight(int row, int column) {
  const int n_q = static_cast<int>(content_.values.rows());
  const int n_k = static_cast<int>(content_.values.cols());
  highlight_row_ = (row >= 0 && row < n_q) ? row : -1;
  highlight_column_ = (column >= 0 && column < n_k) ? column : -1;
  row_outline_->setVisible(highlight_row_ >= 0);
  if (highlight_row_ >= 0) {
    row_outline_->topLeft->setCoords(-0.5, highlight_row_ - 0.5);
    row_outline_->bottomRight->setCoords(n_k - 0.5, highlight_row_ + 0.5);
  }
  column_outline_->setVisible(highlight_column_ >= 0);
  if (highlight_column_ >= 0) {
    column_outline_->topLeft->setCoords(highlight_column_ - 0.5, -0.5);
    column_outline_->bottomRight->setCoords(highlight_column_ + 0.5, n_q - 0.5);
  }
}

void HeatmapPanel::setSelected(bool selected) {
  if (selected == selected_) return;
  selected_ = selected;
  applyPalette();
}

QString HeatmapPanel::title() const { return title_->text(); }

QRectF HeatmapPanel::titleRect() const { return title_->rect(); }

QFont HeatmapPanel::titleFont() const { return title_->font(); }

void HeatmapPanel::setCompactTitle(bool compact) {
  compact_title_ = compact;
  title_->setText(compact && !content_.short_title.isEmpty() ? content_.short_title
                                                             : content_.title);
}

std::optional<QPoint> HeatmapPanel::cellAt(const QPoint& position) const {
  if (!axisRect()->rect().contains(position)) return std::nullopt;
  const int column = static_cast<int>(std::lround(xAxis->pixelToCoord(position.x())));
  const int row = static_cast<int>(std::lround(yAxis->pixelToCoord(position.y())));
  if (row < 0 || row >= content_.values.rows() || column < 0 || column >= content_.values.cols())
    return std::nullopt;
  return QPoint(column, row);
}

QString HeatmapPanel::toolTipForCell(int row, int column) const {
  if (row < 0 || row >= content_.values.rows() || column < 0 || column >= content_.values.cols())
    return {};
  return tr("%1 · query '%2' → key '%3': %4")
      .arg(content_.tooltip_name, content_.row_labels.value(row),
           content_.column_labels.value(column))
      .arg(CellValueLabels::format(content_.values(row, column), false));
}

int HeatmapPanel::mapSide(int cells, double pixels) {
  if (cells <= kFullResolutionCells) return cells;
  return std::clamp(static_cast<int>(std::ceil(pixels)), kFullResolutionCells, cells);
}

void HeatmapPanel::fillMap(QSize size) {
  if (size == map_size_) return;
  map_size_ = size;
  const attn::Matrix& values = content_.values;
  const int n_q = static_cast<int>(values.rows());
  const int n_k = static_cast<int>(values.cols());
  const int columns = size.width();
  const int rows = size.height();
  QCPColorMapData* cells = map_->data();
  cells->setSize(columns, rows);
  // Map cells are n_k / columns tokens wide: their centres keep the heatmap on -0.5 … n - 0.5.
  const double half_w = 0.5 * n_k / std::max(1, columns);
  const double half_h = 0.5 * n_q / std::max(1, rows);
  cells->setRange(QCPRange(-0.5 + half_w, std::max(-0.5 + half_w, n_k - 0.5 - half_w)),
                  QCPRange(-0.5 + half_h, std::max(-0.5 + half_h, n_q - 0.5 - half_h)));
  // Block j covers columns [j·n_k / columns, (j + 1)·n_k / columns); likewise for rows.
  const auto first = [](int block, int count, int blocks) {
    return static_cast<int>(std::int64_t(block) * count / std::max(1, blocks));
  };
  std::vector<double> sums(columns);
  std::vector<int> counts(columns);
  for (int i = 0; i < rows; ++i) {
    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(counts.begin(), counts.end(), 0);
    for (int r = first(i, n_q, rows); r < first(i + 1, n_q, rows); ++r) {
      for (int j = 0; j < columns; ++j) {
        for (int c = first(j, n_k, columns); c < first(j + 1, n_k, columns); ++c) {
          // Masked scores are −∞: left out, and a block of them alone is NaN (the map's
          // "hidden" colour), since converting an infinity to a colour index is undefined.
          const float value = values(r, c);
          if (!std::isfinite(value)) continue;
          sums[j] += value;
          ++counts[j];
        }
      }
    }
    for (int j = 0; j < columns; ++j)
      cells->setCell(j, i, counts[j] > 0 ? sums[j] / counts[j] : std::nan(""));
  }
}

void HeatmapPanel::fitMapToResolution() {
  const int n_q = static_cast<int>(content_.values.rows());
  const int n_k = static_cast<int>(content_.values.cols());
  if (n_q <= kFullResolutionCells && n_k <= kFullResolutionCells) return;  // filled already
  const double scale = drawing_scale_ > 0 ? drawing_scale_ : bufferDevicePixelRatio();
  const QRect rect = axisRect()->rect();
  fillMap(QSize(mapSide(n_k, rect.width() * scale), mapSide(n_q, rect.height() * scale)));
}

void HeatmapPanel::draw(QCPPainter* painter) {
  // Pixels per layout pixel: the painter's scale (PNG at 2× is 2). SVG and PDF are zoomed in
  // by their viewers, so they get twice their layout size.
  const QTransform transform = painter->worldTransform();
  double scale = std::sqrt(std::abs(transform.determinant()));
  if (painter->paintEngine() && painter->paintEngine()->type() != QPaintEngine::Raster &&
      painter->paintEngine()->type() != QPaintEngine::Picture)
    scale *= 2;
  drawing_scale_ = std::max(scale, 1e-3);
  QCustomPlot::draw(painter);  // lays out (fitting the map) and draws
  drawing_scale_ = 0;
}

// Renders into the paint buffer now; the widget shows it in the next paint, which Qt merges
// for all panels into one window update.
void HeatmapPanel::refresh() { replot(QCustomPlot::rpRefreshHint); }

void HeatmapPanel::mouseMoveEvent(QMouseEvent* event) {
  QCustomPlot::mouseMoveEvent(event);
  const std::optional<QPoint> cell = cellAt(event->pos());
  if (cell)
    QToolTip::showText(event->globalPosition().toPoint(), toolTipForCell(cell->y(), cell->x()),
                       this);
  else
    QToolTip::hideText();
}

void HeatmapPanel::mousePressEvent(QMouseEvent* event) {
  QCustomPlot::mousePressEvent(event);
  if (event->button() != Qt::LeftButton) return;
  const QRect rect = axisRect()->rect();
  const QPoint p = event->pos();
  const bool beside_rows = p.x() < rect.left() && p.y() >= rect.top() && p.y() <= rect.bottom();
  const bool below_columns = p.y() > rect.bottom() && p.x() >= rect.left() && p.x() <= rect.right();
  if (beside_rows) {
    const int row = static_cast<int>(std::lround(yAxis->pixelToCoord(p.y())));
    if (row >= 0 && row < content_.values.rows()) emit rowLabelClicked(row);
    return;
  }
  if (below_columns) {
    const int column = static_cast<int>(std::lround(xAxis->pixelToCoord(p.x())));
    if (column >= 0 && column < content_.values.cols()) emit columnLabelClicked(column);
    return;
  }
  if (const std::optional<QPoint> cell = cellAt(p)) emit cellClicked(cell->y(), cell->x());
  emit clicked();
}

void HeatmapPanel::showEvent(QShowEvent* event) {
  setBufferDevicePixelRatio(devicePixelRatioF());  // sharp on HiDPI screens
  QCustomPlot::showEvent(event);
}

void HeatmapPanel::updateLayout() {
  plotLayout()->setMargins(QMargins(0, 0, 0, 0));
  QCustomPlot::updateLayout();
  const double n_q = double(content_.values.rows());
  const double n_k = double(content_.values.cols());
  if (n_q == 0 || n_k == 0) return;
  struct FitMapWhenDone {  // every return below leaves the final layout: fit the map to it
    HeatmapPanel* panel;
    ~FitMapWhenDone() { panel->fitMapToResolution(); }
  } fit_map{this};
  const QRect rect = axisRect()->rect();
  double cell = std::min(rect.width() / n_k, rect.height() / n_q);
  if (cell_limit_ > 0) cell = std::min(cell, cell_limit_);
  const int spare_width = std::max(0, rect.width() - int(cell * n_k));
  const int spare_height = std::max(0, rect.height() - int(cell * n_q));
  if (spare_width < 2 && spare_height < 2) return;
  // The spare room goes around the whole panel, so the title stays on top of its heatmap.
  const int left = centred_ ? spare_width / 2 : 0;
  const int top = centred_ ? spare_height / 2 : 0;
  plotLayout()->setMargins(QMargins(left, top, spare_width - left, spare_height - top));
  // Twice: the first pass thins the token labels for the old cell size, the second for the new.
  QCustomPlot::updateLayout();
  QCustomPlot::updateLayout();
}

void HeatmapPanel::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) applyPalette();
}

// Follow the system's light or dark palette: background, text and axes from the widget palette.
void HeatmapPanel::applyPalette() {
  const QPalette& p = palette();
  const QColor text = p.color(QPalette::WindowText);
  setBackground(p.brush(QPalette::Window));
  axisRect()->setBackground(p.brush(QPalette::Base));
  QFont title_font = font();
  title_font.setBold(true);
  if (title_points_ > 0) title_font.setPointSize(title_points_);
  title_->setFont(title_font);
  title_->setTextColor(selected_ ? p.color(QPalette::Highlight) : text);
  for (QCPAxis* axis : {xAxis, yAxis}) style_axis(axis, p, font());
}

}  // namespace attn::ui
