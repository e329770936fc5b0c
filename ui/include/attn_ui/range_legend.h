#pragma once

#include <qcustomplot.h>

#include <QString>
#include <QWidget>

namespace attn::ui {

/// A one-line legend under a heatmap: the lowest value, the colour strip, the highest value
/// ("−8.21 ▬▬▬ 12.3"), so a class can tell a score of 8 from a weight of 0.8.
class RangeLegend : public QWidget {
  Q_OBJECT

 public:
  explicit RangeLegend(QWidget* parent = nullptr);

  void setScale(const QCPColorGradient& gradient, const QCPRange& range);
  const QCPRange& range() const { return range_; }
  /// The two end labels as drawn.
  QString lowText() const;
  QString highText() const;

  /// Draws a legend into `rect` (also what an export of the pipeline draws).
  static void paint(QPainter* painter, const QRectF& rect, const QCPColorGradient& gradient,
                    const QCPRange& range, const QFont& font, const QColor& text_color);
  /// A value as the legend writes it: three significant digits, a real minus sign.
  static QString format(double value);

  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QCPColorGradient gradient_;
  QCPRange range_{0, 1};
};

}  // namespace attn::ui
