#include "attn_ui/model_grid_view.h"

#include <qcustomplot.h>

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <set>

#include "attn/trace_views.h"
#include "attn_ui/gradients.h"

namespace attn::ui {
namespace {

constexpr double kMargin = 8;

// weights (n_q × n_k) averaged into rows × cols boxes (rows ≤ n_q, cols ≤ n_k): a thumbnail
// smaller than its matrix shows every weight's share, not every k-th one.
Matrix pooled(const Matrix& weights, int rows, int cols) {
  if (rows == weights.rows() && cols == weights.cols()) return weights;
  Matrix sum = Matrix::Zero(rows, cols);
  Eigen::MatrixXi count = Eigen::MatrixXi::Zero(rows, cols);
  for (Eigen::Index r = 0; r < weights.rows(); ++r) {
    const Eigen::Index out_r = r * rows / weights.rows();
    for (Eigen::Index c = 0; c < weights.cols(); ++c) {
      const Eigen::Index out_c = c * cols / weights.cols();
      sum(out_r, out_c) += weights(r, c);
      ++count(out_r, out_c);
    }
  }
  return sum.cwiseQuotient(count.cast<float>().cwiseMax(1.0f));
}

// The largest weight the colour scale runs to; column 0 left out when asked.
double scale_top(const Matrix& weights, bool ignore_first_key) {
  double top = 0;
  if (ignore_first_key && weights.cols() > 1)
    top = weights.rightCols(weights.cols() - 1).maxCoeff();
  else if (weights.size() > 0)
    top = weights.maxCoeff();
  return top > 0 ? top : 1.0;
}

bool has_both_kinds(const attn::Trace& trace) {
  bool target = false, source = false;
  for (const attn::AttentionBlock& block : trace.blocks) {
    (block.queries == attn::Sequence::Target ? target : source) = true;
  }
  return target && source;
}

}  // namespace

ModelGridView::ModelGridView(QWidget* parent)
    : QWidget(parent), gradient_id_(gradient_ids().front()) {
  setObjectName(QStringLiteral("modelGrid"));
  setMouseTracking(true);
  setMinimumSize(200, 150);
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void ModelGridView::setTrace(std::shared_ptr<const attn::Trace> trace) {
  trace_ = std::move(trace);
  images_pixels_ = -1;
  update();
}

void ModelGridView::setChosen(int block, int head) {
  chosen_block_ = block;
  chosen_head_ = head;
  update();
}

void ModelGridView::setGradient(const QString& gradient_id) {
  gradient_id_ = gradient_ids().contains(gradient_id) ? gradient_id : gradient_ids().front();
  images_pixels_ = -1;
  update();
}

void ModelGridView::setIgnoreFirstKey(bool ignore) {
  ignore_first_key_ = ignore;
  images_pixels_ = -1;
  update();
}

int ModelGridView::rowCount() const { return trace_ ? static_cast<int>(trace_->blocks.size()) : 0; }

int ModelGridView::columnCount() const {
  int heads = 0;
  if (trace_)
    for (const attn::AttentionBlock& block : trace_->blocks) heads = std::max(heads, block.heads());
  return heads;
}

QString ModelGridView::rowLabel(int block) const {
  if (!trace_ || block < 0 || block >= rowCount()) return {};
  const attn::AttentionBlock& b = trace_->blocks[std::size_t(block)];
  const int layer = b.layer + 1;
  if (!has_both_kinds(*trace_)) return tr("Layer %1").arg(layer);
  if (b.kind == attn::BlockKind::Cross) return tr("Decoder %1 ⇄").arg(layer);
  return b.queries == attn::Sequence::Target ? tr("Decoder %1").arg(layer)
                                             : tr("Encoder %1").arg(layer);
}

ModelGridView::Layout ModelGridView::layoutFor(const QSizeF& size) const {
  Layout layout;
  const QFontMetricsF metrics(font());
  for (int b = 0; b < rowCount(); ++b)
    layout.label_width = std::max(layout.label_width, metrics.horizontalAdvance(rowLabel(b)));
  layout.label_width += 8;
  layout.header_height = metrics.height() + 4;
  const int rows = std::max(1, rowCount());
  const int columns = std::max(1, columnCount());
  const double free_width = size.width() - 2 * kMargin - layout.label_width;
  const double free_height = size.height() - 2 * kMargin - layout.header_height;
  const double pitch = std::max(4.0, std::min(free_width / columns, free_height / rows));
  layout.gap = std::clamp(pitch * 0.08, 1.0, 6.0);
  layout.cell = pitch - layout.gap;
  // The grid centred in what is left.
  const double grid_width = layout.label_width + columns * pitch;
  const double grid_height = layout.header_height + rows * pitch;
  layout.left = std::max(kMargin, (size.width() - grid_width) / 2) + layout.label_width;
  layout.top = std::max(kMargin, (size.height() - grid_height) / 2) + layout.header_height;
  return layout;
}

QRectF ModelGridView::panelRect(int block, int head, const QSizeF& size) const {
  if (!trace_ || block < 0 || block >= rowCount()) return {};
  const attn::AttentionBlock& b = trace_->blocks[std::size_t(block)];
  if (head < 0 || head >= b.heads() || b.n_q() == 0 || b.n_k() == 0) return {};
  const Layout layout = layoutFor(size);
  const double pitch = layout.cell + layout.gap;
  // Keep the matrix's shape: a cross block's n_target × n_source is not square.
  const double scale = layout.cell / std::max(b.n_q(), b.n_k());
  const double width = b.n_k() * scale, height = b.n_q() * scale;
  const double x = layout.left + head * pitch + (layout.cell - width) / 2;
  const double y = layout.top + block * pitch + (layout.cell - height) / 2;
  return QRectF(x, y, width, height);
}

QPoint ModelGridView::panelAt(const QPointF& point) const {
  const Layout layout = layoutFor(QSizeF(size()));
  const double pitch = layout.cell + layout.gap;
  if (pitch <= 0 || point.x() < layout.left || point.y() < layout.top) return {-1, -1};
  const int head = int((point.x() - layout.left) / pitch);
  const int block = int((point.y() - layout.top) / pitch);
  if (block >= rowCount() || head >= columnCount()) return {-1, -1};
  if (!panelRect(block, head, QSizeF(size())).adjusted(-1, -1, 1, 1).contains(point))
    return {-1, -1};
  return {block, head};
}

QString ModelGridView::describePanel(int block, int head) const {
  if (!trace_ || block < 0 || block >= rowCount()) return {};
  const attn::AttentionBlock& b = trace_->blocks[std::size_t(block)];
  if (head < 0 || head >= b.heads() || b.n_q() == 0 || b.n_k() == 0) return {};
  const Matrix& w = b.head[std::size_t(head)].weights;
  Eigen::Index row = 0, column = 0;
  const bool skip_first = ignore_first_key_ && w.cols() > 1;
  const float best =
      skip_first ? w.rightCols(w.cols() - 1).maxCoeff(&row, &column) : w.maxCoeff(&row, &column);
  if (skip_first) ++column;
  const std::vector<std::string> queries = attn::query_labels(*trace_, b);
  const std::vector<std::string> keys = attn::key_labels(*trace_, b);
  QString text = tr("%1 · head %2").arg(rowLabel(block)).arg(head + 1);
  if (std::size_t(head) < b.kv_head.size() && b.heads() > 1 &&
      std::set<int>(b.kv_head.begin(), b.kv_head.end()).size() < std::size_t(b.heads())) {
    text += tr(" (shares key/value head %1)").arg(b.kv_head[std::size_t(head)] + 1);
  }
  text += QLatin1Char('\n') + tr("strongest: “%1” → “%2” (%3)")
                                  .arg(QString::fromStdString(queries.at(std::size_t(row))),
                                       QString::fromStdString(keys.at(std::size_t(column))))
                                  .arg(double(best), 0, 'f', 2);
  text += QLatin1Char('\n') + QString::fromStdString(b.name);
  return text;
}

void ModelGridView::ensureImages(int pixels) {
  if (images_pixels_ == pixels || !trace_) return;
  QCPColorGradient gradient = make_gradient(gradient_id_);  // colorize() fills its cache
  images_.clear();
  for (const attn::AttentionBlock& block : trace_->blocks) {
    QVector<QImage> row;
    for (const attn::HeadWeights& head : block.head) {
      const Matrix& w = head.weights;
      if (w.size() == 0) {
        row.append(QImage());
        continue;
      }
      const int rows = std::min<int>(int(w.rows()), pixels);
      const int cols = std::min<int>(int(w.cols()), pixels);
      const Matrix shown = pooled(w, rows, cols);
      const QCPRange range(0, scale_top(w, ignore_first_key_));
      QImage image(cols, rows, QImage::Format_RGB32);
      std::vector<double> values(std::size_t(cols), 0.0);
      for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) values[std::size_t(c)] = shown(r, c);
        gradient.colorize(values.data(), range, reinterpret_cast<QRgb*>(image.scanLine(r)), cols);
      }
      row.append(image);
    }
    images_.append(row);
  }
  images_pixels_ = pixels;
}

void ModelGridView::paintGrid(QPainter* painter, const QSizeF& size, double device_ratio) {
  painter->fillRect(QRectF(QPointF(0, 0), size), palette().brush(QPalette::Base));
  if (!trace_ || rowCount() == 0) {
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter,
                      tr("The model view shows every layer's heads once a text is computed."));
    return;
  }
  const Layout layout = layoutFor(size);
  ensureImages(std::max(1, int(layout.cell * device_ratio)));
  const double pitch = layout.cell + layout.gap;
  painter->setPen(palette().color(QPalette::Text));
  for (int h = 0; h < columnCount(); ++h) {
    painter->drawText(QRectF(layout.left + h * pitch, layout.top - layout.header_height,
                             layout.cell, layout.header_height),
                      Qt::AlignHCenter | Qt::AlignBottom, QString::number(h + 1));
  }
  for (int b = 0; b < rowCount(); ++b) {
    painter->setPen(palette().color(QPalette::Text));
    painter->drawText(QRectF(layout.left - layout.label_width, layout.top + b * pitch,
                             layout.label_width - 6, layout.cell),
                      Qt::AlignRight | Qt::AlignVCenter, rowLabel(b));
    for (int h = 0; h < trace_->blocks[std::size_t(b)].heads(); ++h) {
      const QRectF rect = panelRect(b, h, size);
      const QImage& image = images_[b][h];
      if (rect.isEmpty() || image.isNull()) continue;
      painter->drawImage(rect, image);
    }
  }
  if (chosen_block_ >= 0 && chosen_block_ < rowCount()) {
    const QRectF rect = panelRect(chosen_block_, chosen_head_, size);
    if (!rect.isEmpty()) {
      QPen pen(palette().color(QPalette::Highlight), std::max(2.0, layout.gap));
      painter->setPen(pen);
      painter->setBrush(Qt::NoBrush);
      painter->drawRect(
          rect.adjusted(-pen.widthF() / 2, -pen.widthF() / 2, pen.widthF() / 2, pen.widthF() / 2));
    }
  }
}

void ModelGridView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  paintGrid(&painter, QSizeF(size()), devicePixelRatioF());
}

void ModelGridView::render(QPainter* painter, const QSize& size) {
  // Exports are written at up to 4× their layout size: thumbnails at that resolution.
  paintGrid(painter, QSizeF(size), 4.0);
  images_pixels_ = -1;  // the screen's own resolution next time
}

void ModelGridView::mouseMoveEvent(QMouseEvent* event) {
  const QPoint panel = panelAt(event->position());
  if (panel.x() < 0) {
    QToolTip::hideText();
    return;
  }
  QToolTip::showText(event->globalPosition().toPoint(), describePanel(panel.x(), panel.y()), this);
}

void ModelGridView::mousePressEvent(QMouseEvent* event) {
  const QPoint panel = panelAt(event->position());
  if (event->button() != Qt::LeftButton || panel.x() < 0) return;
  setChosen(panel.x(), panel.y());
  emit panelChosen(panel.x(), panel.y());
}

void ModelGridView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  images_pixels_ = -1;
}

void ModelGridView::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::FontChange) images_pixels_ = -1;
}

}  // namespace attn::ui
