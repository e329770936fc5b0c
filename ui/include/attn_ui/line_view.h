#pragma once

#include <QColor>
#include <QLineF>
#include <QRectF>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <memory>

#include "attn/trace.h"

class QCheckBox;
class QHBoxLayout;

namespace attn::ui {

/// One drawn line: query `row` to key `column` of `head`, as opaque as its weight.
struct AttentionLine {
  int head = 0;
  int row = 0;
  int column = 0;
  double opacity = 0;  ///< = the weight, 0..1
};

/// The canvas of the line view: query tokens on the left, key tokens on the right, a line per
/// pair whose opacity is the weight, one colour per head. Hovering a token keeps only its lines.
class LineCanvas : public QWidget {
  Q_OBJECT

 public:
  explicit LineCanvas(QWidget* parent = nullptr);

  /// Shows block `block` of `trace` (-1: attn::default_block).
  void setTrace(std::shared_ptr<const attn::Trace> trace, int block = -1);
  /// Heads of the block shown; 0 without a trace.
  int heads() const { return block_ ? block_->heads() : 0; }
  /// The block drawn (inside the trace given); null without a trace.
  const attn::AttentionBlock* block() const { return block_; }
  void setHeadShown(int head, bool shown);
  bool isHeadShown(int head) const;
  /// Token under the pointer, as (side, index): side 0 queries (left), 1 keys (right).
  void setHoveredToken(int side, int index);
  /// The lines drawn now, in drawing order (toggled-off heads and lines of unhovered tokens
  /// are left out).
  QVector<AttentionLine> lines() const;
  static QColor headColor(int head, int heads);

  /// Paints the whole view into `painter` at `size`: used by the widget and by exports.
  void render(QPainter* painter, const QSize& size) const;
  /// Where a token's label is, for hovering and tests.
  QRectF tokenRect(int side, int index, const QSize& size) const;

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  /// Label rectangles and texts of both columns at one size, measured once per paint.
  struct Layout {
    QVector<QRectF> queries, keys;
    QStringList query_names, key_names;
  };
  Layout layoutFor(const QSize& size) const;
  static QLineF segment(const Layout& layout, const AttentionLine& line);
  void drawLabels(QPainter* painter, const Layout& layout) const;
  void drawLinesAsPixels(QPainter* painter, const Layout& layout, const QSize& size) const;
  void drawLinesAsVectors(QPainter* painter, const Layout& layout) const;

  std::shared_ptr<const attn::Trace> trace_;
  const attn::AttentionBlock* block_ = nullptr;  // inside *trace_; null without a trace
  QVector<bool> shown_;
  int hover_side_ = -1;
  int hover_index_ = -1;
};

/// The line view (as in BertViz's head view): the canvas with a check box per head to toggle
/// it, in the head's colour.
class LineView : public QWidget {
  Q_OBJECT

 public:
  explicit LineView(QWidget* parent = nullptr);
  /// Shows block `block` of `trace` (-1: attn::default_block).
  void setTrace(std::shared_ptr<const attn::Trace> trace, int block = -1);
  LineCanvas* canvas() const { return canvas_; }
  QCheckBox* headToggle(int head) const { return toggles_.value(head); }

 private:
  LineCanvas* canvas_;
  QHBoxLayout* toggles_layout_;
  QVector<QCheckBox*> toggles_;
};

}  // namespace attn::ui
