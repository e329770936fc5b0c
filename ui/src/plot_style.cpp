#include "attn_ui/plot_style.h"

#include <qcustomplot.h>

namespace attn::ui {

void style_axis(QCPAxis* axis, const QPalette& palette, const QFont& font) {
  const QColor text = palette.color(QPalette::WindowText);
  axis->setBasePen(QPen(text));
  axis->setTickPen(QPen(text));
  axis->setSubTickPen(QPen(text));
  axis->setTickLabelColor(text);
  axis->setLabelColor(text);
  axis->setTickLabelFont(font);
  axis->setLabelFont(font);
}

}  // namespace attn::ui
