#include "attn_ui/color_bar.h"

#include "attn_ui/plot_style.h"

namespace attn::ui {

ColorBar::ColorBar(QWidget* parent) : QCustomPlot(parent) {
  setBufferDevicePixelRatio(devicePixelRatioF());
  // The plot paints every pixel from its buffer: nothing beneath it needs repainting.
  setAttribute(Qt::WA_OpaquePaintEvent);
  plotLayout()->clear();
  scale_ = new QCPColorScale(this);
  scale_->setType(QCPAxis::atRight);
  scale_->setBarWidth(16);
  scale_->setLabel(tr("attention weight"));
  plotLayout()->addElement(0, 0, scale_);
  plotLayout()->setMargins(QMargins(4, 24, 4, 24));
  setMinimumWidth(70);
  applyPalette();
}

void ColorBar::setGradient(const QCPColorGradient& gradient) { scale_->setGradient(gradient); }

void ColorBar::setRange(const QCPRange& range) { scale_->setDataRange(range); }

void ColorBar::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) applyPalette();
}

void ColorBar::applyPalette() {
  setBackground(palette().brush(QPalette::Window));
  style_axis(scale_->axis(), palette(), font());
}

}  // namespace attn::ui
