#pragma once

#include <QWidget>

#include "attn/shown_trace.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSpinBox;

namespace attn::ui {

/// The bar above the views: which layer the Heatmaps, Lines, Pipeline and Rollout tabs show
/// (PageUp / PageDown step it), words instead of pieces, special tokens hidden, a colour scale
/// without the first-token sink and, for a BERT sentence pair, which sentences. Every control
/// says in its tooltip what it does.
class ViewBar : public QWidget {
  Q_OBJECT

 public:
  explicit ViewBar(QWidget* parent = nullptr);

  /// Layers of the model shown (the picker is disabled for one).
  void setLayerCount(int layers);
  int layerCount() const { return layers_; }
  /// 0-based; clamped to the layers. Emits nothing.
  void setLayer(int layer);
  int layer() const;
  void setShownAs(const attn::ShownAs& as);
  attn::ShownAs shownAs() const;
  void setIgnoreFirstKey(bool ignore);
  bool ignoreFirstKey() const;
  void setMarkStrongest(bool mark);
  bool markStrongest() const;
  /// Whether the input is a sentence pair (the sentence filter is enabled only then).
  void setPairAvailable(bool available);

  /// Compact (presentation mode): only the layer picker, so nothing is cut on a projector;
  /// the toggles keep their state and come back when it ends.
  void setCompact(bool compact);
  QSpinBox* layerBox() const { return layer_; }
  QCheckBox* wordsBox() const { return words_; }
  QCheckBox* specialBox() const { return special_; }
  QCheckBox* sinkBox() const { return sink_; }
  QCheckBox* strongestBox() const { return strongest_; }
  QComboBox* pairBox() const { return pair_; }

 signals:
  void layerChanged(int layer);
  /// Words, special tokens or the sentence filter changed.
  void shownAsChanged();
  void ignoreFirstKeyChanged(bool ignore);
  void markStrongestChanged(bool mark);

 private:
  int layers_ = 1;
  QSpinBox* layer_;
  QLabel* layer_total_;
  QCheckBox* words_;
  QCheckBox* special_;
  QCheckBox* sink_;
  QCheckBox* strongest_;
  QComboBox* pair_;
};

}  // namespace attn::ui
