#include "attn_ui/line_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMouseEvent>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include "attn/trace_views.h"
#include "attn_ui/qt_strings.h"

namespace attn::ui {
namespace {

constexpr double kMargin = 16;
constexpr double kGap = 12;  // between a label and the ends of its lines

// Draws a 1-pixel line from a to b into `image` (premultiplied ARGB32), `color` at `opacity`,
// one pixel per step along the longer axis, blended source-over two channels at a time.
void blend_line(QImage* image, QPointF a, QPointF b, const QColor& color, double opacity) {
  const quint32 alpha = quint32(std::clamp(int(std::lround(opacity * 255)), 0, 255));
  // Below 3/255 a line tints its pixels by under 1.2%: invisible. Skipping them took the
  // 32-token, 8-head line view from 22 to 15.5 ms.
  if (alpha < 3) return;
  const quint32 source = qPremultiply(qRgba(color.red(), color.green(), color.blue(), int(alpha)));
  const quint32 keep = 255 - alpha;
  // Both ends inside the image (they are, by layout): no test per pixel.
  const double max_x = image->width() - 1, max_y = image->height() - 1;
  a = QPointF(std::clamp(a.x(), 0.0, max_x), std::clamp(a.y(), 0.0, max_y));
  b = QPointF(std::clamp(b.x(), 0.0, max_x), std::clamp(b.y(), 0.0, max_y));
  const double dx = b.x() - a.x(), dy = b.y() - a.y();
  const int steps = std::max(1, int(std::ceil(std::max(std::abs(dx), std::abs(dy)))));
  // 16.16 fixed point along both axes.
  const qint64 step_x = qint64(dx / steps * 65536), step_y = qint64(dy / steps * 65536);
  qint64 x = qint64(a.x() * 65536), y = qint64(a.y() * 65536);
  quint32* bits = reinterpret_cast<quint32*>(image->bits());
  const qsizetype stride = image->bytesPerLine() / 4;
  for (int i = 0; i <= steps; ++i, x += step_x, y += step_y) {
    quint32& d = bits[(y >> 16) * stride + (x >> 16)];
    const quint32 red_blue = (((d & 0x00ff00ffu) * keep) >> 8) & 0x00ff00ffu;
    const quint32 alpha_green = (((d >> 8) & 0x00ff00ffu) * keep) & 0xff00ff00u;
    d = source + red_blue + alpha_green;
  }
}

}  // namespace

LineCanvas::LineCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(300, 200);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void LineCanvas::setTrace(std::shared_ptr<const attn::Trace> trace, int block) {
  trace_ = std::move(trace);
  block_ = nullptr;
  if (trace_ && !trace_->blocks.empty()) {
    const int count = static_cast<int>(trace_->blocks.size());
    block_ =
        &trace_->blocks[block >= 0 && block < count ? block
                                                    : std::max(0, attn::default_block(*trace_))];
  } else {
    trace_.reset();
  }
  const int heads = block_ ? block_->heads() : 0;
  if (shown_.size() != heads) shown_ = QVector<bool>(heads, true);
  if (block_ && hover_index_ >= (hover_side_ == 0 ? block_->n_q() : block_->n_k()))
    hover_side_ = hover_index_ = -1;
  update();
}

void LineCanvas::setHeadShown(int head, bool shown) {
  if (head < 0 || head >= shown_.size()) return;
  shown_[head] = shown;
  update();
}

bool LineCanvas::isHeadShown(int head) const { return shown_.value(head, false); }

void LineCanvas::setHoveredToken(int side, int index) {
  if (side == hover_side_ && index == hover_index_) return;
  hover_side_ = index < 0 ? -1 : side;
  hover_index_ = index < 0 ? -1 : index;
  update();
}

QColor LineCanvas::headColor(int head, int heads) {
  // Evenly spaced hues, alternating lightness so neighbours differ even at 16+ heads.
  const int hue = (head * 360 / std::max(1, heads) + 200) % 360;
  return QColor::fromHsv(hue, 200, head % 2 == 0 ? 200 : 150);
}

QVector<AttentionLine> LineCanvas::lines() const {
  QVector<AttentionLine> out;
  if (!trace_) return out;
  for (int h = 0; h < block_->heads(); ++h) {
    if (!shown_.value(h)) continue;
    const attn::Matrix& w = block_->head[h].weights;
    for (int i = 0; i < block_->n_q(); ++i) {
      if (hover_side_ == 0 && hover_index_ != i) continue;
      for (int j = 0; j < block_->n_k(); ++j) {
        if (hover_side_ == 1 && hover_index_ != j) continue;
        out.append({h, i, j, double(w(i, j))});
      }
    }
  }
  return out;
}

LineCanvas::Layout LineCanvas::layoutFor(const QSize& size) const {
  Layout layout;
  if (!trace_) return layout;
  const QFontMetricsF metrics(font());
  for (int side = 0; side < 2; ++side) {
    const QStringList names = token_labels(side == 0 ? attn::query_labels(*trace_, *block_)
                                                     : attn::key_labels(*trace_, *block_));
    double widest = 0;
    for (const QString& name : names) widest = std::max(widest, metrics.horizontalAdvance(name));
    widest = std::min(widest + 4, size.width() * 0.3);
    // Token boxes close together (at most 2.2 lines apart), the column centred: a short
    // sentence does not spread over the whole height.
    const double count = double(std::max<qsizetype>(1, names.size()));
    const double row = std::min((size.height() - 2 * kMargin) / count, 2.2 * metrics.height());
    const double top = std::max(kMargin, (size.height() - row * count) / 2);
    const double x = side == 0 ? kMargin : size.width() - kMargin - widest;
    QVector<QRectF>& rects = side == 0 ? layout.queries : layout.keys;
    for (qsizetype i = 0; i < names.size(); ++i)
      rects.append(QRectF(x, top + double(i) * row, widest, row));
    (side == 0 ? layout.query_names : layout.key_names) = names;
  }
  return layout;
}

QRectF LineCanvas::tokenRect(int side, int index, const QSize& size) const {
  const Layout layout = layoutFor(size);
  return (side == 0 ? layout.queries : layout.keys).value(index);
}

QLineF LineCanvas::segment(const Layout& layout, const AttentionLine& line) {
  const QRectF& from = layout.queries[line.row];
  const QRectF& to = layout.keys[line.column];
  return QLineF(QPointF(from.right() + kGap, from.center().y()),
                QPointF(to.left() - kGap, to.center().y()));
}

void LineCanvas::render(QPainter* painter, const QSize& size) const {
  painter->fillRect(QRect(QPoint(0, 0), size), palette().brush(QPalette::Base));
  if (!trace_) return;
  const Layout layout = layoutFor(size);
  if (painter->paintEngine()->type() == QPaintEngine::Raster)
    drawLinesAsPixels(painter, layout, size);
  else
    drawLinesAsVectors(painter, layout);  // SVG and PDF keep every line as a line
  drawLabels(painter, layout);
}

// Screen and PNG/JPEG: the lines are blended straight into an image at the device's pixel
// size. QPainter spent about 60 µs per line (half a second for 32 tokens × 8 heads); this loop
// spends about 3 ns per pixel.
void LineCanvas::drawLinesAsPixels(QPainter* painter, const Layout& layout,
                                   const QSize& size) const {
  const qreal scale = painter->device()->devicePixelRatioF() * painter->transform().m11();
  QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
  if (image.isNull()) return;
  image.fill(Qt::transparent);
  // Presentation-sized text (F11, or Ctrl+= up to 16 pt): 2-pixel lines a class can see.
  const bool thick = font().pointSizeF() >= 16;
  for (const AttentionLine& line : lines()) {
    const QLineF s = segment(layout, line);
    const QColor color = headColor(line.head, block_->heads());
    blend_line(&image, s.p1() * scale, s.p2() * scale, color, line.opacity);
    if (thick) {  // the lines run left to right: a second row of pixels beneath thickens them
      const QPointF down(0, 1);
      blend_line(&image, s.p1() * scale + down, s.p2() * scale + down, color, line.opacity);
    }
  }
  image.setDevicePixelRatio(scale);  // drawn at `size` logical pixels, one to one on the device
  painter->drawImage(QPointF(0, 0), image);
}

void LineCanvas::drawLinesAsVectors(QPainter* painter, const Layout& layout) const {
  painter->setRenderHint(QPainter::Antialiasing);
  // One drawLines call per head and opacity step (1/64) instead of one per pair.
  constexpr int kLevels = 64;
  std::vector<QVector<QLineF>> groups(static_cast<std::size_t>(kLevels + 1));
  int group_head = -1;
  const auto flush = [&] {
    if (group_head < 0) return;
    for (int level = 1; level <= kLevels; ++level) {
      QVector<QLineF>& group = groups[std::size_t(level)];
      if (group.isEmpty()) continue;
      QColor color = headColor(group_head, block_->heads());
      color.setAlphaF(float(level) / kLevels);
      QPen pen(color, font().pointSizeF() >= 16 ? 2.0 : 1.0);  // as drawLinesAsPixels
      pen.setCosmetic(true);
      painter->setPen(pen);
      painter->drawLines(group);
      group.clear();
    }
  };
  for (const AttentionLine& line : lines()) {
    if (line.head != group_head) {
      flush();
      group_head = line.head;
    }
    const int level = std::clamp(int(std::lround(line.opacity * kLevels)), 0, kLevels);
    if (level > 0) groups[std::size_t(level)].append(segment(layout, line));
  }
  flush();
}

void LineCanvas::drawLabels(QPainter* painter, const Layout& layout) const {
  // Labels: the hovered token bold, the others dimmed while one is hovered.
  const QFontMetricsF metrics(font());
  for (int side = 0; side < 2; ++side) {
    const QStringList& names = side == 0 ? layout.query_names : layout.key_names;
    const QVector<QRectF>& rects = side == 0 ? layout.queries : layout.keys;
    for (int i = 0; i < names.size(); ++i) {
      const bool hovered = side == hover_side_ && i == hover_index_;
      QFont label_font = font();
      label_font.setBold(hovered);
      painter->setFont(label_font);
      QColor text = palette().color(QPalette::Text);
      if (hover_side_ >= 0 && !hovered) text.setAlphaF(0.55f);
      painter->setPen(text);
      painter->drawText(rects[i], (side == 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                        metrics.elidedText(names[i], Qt::ElideRight, rects[i].width()));
    }
  }
}

void LineCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  render(&painter, size());
}

void LineCanvas::mouseMoveEvent(QMouseEvent* event) {
  if (!trace_) return;
  const QPointF at = event->position();
  const Layout layout = layoutFor(size());
  for (int side = 0; side < 2; ++side) {
    const QVector<QRectF>& rects = side == 0 ? layout.queries : layout.keys;
    for (int i = 0; i < rects.size(); ++i) {
      if (rects[i].contains(at)) {
        setHoveredToken(side, i);
        return;
      }
    }
  }
  setHoveredToken(-1, -1);
}

void LineCanvas::leaveEvent(QEvent*) { setHoveredToken(-1, -1); }

LineView::LineView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("lineView"));
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Heads shown:"), this));
  toggles_layout_ = new QHBoxLayout;
  bar->addLayout(toggles_layout_);
  bar->addStretch(1);
  auto* hint =
      new QLabel(tr("Line opacity is the weight. Point at a token to see only its lines."), this);
  bar->addWidget(hint);
  layout->addLayout(bar);
  canvas_ = new LineCanvas(this);
  layout->addWidget(canvas_, 1);
}

void LineView::setTrace(std::shared_ptr<const attn::Trace> trace, int block) {
  canvas_->setTrace(std::move(trace), block);
  const int heads = canvas_->heads();
  if (heads == toggles_.size()) return;  // colours depend on the head count only
  while (!toggles_.isEmpty()) delete toggles_.takeLast();
  for (int h = 0; h < heads; ++h) {
    auto* box = new QCheckBox(QString::number(h + 1), this);
    box->setChecked(true);
    box->setToolTip(tr("Show head %1's lines").arg(h + 1));
    QPalette palette = box->palette();
    palette.setColor(QPalette::WindowText, LineCanvas::headColor(h, heads));
    box->setPalette(palette);
    QFont bold = box->font();
    bold.setBold(true);
    box->setFont(bold);
    connect(box, &QCheckBox::toggled, canvas_,
            [this, h](bool on) { canvas_->setHeadShown(h, on); });
    toggles_layout_->addWidget(box);
    toggles_.append(box);
  }
}

}  // namespace attn::ui
