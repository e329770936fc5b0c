#include "attn_ui/grid_layout.h"

#include <algorithm>

namespace attn::ui {

GridShape best_grid_shape(int count, const QSizeF& area, int n_q, int n_k, const QSizeF& overhead) {
  GridShape best;
  if (count <= 0) return best;
  best.columns = count;
  double best_cell = -1;
  for (int columns = 1; columns <= count; ++columns) {
    const int rows = (count + columns - 1) / columns;
    // Pixels per heatmap cell if a panel's cells are square-ish; labels take a similar share of
    // every panel, so comparing the raw panel size per cell is enough to choose.
    const double cell = std::min((area.width() / columns - overhead.width()) / std::max(1, n_k),
                                 (area.height() / rows - overhead.height()) / std::max(1, n_q));
    if (cell > best_cell) {
      best_cell = cell;
      best = {columns, rows};
    }
  }
  return best;
}

QVector<PanelSlot> grid_slots(int count, const QRectF& area, int n_q, int n_k, LabelGutters gutters,
                              double spacing, const QSizeF& overhead) {
  QVector<PanelSlot> placed;
  if (count <= 0) return placed;
  const QSizeF inner(std::max(1.0, area.width() - gutters.left),
                     std::max(1.0, area.height() - gutters.bottom));
  const GridShape shape = best_grid_shape(count, inner, n_q, n_k, overhead);
  const double width =
      std::max(1.0, (inner.width() - spacing * (shape.columns - 1)) / shape.columns);
  const double height = std::max(1.0, (inner.height() - spacing * (shape.rows - 1)) / shape.rows);
  for (int i = 0; i < count; ++i) {
    const int row = i / shape.columns;
    const int column = i % shape.columns;
    PanelSlot slot;
    slot.row_labels = column == 0;
    slot.column_labels = i + shape.columns >= count;  // no panel below
    const double left = area.left() + (column == 0 ? 0 : gutters.left + column * (width + spacing));
    const double top = area.top() + row * (height + spacing);
    slot.rect = QRectF(left, top, width + (slot.row_labels ? gutters.left : 0),
                       height + (slot.column_labels ? gutters.bottom : 0));
    placed.append(slot);
  }
  return placed;
}

QVector<PanelSlot> packed_grid_slots(int count, GridShape shape, const QRectF& area,
                                     const QSizeF& panel, LabelGutters gutters, double spacing) {
  QVector<PanelSlot> placed;
  if (count <= 0 || shape.columns <= 0) return placed;
  const int rows = (count + shape.columns - 1) / shape.columns;
  const int columns = std::min(shape.columns, count);
  const double block_width = gutters.left + columns * panel.width() + (columns - 1) * spacing;
  const double block_height = gutters.bottom + rows * panel.height() + (rows - 1) * spacing;
  const double left = area.left() + std::max(0.0, (area.width() - block_width) / 2);
  const double top = area.top() + std::max(0.0, (area.height() - block_height) / 2);
  for (int i = 0; i < count; ++i) {
    const int row = i / shape.columns;
    const int column = i % shape.columns;
    PanelSlot slot;
    slot.row_labels = column == 0;
    slot.column_labels = i + shape.columns >= count;
    const double x = left + (column == 0 ? 0 : gutters.left + column * (panel.width() + spacing));
    const double y = top + row * (panel.height() + spacing);
    slot.rect = QRectF(x, y, panel.width() + (slot.row_labels ? gutters.left : 0),
                       panel.height() + (slot.column_labels ? gutters.bottom : 0));
    placed.append(slot);
  }
  return placed;
}

}  // namespace attn::ui
