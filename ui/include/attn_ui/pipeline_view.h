#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "attn/attention/pipeline_stages.h"
#include "attn/trace.h"

class QCPPainter;
class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QTableWidget;

namespace attn::ui {

class HeatmapPanel;
class RangeLegend;

/// One head's computation step by step, for teaching: a small labelled heatmap per stage
/// (X → Q, K, V → Q·Kᵀ → score → ÷T → mask → softmax → ·V → concat → ·W_O), each with its
/// formula and shape. Next / Previous reveal one stage at a time (also Right/Left, PageDown/
/// PageUp and Space, the keys a presentation clicker sends). Choosing a query token outlines its
/// row in every stage and lists that row's numbers stage by stage, side by side.
class PipelineView : public QWidget {
  Q_OBJECT

 public:
  explicit PipelineView(QWidget* parent = nullptr);

  /// Shows head `head` (0-based) of block `block` of `trace` (-1: attn::default_block), from
  /// the block's intermediates (attn::explain_block); keeps how many stages are revealed and
  /// the chosen query row when they still apply.
  void setTrace(std::shared_ptr<const attn::Trace> trace, int head, int block = -1);
  int head() const { return head_; }
  int block() const { return block_; }

  int stageCount() const { return static_cast<int>(stages_.size()); }
  const attn::PipelineStage& stage(int index) const { return stages_.at(index); }
  /// The heatmap of stage `index` (hidden ones included).
  HeatmapPanel* stagePanel(int index) const { return cards_.at(index).panel; }
  QString stageTitle(int index) const;
  /// The value range legend under stage `index`'s heatmap.
  RangeLegend* stageLegend(int index) const { return cards_.at(index).legend; }
  bool isStageVisible(int index) const;

  int revealedCount() const { return revealed_; }
  void revealNext();
  void revealPrevious();
  void revealAll();

  /// Follow query row `row` (-1: none) through every stage.
  void selectQueryRow(int row);
  int selectedQueryRow() const { return selected_row_; }
  /// Rows: the score stages of the selected query; columns: the key tokens.
  QTableWidget* rowTable() const { return row_table_; }

  void setGradient(const QString& gradient_id);
  void setShowNumbers(bool show);

  /// What an image export of this tab holds: the revealed stages as laid out on screen, with
  /// their titles, legends and shapes (logical pixels; empty before a trace).
  QSize figureSize() const;
  /// Draws that figure scaled to `size` (vector into SVG and PDF painters).
  void renderFigure(QCPPainter* painter, const QSize& size);

 signals:
  /// The head chooser changed the head (0-based).
  void headChosen(int head);

 private:
  struct Card {
    QWidget* frame = nullptr;
    QLabel* title = nullptr;
    QLabel* detail = nullptr;
    HeatmapPanel* panel = nullptr;
    RangeLegend* legend = nullptr;
  };
  /// The revealed cards' bounding box in the cards area.
  QRect revealedArea() const;
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;
  /// Puts the stage cards in as many columns as fit (1–4) at this width and font.
  void placeCards();
  int cardColumns() const;
  void rebuildCards();
  void updateVisibility();
  void updateRowTable();
  QString titleFor(const attn::PipelineStage& stage) const;
  QString detailFor(const attn::PipelineStage& stage) const;
  /// "causal: −∞ above the diagonal", "padding: keys 2, 5 get −∞", … for n_q × n_k scores.
  QString maskDescription(int n_q, int n_k) const;
  QStringList labelsFor(attn::StageAxis axis, int count) const;

  const attn::AttentionBlock& shownBlock() const { return trace_->blocks.at(block_); }
  int headDim() const { return detail_.head.empty() ? 0 : int(detail_.head.front().q.cols()); }

  std::shared_ptr<const attn::Trace> trace_;
  int block_ = 0;
  attn::BlockDetail detail_;
  std::vector<attn::PipelineStage> stages_;
  std::vector<Card> cards_;
  int head_ = 0;
  int revealed_ = 0;
  int selected_row_ = -1;
  int placed_columns_ = 0;
  QString gradient_id_ = QStringLiteral("viridis");
  bool show_numbers_ = true;

  QComboBox* head_box_;
  QComboBox* row_box_;
  QPushButton* previous_;
  QPushButton* next_;
  QPushButton* all_;
  QLabel* step_label_;
  QWidget* cards_area_;
  QGridLayout* cards_layout_;
  QTableWidget* row_table_;
  QLabel* row_hint_;
};

}  // namespace attn::ui
