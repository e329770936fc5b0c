#include "attn_ui/range_legend.h"

#include <QPainter>

namespace attn::ui {
namespace {

constexpr int kStripSegments = 64;

}  // namespace

RangeLegend::RangeLegend(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("rangeLegend"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void RangeLegend::setScale(const QCPColorGradient& gradient, const QCPRange& range) {
  gradient_ = gradient;
  range_ = range;
  setToolTip(tr("Colours run from %1 (left) to %2 (right)").arg(lowText(), highText()));
  update();
}

QString RangeLegend::format(double value) {
  if (value == 0) return QStringLiteral("0");  // never "-0"
  QString text = QString::number(value, 'g', 3);
  if (text.startsWith(QLatin1Char('-'))) text.replace(0, 1, QChar(0x2212));
  return text;
}

QString RangeLegend::lowText() const { return format(range_.lower); }
QString RangeLegend::highText() const { return format(range_.upper); }

QSize RangeLegend::sizeHint() const {
  return QSize(fontMetrics().horizontalAdvance(QStringLiteral("−0.000")) * 4,
               fontMetrics().height() + 4);
}

void RangeLegend::paint(QPainter* painter, const QRectF& rect, const QCPColorGradient& gradient,
                        const QCPRange& range, const QFont& font, const QColor& text_color) {
  painter->save();
  painter->setFont(font);
  const QFontMetricsF metrics(font);
  const QString low = format(range.lower);
  const QString high = format(range.upper);
  const double gap = metrics.averageCharWidth();
  const double low_width = metrics.horizontalAdvance(low);
  const double high_width = metrics.horizontalAdvance(high);
  // The strip takes what the labels leave, but at most 60 % of the line, centred.
  const double strip_width =
      std::max(8.0, std::min(rect.width() * 0.6, rect.width() - low_width - high_width - 4 * gap));
  const double whole = low_width + high_width + strip_width + 2 * gap;
  const double left = rect.left() + std::max(0.0, (rect.width() - whole) / 2);
  const QRectF strip(left + low_width + gap, rect.center().y() - metrics.height() * 0.3,
                     strip_width, metrics.height() * 0.6);
  painter->setPen(text_color);
  painter->drawText(QRectF(left, rect.top(), low_width, rect.height()),
                    Qt::AlignVCenter | Qt::AlignLeft, low);
  painter->drawText(QRectF(strip.right() + gap, rect.top(), high_width, rect.height()),
                    Qt::AlignVCenter | Qt::AlignLeft, high);
  QCPColorGradient colours = gradient;  // color() fills a cache: not const
  const double step = strip.width() / kStripSegments;
  painter->setPen(Qt::NoPen);
  for (int i = 0; i < kStripSegments; ++i) {
    const double value = range.lower + (range.upper - range.lower) * (i + 0.5) / kStripSegments;
    painter->setBrush(QColor::fromRgb(colours.color(value, range)));
    // Each segment a hair wider, so no seams show between them.
    painter->drawRect(QRectF(strip.left() + i * step, strip.top(), step + 0.5, strip.height()));
  }
  painter->setPen(QPen(text_color, 0));
  painter->setBrush(Qt::NoBrush);
  painter->drawRect(strip);
  painter->restore();
}

void RangeLegend::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  paint(&painter, QRectF(rect()), gradient_, range_, font(), palette().color(QPalette::WindowText));
}

}  // namespace attn::ui
