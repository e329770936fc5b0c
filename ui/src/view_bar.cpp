#include "attn_ui/view_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>

namespace attn::ui {

ViewBar::ViewBar(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("viewBar"));
  layer_ = new QSpinBox;
  layer_->setObjectName(QStringLiteral("layerBox"));
  layer_->setRange(1, 1);
  layer_->setToolTip(
      tr("The layer the Heatmaps, Lines, Pipeline and Rollout tabs show "
         "(PageUp / PageDown)"));
  layer_total_ = new QLabel;
  words_ = new QCheckBox(tr("&Words"));
  words_->setToolTip(
      tr("Attention between typed words instead of the model's pieces: a "
         "word's key pieces are summed, its query pieces averaged"));
  special_ = new QCheckBox(tr("Hide &special tokens"));
  special_->setToolTip(
      tr("Leaves out the rows and columns of tokens the model adds itself "
         "([CLS], [SEP], BOS); rows then no longer sum to 1"));
  sink_ = new QCheckBox(tr("Colours without &first token"));
  sink_->setToolTip(
      tr("The colour scale ignores the first key column, where many heads park "
         "their weight (the \"attention sink\"), so the rest of the pattern shows"));
  strongest_ = new QCheckBox(tr("Mark s&trongest key"));
  strongest_->setToolTip(
      tr("Outlines each query row's strongest key; in cross attention, each "
         "target token's strongest source token (an alignment)"));
  pair_ = new QComboBox;
  pair_->setObjectName(QStringLiteral("pairBox"));
  pair_->addItem(tr("All sentences"), int(attn::PairFilter::All));
  pair_->addItem(tr("A → A"), int(attn::PairFilter::AToA));
  pair_->addItem(tr("B → B"), int(attn::PairFilter::BToB));
  pair_->addItem(tr("A → B"), int(attn::PairFilter::AToB));
  pair_->addItem(tr("B → A"), int(attn::PairFilter::BToA));
  pair_->setToolTip(
      tr("For a sentence pair: which sentence's tokens ask (queries, first) and "
         "which answer (keys)"));
  pair_->setEnabled(false);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  layout->addWidget(new QLabel(tr("Layer")));
  layout->addWidget(layer_);
  layout->addWidget(layer_total_);
  layout->addSpacing(12);
  layout->addWidget(words_);
  layout->addWidget(special_);
  layout->addWidget(sink_);
  layout->addWidget(strongest_);
  layout->addWidget(pair_);
  layout->addStretch(1);

  connect(layer_, qOverload<int>(&QSpinBox::valueChanged), this,
          [this](int value) { emit layerChanged(value - 1); });
  connect(words_, &QCheckBox::toggled, this, &ViewBar::shownAsChanged);
  connect(special_, &QCheckBox::toggled, this, &ViewBar::shownAsChanged);
  connect(pair_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ViewBar::shownAsChanged);
  connect(sink_, &QCheckBox::toggled, this, &ViewBar::ignoreFirstKeyChanged);
  connect(strongest_, &QCheckBox::toggled, this, &ViewBar::markStrongestChanged);
  setLayerCount(1);
}

void ViewBar::setLayerCount(int layers) {
  layers_ = std::max(1, layers);
  const QSignalBlocker quiet(layer_);
  layer_->setRange(1, layers_);
  layer_->setEnabled(layers_ > 1);
  layer_total_->setText(tr("of %1").arg(layers_));
}

void ViewBar::setLayer(int layer) {
  const QSignalBlocker quiet(layer_);
  layer_->setValue(std::clamp(layer + 1, 1, layers_));
}

int ViewBar::layer() const { return layer_->value() - 1; }

void ViewBar::setShownAs(const attn::ShownAs& as) {
  const QSignalBlocker quiet_words(words_), quiet_special(special_), quiet_pair(pair_);
  words_->setChecked(as.words);
  special_->setChecked(as.hide_special);
  pair_->setCurrentIndex(std::max(0, pair_->findData(int(as.pair))));
}

attn::ShownAs ViewBar::shownAs() const {
  attn::ShownAs as;
  as.words = words_->isChecked();
  as.hide_special = special_->isChecked();
  as.pair = static_cast<attn::PairFilter>(pair_->currentData().toInt());
  return as;
}

void ViewBar::setIgnoreFirstKey(bool ignore) {
  const QSignalBlocker quiet(sink_);
  sink_->setChecked(ignore);
}

bool ViewBar::ignoreFirstKey() const { return sink_->isChecked(); }

void ViewBar::setMarkStrongest(bool mark) {
  const QSignalBlocker quiet(strongest_);
  strongest_->setChecked(mark);
}

bool ViewBar::markStrongest() const { return strongest_->isChecked(); }

void ViewBar::setPairAvailable(bool available) { pair_->setEnabled(available); }

void ViewBar::setCompact(bool compact) {
  for (QWidget* toggle :
       std::initializer_list<QWidget*>{words_, special_, sink_, strongest_, pair_})
    toggle->setVisible(!compact);
}

}  // namespace attn::ui
