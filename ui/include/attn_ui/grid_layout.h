#pragma once

#include <QRectF>
#include <QVector>

namespace attn::ui {

struct GridShape {
  int columns = 1;
  int rows = 1;
};

/// The columns × rows that give `count` panels of n_q × n_k cells the largest cells in `area`,
/// each panel also taking `overhead` (its title and frame) besides its cells.
GridShape best_grid_shape(int count, const QSizeF& area, int n_q, int n_k,
                          const QSizeF& overhead = QSizeF(0, 0));

/// Room the token labels take: beside the first column (query labels) and under the lowest
/// panel of each column (key labels).
struct LabelGutters {
  double left = 0;
  double bottom = 0;
};

/// One panel's place in a grid with shared axes, and which of its labels it shows.
struct PanelSlot {
  QRectF rect;
  bool row_labels = false;     ///< first column: query labels on its left
  bool column_labels = false;  ///< nothing below it: key labels underneath
};

/// A facet grid as in a small-multiples chart: panels the same size, query labels only in the
/// first column and key labels only under the lowest panel of each column, each slot that shows
/// labels widened or heightened by its gutter so the heatmaps themselves stay equal.
QVector<PanelSlot> grid_slots(int count, const QRectF& area, int n_q, int n_k, LabelGutters gutters,
                              double spacing, const QSizeF& overhead = QSizeF(0, 0));

/// The same grid packed tight: every panel `panel` large (heatmap, title and frame; the first
/// column wider by gutters.left, each column's lowest panel taller by gutters.bottom), `spacing`
/// apart, the whole block centred in `area`, so no gaps open between small panels.
QVector<PanelSlot> packed_grid_slots(int count, GridShape shape, const QRectF& area,
                                     const QSizeF& panel, LabelGutters gutters, double spacing);

}  // namespace attn::ui
