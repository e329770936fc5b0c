#pragma once

#include <QRectF>
#include <QVector>

namespace attn::ui {

struct GridShape {
  int columns = 1;
  int rows = 1;
};

/// The columns × rows that give `count` panels of n_q × n_k cells the largest cells in `area`.
GridShape best_grid_shape(int count, const QSizeF& area, int n_q, int n_k);

/// The rectangles of `count` panels laid out row by row in `area`, `spacing` apart.
QVector<QRectF> grid_cells(int count, const QRectF& area, GridShape shape, double spacing);

}  // namespace attn::ui
