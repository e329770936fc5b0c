#include "attn_ui/token_ticker.h"

#include <QFontMetricsF>
#include <QHash>
#include <algorithm>
#include <cmath>

namespace attn::ui {
double TokenTicker::widestLabel(const QFont& font, const QStringList& labels) {
  // Widths by font and text. Every panel shows the same tokens and most survive a keystroke,
  // so each label is shaped once rather than once per panel per edit. UI thread only.
  static QHash<QString, double> widths;
  static QString widths_font;
  const QString font_key = font.key();
  if (font_key != widths_font || widths.size() > 20000) {
    widths.clear();
    widths_font = font_key;
  }
  const QFontMetricsF metrics(font);
  double widest = 0;
  for (const QString& label : labels) {
    const QString shown = elide(label);
    auto it = widths.constFind(shown);
    if (it == widths.constEnd()) it = widths.insert(shown, metrics.horizontalAdvance(shown));
    widest = std::max(widest, *it);
  }
  return widest;
}

TokenTicker::TokenTicker(QCPAxis* axis, QStringList labels)
    : axis_(axis), labels_(std::move(labels)) {
  for (QString& label : labels_) label = elide(label);
}

QString TokenTicker::elide(const QString& label, int max_chars) {
  // Count characters, not UTF-16 units, so a CJK label or an emoji is never cut in half.
  const QList<uint> code_points = label.toUcs4();
  if (code_points.size() <= max_chars) return label;
  QList<uint> kept = code_points.mid(0, max_chars - 1);
  kept.append(0x2026);  // …
  return QString::fromUcs4(reinterpret_cast<const char32_t*>(kept.constData()), kept.size());
}

void TokenTicker::generate(const QCPRange& range, const QLocale&, QChar, int,
                           QVector<double>& ticks, QVector<double>* subTicks,
                           QVector<QString>* tickLabels) {
  const int count = static_cast<int>(labels_.size());
  ticks.clear();
  if (subTicks) subTicks->clear();
  if (tickLabels) tickLabels->clear();
  if (count == 0) return;

  // Pixels per token along this axis, from the current layout (the first layout guesses).
  const bool horizontal = axis_->orientation() == Qt::Horizontal;
  const QRect rect = axis_->axisRect()->rect();
  double length = horizontal ? rect.width() : rect.height();
  if (length <= 1)
    length = horizontal ? axis_->parentPlot()->width() * 0.7 : axis_->parentPlot()->height() * 0.7;
  // Below a pixel a token when thousands are shown: the stride must count them all, or
  // every pixel would get its own overlapping label.
  const double cell = std::max(1e-6, length / count);

  const QFontMetricsF metrics(axis_->tickLabelFont());
  double spacing = metrics.height();
  if (horizontal) {
    if (widest_label_ < 0 || measured_font_ != axis_->tickLabelFont()) {
      measured_font_ = axis_->tickLabelFont();
      widest_label_ = widestLabel(measured_font_, labels_);
    }
    const double widest = widest_label_;
    const bool fits_flat = widest + metrics.averageCharWidth() <= cell;
    axis_->setTickLabelRotation(fits_flat ? 0 : -90);
    if (fits_flat) spacing = widest + metrics.averageCharWidth();
  }
  stride_ = std::max(1, static_cast<int>(std::ceil(spacing / cell)));

  const int first = std::max(0, static_cast<int>(std::ceil(range.lower)));
  const int last = std::min(count - 1, static_cast<int>(std::floor(range.upper)));
  for (int i = first; i <= last; ++i) {
    if (i % stride_ != 0) continue;
    ticks.append(i);
    if (tickLabels) tickLabels->append(labels_[i]);
  }
}

}  // namespace attn::ui
