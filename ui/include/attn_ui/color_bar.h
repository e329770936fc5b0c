#pragma once

#include <qcustomplot.h>

namespace attn::ui {

/// The colour bar shared by every heatmap: the gradient and the weight range it maps.
class ColorBar : public QCustomPlot {
  Q_OBJECT

 public:
  explicit ColorBar(QWidget* parent = nullptr);

  void setGradient(const QCPColorGradient& gradient);
  void setRange(const QCPRange& range);
  QCPColorScale* scale() const { return scale_; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyPalette();
  QCPColorScale* scale_;
};

}  // namespace attn::ui
