#include "attn_ui/cell_value_labels.h"

#include <QFontMetricsF>
#include <cmath>

#include "attn_ui/gradients.h"
#include "attn_ui/heatmap_panel.h"

namespace attn::ui {

CellValueLabels::CellValueLabels(HeatmapPanel* panel)
    : QCPLayerable(panel, QStringLiteral("main")), panel_(panel) {}

QString CellValueLabels::format(double value, bool compact) {
  if (std::isinf(value)) return value < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
  if (std::isnan(value)) return QStringLiteral("–");
  QString text = QString::number(value, 'f', 2);
  if (!compact) return text;
  if (text == QLatin1String("1.00")) return QStringLiteral("1");
  if (text.startsWith(QLatin1String("0."))) text.remove(0, 1);  // ".43", as in many papers
  return text;
}

CellValueLabels::Style CellValueLabels::styleFor(double cell_width, double cell_height) const {
  const QFontMetricsF metrics(panel_->xAxis->tickLabelFont());
  if (cell_height < metrics.height() + 2) return Style::None;
  if (cell_width >= metrics.horizontalAdvance(QStringLiteral("0.00")) + 4) return Style::Full;
  if (cell_width >= metrics.horizontalAdvance(QStringLiteral(".00")) + 3) return Style::Compact;
  return Style::None;
}

void CellValueLabels::applyDefaultAntialiasingHint(QCPPainter* painter) const {
  painter->setAntialiasing(true);
}

QRect CellValueLabels::clipRect() const { return panel_->axisRect()->rect(); }

const QStaticText& CellValueLabels::textFor(double value, bool compact) {
  const int hundredths = static_cast<int>(std::lround(value * 100));
  const int key = hundredths * 2 + (compact ? 1 : 0);
  auto it = texts_.find(key);
  if (it == texts_.end()) {
    QStaticText text(format(hundredths / 100.0, compact));
    text.setTextFormat(Qt::PlainText);
    text.prepare(QTransform(), texts_font_);
    it = texts_.insert(key, text);
  }
  return *it;
}

void CellValueLabels::draw(QCPPainter* painter) {
  drew_values_ = false;
  const attn::Matrix& values = panel_->content().values;
  if (values.size() == 0) return;
  QCPAxis* x = panel_->xAxis;
  QCPAxis* y = panel_->yAxis;
  const double cell_width = std::abs(x->coordToPixel(1) - x->coordToPixel(0));
  const double cell_height = std::abs(y->coordToPixel(1) - y->coordToPixel(0));
  const Style style = styleFor(cell_width, cell_height);
  if (style == Style::None) return;
  const bool compact = style == Style::Compact;

  const QCPColorMap* map = panel_->colorMap();
  QCPColorGradient gradient = map->gradient();
  const QCPRange range = map->dataRange();
  if (texts_font_ != x->tickLabelFont()) {
    texts_.clear();
    texts_font_ = x->tickLabelFont();
  }
  painter->setFont(texts_font_);
  const bool on_screen = painter->paintEngine()->type() == QPaintEngine::Raster;
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    for (Eigen::Index c = 0; c < values.cols(); ++c) {
      const double value = values(r, c);
      const QPointF centre(x->coordToPixel(double(c)), y->coordToPixel(double(r)));
      QRgb rgb = 0;
      const double shown = std::isfinite(value) ? value : std::nan("");  // as in the map
      gradient.colorize(&shown, range, &rgb, 1);
      painter->setPen(readable_text_color(QColor::fromRgb(rgb)));
      if (!on_screen || !std::isfinite(value) || std::abs(value) > 1e6) {
        // SVG and PDF: plain text, placed exactly (static text is laid out for the screen).
        const QRectF cell(centre.x() - cell_width / 2, centre.y() - cell_height / 2, cell_width,
                          cell_height);
        painter->drawText(cell, Qt::AlignCenter, format(value, compact));
        continue;
      }
      const QStaticText& text = textFor(value, compact);
      const QSizeF size = text.size();
      painter->drawStaticText(
          QPointF(centre.x() - size.width() / 2, centre.y() - size.height() / 2), text);
    }
  }
  drew_values_ = true;
}

}  // namespace attn::ui
