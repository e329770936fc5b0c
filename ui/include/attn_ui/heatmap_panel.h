#pragma once

#include <qcustomplot.h>

#include <QPoint>
#include <QString>
#include <QStringList>
#include <optional>

#include "attn/matrix.h"

namespace attn::ui {

class CellValueLabels;

/// What one heatmap shows: an n_q × n_k matrix, rows labelled by query tokens and columns by key
/// tokens, a title and the name its tooltips use ("head 3", "mean").
struct PanelContent {
  QString title;
  QString tooltip_name;
  attn::Matrix values;        ///< n_q × n_k, rows are queries
  QStringList row_labels;     ///< n_q query tokens
  QStringList column_labels;  ///< n_k key tokens
  QString row_axis_title;     ///< e.g. "queries (target)"
  QString column_axis_title;  ///< e.g. "keys (source)"
  QString short_title;        ///< for a panel too narrow for the title ("H3"); empty: title
};

/// One attention heatmap: crisp cells (no interpolation), token labels on both axes, optional
/// numbers inside large cells, a tooltip per cell, a highlighted row and column, and clicks on
/// the panel or on a token label reported as signals.
class HeatmapPanel : public QCustomPlot {
  Q_OBJECT

 public:
  explicit HeatmapPanel(QWidget* parent = nullptr);

  void setContent(PanelContent content);
  const PanelContent& content() const { return content_; }

  void setGradient(const QCPColorGradient& gradient);
  void setColorRange(const QCPRange& range);
  void setShowNumbers(bool show);
  void setShowAxisTitles(bool show);
  /// Show the short title (PanelContent::short_title) instead of the title: a narrow grid
  /// panel, so that no title is cut.
  void setCompactTitle(bool compact);
  /// The title's point size (0: the panel's font), so a grid can shrink a title rather than
  /// cut it.
  void setTitlePointSize(int points);
  /// A thumbnail has no axes at all (presentation mode's grid): all its room is heatmap.
  void setThumbnail(bool thumbnail);
  /// Whether the query labels (left) and key labels (bottom) are drawn; a grid shows them on
  /// its edges only.
  void setTokenLabelsShown(bool rows, bool columns);
  /// Room the labels need beside and under the heatmap at this panel's font, for a grid to
  /// reserve: widest query label, and key labels flat or upright for this cell width.
  /// Largest cell side in pixels (0: as large as fits). A grid gives every panel the same
  /// limit so that all heatmaps come out the same size, labelled or not.
  void setCellLimit(double pixels) { cell_limit_ = pixels; }
  /// Centre the heatmap in the spare room (a single large panel) or keep it at the top left
  /// (grid panels, so that rows and columns of a grid line up).
  void setCentred(bool centred) { centred_ = centred; }
  static QSizeF labelGutters(const QFont& font, const QStringList& row_labels,
                             const QStringList& column_labels, double cell_width);
  /// Outline this query row and/or key column; -1 for none.
  void setHighlight(int row, int column);
  int highlightedRow() const { return highlight_row_; }
  int highlightedColumn() const { return highlight_column_; }
  void setSelected(bool selected);
  /// Outlines each row's largest cell (in cross attention: each target token's strongest
  /// source token, an alignment); off clears the marks. Follows new content.
  void setMarkRowMaxima(bool mark);
  /// The cells marked now, (column, row) each.
  QVector<QPoint> markedCells() const;

  /// Matrices up to this many cells a side are always drawn cell for cell; larger ones are
  /// drawn at the resolution they are shown at (see mapSize()).
  static constexpr int kFullResolutionCells = 512;
  /// Cells a side of the colour map for `cells` tokens shown over `pixels` device pixels: every
  /// cell up to kFullResolutionCells or while each gets a pixel, else one per pixel.
  static int mapSide(int cells, double pixels);
  /// Columns × rows of the colour map last drawn: n_k × n_q, or fewer when downsampled (each
  /// map cell then holds the mean of the weights it covers).
  QSize mapSize() const { return map_size_; }

  QCPColorMap* colorMap() const { return map_; }
  QString title() const;
  /// Where the title is drawn and in which font: what a test checks against the title's width.
  QRectF titleRect() const;
  QFont titleFont() const;

  /// The cell under a widget position, as (row = query, column = key).
  std::optional<QPoint> cellAt(const QPoint& position) const;
  /// "head 3 · query 'it' → key 'animal': 0.43"
  QString toolTipForCell(int row, int column) const;

  /// Redraws after a change (replot into the widget's buffer).
  void refresh();

 signals:
  void clicked();
  /// A click on a cell (query row, key column), before clicked().
  void cellClicked(int row, int column);
  void rowLabelClicked(int row);
  void columnLabelClicked(int column);

 protected:
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void changeEvent(QEvent* event) override;
  void showEvent(QShowEvent* event) override;
  /// Lays out as QCustomPlot does, then centres the panel so that cells come out square.
  void updateLayout() override;
  /// Every export draws through here: notes the painter's pixels per layout pixel, so that the
  /// colour map is built at the resolution of that output.
  void draw(QCPPainter* painter) override;

 private:
  void applyPalette();
  void updateAxisTitles();
  /// Fills the colour map with `size` (columns × rows) cells: the values themselves, or the
  /// mean of each block of them when smaller.
  void fillMap(QSize size);
  /// Rebuilds the colour map when the resolution the heatmap is shown at asks for another size.
  void fitMapToResolution();

  PanelContent content_;
  QCPTextElement* title_ = nullptr;
  QCPColorMap* map_ = nullptr;
  QCPItemRect* row_outline_ = nullptr;
  QCPItemRect* column_outline_ = nullptr;
  bool mark_row_maxima_ = false;
  QVector<QCPItemRect*> row_maxima_;  // one outline per row while marking
  void updateRowMaxima();
  CellValueLabels* numbers_ = nullptr;
  int highlight_row_ = -1;
  int highlight_column_ = -1;
  bool show_axis_titles_ = false;
  bool compact_title_ = false;
  int title_points_ = 0;
  bool selected_ = false;
  double cell_limit_ = 0;
  bool centred_ = true;
  QSize map_size_;
  double drawing_scale_ =
      0;  ///< device pixels per layout pixel of the export being drawn; 0: screen
};

}  // namespace attn::ui
