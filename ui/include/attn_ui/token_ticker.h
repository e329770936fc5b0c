#pragma once

#include <qcustomplot.h>

#include <QFont>
#include <QStringList>

namespace attn::ui {

/// Axis ticks at token positions 0..n-1, labelled with the tokens. When the labels would collide,
/// only every k-th is shown (k as small as possible); labels on a horizontal axis are turned
/// upright when they are wider than a cell. Long labels are elided; tooltips give the full text.
class TokenTicker : public QCPAxisTicker {
 public:
  TokenTicker(QCPAxis* axis, QStringList labels);

  void generate(const QCPRange& range, const QLocale& locale, QChar formatChar, int precision,
                QVector<double>& ticks, QVector<double>* subTicks,
                QVector<QString>* tickLabels) override;

  /// Every how many tokens a label is drawn in the last layout (1 = all).
  int stride() const { return stride_; }

  /// Width in pixels of the widest of `labels` once elided, measured once per label and font.
  static double widestLabel(const QFont& font, const QStringList& labels);

  /// `label` cut to at most `max_chars` characters with an ellipsis.
  static QString elide(const QString& label, int max_chars = 12);

 private:
  QCPAxis* axis_;
  QStringList labels_;
  int stride_ = 1;
  // Measuring text shapes it, which costs microseconds a label: measured once per font.
  QFont measured_font_;
  double widest_label_ = -1;
};

}  // namespace attn::ui
