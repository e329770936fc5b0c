#include "attn_ui/line_view.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

#include "attn/trace_views.h"

namespace attn::ui {
namespace {

constexpr double kMargin = 16;
constexpr double kGap = 12;  // between a label and the ends of its lines

QStringList labels(const std::vector<std::string>& tokens) {
  QStringList out;
  for (const std::string& token : tokens) out.append(QString::fromStdString(token));
  return out;
}

}  // namespace

LineCanvas::LineCanvas(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setMinimumSize(300, 200);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void LineCanvas::setTrace(std::shared_ptr<const attn::Trace> trace) {
  trace_ = std::move(trace);
  const int heads = trace_ ? trace_->heads : 0;
  if (shown_.size() != heads) shown_ = QVector<bool>(heads, true);
  if (trace_ && hover_index_ >= (hover_side_ == 0 ? trace_->n_q() : trace_->n_k()))
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
  for (int h = 0; h < trace_->heads; ++h) {
    if (!shown_.value(h)) continue;
    const attn::Matrix& w = trace_->head[h].weights;
    for (int i = 0; i < trace_->n_q(); ++i) {
      if (hover_side_ == 0 && hover_index_ != i) continue;
      for (int j = 0; j < trace_->n_k(); ++j) {
        if (hover_side_ == 1 && hover_index_ != j) continue;
        out.append({h, i, j, double(w(i, j))});
      }
    }
  }
  return out;
}

QRectF LineCanvas::tokenRect(int side, int index, const QSize& size) const {
  if (!trace_) return {};
  const QFontMetricsF metrics(font());
  const int count = side == 0 ? trace_->n_q() : trace_->n_k();
  const double row = (size.height() - 2 * kMargin) / std::max(1, count);
  double widest = 0;
  for (const QString& label :
       labels(side == 0 ? attn::query_labels(*trace_) : attn::key_labels(*trace_)))
    widest = std::max(widest, metrics.horizontalAdvance(label));
  widest = std::min(widest + 4, size.width() * 0.3);
  const double x = side == 0 ? kMargin : size.width() - kMargin - widest;
  return QRectF(x, kMargin + index * row, widest, row);
}

void LineCanvas::render(QPainter* painter, const QSize& size) const {
  painter->fillRect(QRect(QPoint(0, 0), size), palette().brush(QPalette::Base));
  if (!trace_) return;
  painter->setRenderHint(QPainter::Antialiasing);
  painter->setFont(font());
  const QFontMetricsF metrics(font());
  const QStringList queries = labels(attn::query_labels(*trace_));
  const QStringList keys = labels(attn::key_labels(*trace_));

  for (const AttentionLine& line : lines()) {
    const QRectF from = tokenRect(0, line.row, size);
    const QRectF to = tokenRect(1, line.column, size);
    QColor color = headColor(line.head, trace_->heads);
    color.setAlphaF(float(std::clamp(line.opacity, 0.0, 1.0)));
    painter->setPen(QPen(color, 2.0));
    painter->drawLine(QPointF(from.right() + kGap, from.center().y()),
                      QPointF(to.left() - kGap, to.center().y()));
  }

  // Labels: the hovered token bold, the others dimmed while one is hovered.
  for (int side = 0; side < 2; ++side) {
    const QStringList& names = side == 0 ? queries : keys;
    for (int i = 0; i < names.size(); ++i) {
      const QRectF rect = tokenRect(side, i, size);
      const bool hovered = side == hover_side_ && i == hover_index_;
      QFont label_font = font();
      label_font.setBold(hovered);
      painter->setFont(label_font);
      QColor text = palette().color(QPalette::Text);
      if (hover_side_ >= 0 && !hovered) text.setAlphaF(0.55f);
      painter->setPen(text);
      painter->drawText(rect, (side == 0 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                        metrics.elidedText(names[i], Qt::ElideRight, rect.width()));
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
  for (int side = 0; side < 2; ++side) {
    const int count = side == 0 ? trace_->n_q() : trace_->n_k();
    for (int i = 0; i < count; ++i) {
      if (tokenRect(side, i, size()).contains(at)) {
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

void LineView::setTrace(std::shared_ptr<const attn::Trace> trace) {
  const int heads = trace ? trace->heads : 0;
  canvas_->setTrace(std::move(trace));
  while (toggles_.size() > heads) delete toggles_.takeLast();
  while (toggles_.size() < heads) {
    const int head = int(toggles_.size());
    auto* box = new QCheckBox(this);
    box->setChecked(true);
    connect(box, &QCheckBox::toggled, canvas_,
            [this, head](bool on) { canvas_->setHeadShown(head, on); });
    toggles_layout_->addWidget(box);
    toggles_.append(box);
  }
  for (int h = 0; h < heads; ++h) {
    QCheckBox* box = toggles_[h];
    box->setText(QString::number(h + 1));
    box->setToolTip(tr("Show head %1's lines").arg(h + 1));
    const QColor color = LineCanvas::headColor(h, heads);
    box->setStyleSheet(
        QStringLiteral("QCheckBox { color: %1; font-weight: bold; }").arg(color.name()));
    canvas_->setHeadShown(h, box->isChecked());
  }
}

}  // namespace attn::ui
