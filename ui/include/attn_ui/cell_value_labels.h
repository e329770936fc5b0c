#pragma once

#include <qcustomplot.h>

#include <QHash>
#include <QStaticText>

namespace attn::ui {

class HeatmapPanel;

/// Draws each cell's value ("0.43") inside the cell, in black or white for contrast, when the
/// cells are large enough for the text at the current size (screen or export).
class CellValueLabels : public QCPLayerable {
  Q_OBJECT

 public:
  explicit CellValueLabels(HeatmapPanel* panel);

  /// How values are written: "0.43", or ".43" (and "1") when cells are a little narrow.
  enum class Style { None, Full, Compact };
  /// The style cells of this pixel size can hold.
  Style styleFor(double cell_width, double cell_height) const;
  /// `value` with two decimals, full or compact.
  static QString format(double value, bool compact);
  /// Whether values were drawn in the last paint.
  bool drewValues() const { return drew_values_; }

 protected:
  void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
  void draw(QCPPainter* painter) override;
  QRect clipRect() const override;

 private:
  /// The laid-out text for a value shown with two decimals (0.00 … 1.00 and beyond).
  const QStaticText& textFor(double value, bool compact);

  HeatmapPanel* panel_;
  bool drew_values_ = false;
  // Laying text out costs far more than drawing it; weights shown to two decimals take about
  // a hundred distinct strings, so each is laid out once per font.
  QHash<int, QStaticText> texts_;
  QFont texts_font_;
};

}  // namespace attn::ui
