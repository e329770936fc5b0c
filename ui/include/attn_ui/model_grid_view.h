#pragma once

#include <QImage>
#include <QVector>
#include <QWidget>
#include <memory>

#include "attn/trace.h"

class QPainter;

namespace attn::ui {

/// BertViz's model view as heatmaps: every attention block of a trace as a row of small
/// heatmaps, one per head (layers down, heads across). Each thumbnail is scaled to its own
/// largest weight, so a head's pattern shows whatever its range. Hover names the panel and
/// its strongest query → key; a click chooses that block and head.
class ModelGridView : public QWidget {
  Q_OBJECT

 public:
  explicit ModelGridView(QWidget* parent = nullptr);

  /// Shows every block of `trace` (kept); `chosen_block`/`chosen_head` are outlined.
  void setTrace(std::shared_ptr<const attn::Trace> trace);
  const std::shared_ptr<const attn::Trace>& trace() const { return trace_; }
  void setChosen(int block, int head);
  int chosenBlock() const { return chosen_block_; }
  int chosenHead() const { return chosen_head_; }

  void setGradient(const QString& gradient_id);
  /// true: each thumbnail's colour scale leaves out the first key (the "attention sink" most
  /// heads park their weight on), so the rest of the pattern shows; the sink saturates.
  void setIgnoreFirstKey(bool ignore);
  bool ignoreFirstKey() const { return ignore_first_key_; }

  /// Rows (blocks) and columns (the most heads of any block).
  int rowCount() const;
  int columnCount() const;
  /// Where the thumbnail of (block, head) is drawn in a widget of `size`; empty when none.
  QRectF panelRect(int block, int head, const QSizeF& size) const;
  /// The row's label: "Layer 3", or "Encoder 3", "Decoder 3", "Decoder 3 ⇄" for a model with
  /// both kinds of block.
  QString rowLabel(int block) const;
  /// What hovering (block, head) shows: the layer, head, shared key/value head and the
  /// strongest query → key with its weight.
  QString describePanel(int block, int head) const;

  /// Paints the grid as on screen into `painter` at `size` (logical pixels), for exports.
  void render(QPainter* painter, const QSize& size);

 signals:
  /// A thumbnail was clicked.
  void panelChosen(int block, int head);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  struct Layout {
    double left = 0, top = 0, cell = 0, gap = 0, label_width = 0, header_height = 0;
  };
  Layout layoutFor(const QSizeF& size) const;
  /// (block, head) under `point`, or (-1, -1).
  QPoint panelAt(const QPointF& point) const;
  /// Thumbnails pooled to at most `pixels` × `pixels` and coloured; rebuilt when stale.
  void ensureImages(int pixels);
  void paintGrid(QPainter* painter, const QSizeF& size, double device_ratio);

  std::shared_ptr<const attn::Trace> trace_;
  QString gradient_id_;
  bool ignore_first_key_ = false;
  int chosen_block_ = -1;
  int chosen_head_ = -1;
  QVector<QVector<QImage>> images_;  // [block][head]
  int images_pixels_ = -1;           // the size they were made for; -1: stale
};

}  // namespace attn::ui
