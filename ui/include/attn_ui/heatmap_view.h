#pragma once

#include <QVector>
#include <QWidget>
#include <memory>
#include <vector>

#include "attn/trace.h"
#include "attn_ui/grid_layout.h"

class QSplitter;
class QCPPainter;

namespace attn::ui {

class ColorBar;
class HeatmapPanel;

/// Which part of the view an export shows.
enum class FigurePart { Grid, Focused };

/// Every head's weights as a grid of heatmaps plus their mean, a focused panel shown large
/// beside the grid, and one colour bar for all. Clicking a panel focuses it; clicking a token
/// label outlines that row or column in every panel. Keeps a copy of the last trace it was given.
class HeatmapView : public QWidget {
  Q_OBJECT

 public:
  /// Focus index of the mean panel (heads are 0..h-1).
  static constexpr int kMeanPanel = -1;

  explicit HeatmapView(QWidget* parent = nullptr);
  ~HeatmapView() override;

  /// Shows block `block` of `trace` (kept; -1: attn::default_block), redrawing every panel
  /// before returning.
  void setTrace(std::shared_ptr<const attn::Trace> trace, int block = -1);
  const std::shared_ptr<const attn::Trace>& trace() const { return trace_; }
  /// Index of the block shown (into Trace::blocks).
  int block() const { return block_; }

  void setGradient(const QString& gradient_id);
  QString gradient() const { return gradient_id_; }
  void setShowNumbers(bool show);
  bool showNumbers() const { return show_numbers_; }
  /// true: the colour scale runs from 0 to 1; false: from 0 to the largest weight shown.
  void setFixedRange(bool fixed);
  bool fixedRange() const { return fixed_range_; }
  /// true: the colour scale leaves out the first key column (the "attention sink" most heads of
  /// a real model park their weight on), so the rest of the pattern is visible; that column
  /// saturates. Ignored with the fixed 0–1 range.
  void setIgnoreFirstKey(bool ignore);
  /// Outline each query row's strongest key in every panel (cross attention: an alignment).
  void setMarkStrongest(bool mark);
  bool markStrongest() const { return mark_strongest_; }
  bool ignoreFirstKey() const { return ignore_first_key_; }
  /// Presentation: the focused panel takes two thirds of the width with every token label; the
  /// grid becomes a field of unlabelled thumbnails (short titles where the full ones don't fit),
  /// so that nothing is cut on a projector-sized screen.
  void setPresentation(bool on);
  bool presentation() const { return presentation_; }
  /// Where the grid shows that its focused panel is the large one (widget coordinates of the
  /// grid area; empty when the grid has no such place).
  QRectF focusPlaceholder() const { return placeholder_; }
  /// The grid area: the small panels' parent.
  QWidget* gridArea() const { return grid_area_; }
  /// The title of a one-head block's panel ("Head 1" when empty): the rollout names itself.
  void setSingleHeadTitle(const QString& title) { single_head_title_ = title; }

  /// Clicking masks: Keys makes a key label click report keyLabelClicked() instead of
  /// outlining the column; Cells also reports clicks on the large panel's cells (cellClicked()).
  enum class MaskEditing { Off, Keys, Cells };
  void setMaskEditing(MaskEditing editing) { mask_editing_ = editing; }
  MaskEditing maskEditing() const { return mask_editing_; }

  /// Focus a head (0-based) or kMeanPanel.
  void setFocusedHead(int head);
  int focusedHead() const { return focused_head_; }
  /// Outline a query row / key column in every panel; -1 clears.
  void setHighlight(int row, int column);
  int highlightedRow() const { return highlight_row_; }
  int highlightedColumn() const { return highlight_column_; }

  /// Grid panels in order: heads 0..h-1, then the mean when h > 1.
  int panelCount() const { return static_cast<int>(panels_.size()); }
  HeatmapPanel* panel(int index) const { return panels_.at(index); }
  HeatmapPanel* focusedPanel() const { return focus_panel_; }
  ColorBar* colorBar() const { return color_bar_; }
  QSplitter* splitter() const { return splitter_; }
  /// On-screen size of a part, the default export size.
  QSize partSize(FigurePart part) const;

  /// Paints a part with its colour bar into `painter` at `size` (logical pixels): the same
  /// panels, labels and titles as on screen, laid out for that size. Used by every export.
  void renderFigure(QCPPainter* painter, const QSize& size, FigurePart part);

 signals:
  void focusedHeadChanged(int head);
  /// Mask editing: a key label (column of the shown block) was clicked.
  void keyLabelClicked(int column);
  /// Mask editing (Cells): a cell of the large panel was clicked.
  void cellClicked(int row, int column);
  /// Emitted after a new trace has been drawn.
  void traceShown();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  /// A new font (Ctrl+= / Ctrl+−, presentation mode) changes label sizes: lay out again.
  void changeEvent(QEvent* event) override;

 private:
  void ensurePanelCount(int count);
  /// Places the grid panels in `area` (widget or export), labels and cell size included;
  /// `thumbnails`: without token labels (presentation).
  /// Rects for every grid panel in `area`; `left_out` ≥ 0: that panel is not placed (its rect
  /// is empty) and the others share the room.
  QVector<QRectF> arrangeGrid(const QRectF& area, bool thumbnails, int left_out = -1);
  void layoutGrid();
  /// The colour bar's width at its font: room for the bar and its widest tick label.
  int colorBarWidth() const;
  /// The dashed frame where the focused panel would be in the grid, with its title.
  void paintFocusPlaceholder();
  void applyColors();
  void refreshAll();
  void updateFocusPanel();
  void toggleRowHighlight(int row);
  void toggleColumnHighlight(int column);
  int panelIndexForHead(int head) const;
  /// Heads of the block shown; 0 before the first trace.
  int shownHeads() const {
    return trace_ && block_ < static_cast<int>(trace_->blocks.size())
               ? trace_->blocks[block_].heads()
               : 0;
  }

  std::shared_ptr<const attn::Trace> trace_;
  int block_ = 0;
  std::vector<HeatmapPanel*> panels_;
  HeatmapPanel* focus_panel_;
  ColorBar* color_bar_;
  QSplitter* splitter_;
  QWidget* grid_area_;
  QString gradient_id_;
  bool show_numbers_ = true;
  MaskEditing mask_editing_ = MaskEditing::Off;
  void onColumnLabelClicked(int column);
  bool fixed_range_ = false;
  bool ignore_first_key_ = false;
  bool mark_strongest_ = false;
  QString single_head_title_;
  int focused_head_ = kMeanPanel;
  int highlight_row_ = -1;
  int highlight_column_ = -1;
  bool presentation_ = false;
  QByteArray splitter_before_presentation_;
  QRectF placeholder_;
};

}  // namespace attn::ui
