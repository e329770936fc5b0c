#include "attn_ui/cell_value_labels.h"

#include <QFontMetricsF>
#include <cmath>

#include "attn_ui/gradients.h"
#include "attn_ui/heatmap_panel.h"

namespace attn::ui {

CellValueLabels::CellValueLabels(HeatmapPanel* panel)
    : QCPLayerable(panel, QStringLiteral("overlay")), panel_(panel) {}

bool CellValueLabels::fits(double cell_width, double cell_height) const {
  const QFontMetricsF metrics(panel_->xAxis->tickLabelFont());
  return cell_width >= metrics.horizontalAdvance(QStringLiteral("0.00")) + 4 &&
         cell_height >= metrics.height() + 2;
}

void CellValueLabels::applyDefaultAntialiasingHint(QCPPainter* painter) const {
  painter->setAntialiasing(true);
}

QRect CellValueLabels::clipRect() const { return panel_->axisRect()->rect(); }

void CellValueLabels::draw(QCPPainter* painter) {
  drew_values_ = false;
  const attn::Matrix& values = panel_->content().values;
  if (values.size() == 0) return;
  QCPAxis* x = panel_->xAxis;
  QCPAxis* y = panel_->yAxis;
  const double cell_width = std::abs(x->coordToPixel(1) - x->coordToPixel(0));
  const double cell_height = std::abs(y->coordToPixel(1) - y->coordToPixel(0));
  if (!fits(cell_width, cell_height)) return;

  const QCPColorMap* map = panel_->colorMap();
  QCPColorGradient gradient = map->gradient();
  const QCPRange range = map->dataRange();
  painter->setFont(x->tickLabelFont());
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    for (Eigen::Index c = 0; c < values.cols(); ++c) {
      const double value = values(r, c);
      const QPointF centre(x->coordToPixel(double(c)), y->coordToPixel(double(r)));
      const QRectF cell(centre.x() - cell_width / 2, centre.y() - cell_height / 2, cell_width,
                        cell_height);
      QRgb rgb = 0;
      gradient.colorize(&value, range, &rgb, 1);
      painter->setPen(readable_text_color(QColor::fromRgb(rgb)));
      painter->drawText(cell, Qt::AlignCenter, QString::number(value, 'f', 2));
    }
  }
  drew_values_ = true;
}

}  // namespace attn::ui
