#include "attn_ui/settings_panel.h"

#include "attn_ui/language.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

#include "attn/validation.h"

namespace attn::ui {
namespace {

template <class Enum>
void select_data(QComboBox* box, Enum value) {
  const int index = box->findData(static_cast<int>(value));
  if (index >= 0) box->setCurrentIndex(index);
}

template <class Enum>
Enum current(const QComboBox* box) {
  return static_cast<Enum>(box->currentData().toInt());
}

}  // namespace

SettingsPanel::SettingsPanel(QWidget* parent) : QWidget(parent) {
  auto* form = new QFormLayout(this);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);

  source_ = new QLineEdit(this);
  source_->setObjectName(QStringLiteral("sourceEdit"));
  source_->setPlaceholderText(tr("Type a sentence…"));
  source_->setClearButtonEnabled(true);
  target_ = new QLineEdit(this);
  target_->setObjectName(QStringLiteral("targetEdit"));
  target_->setPlaceholderText(tr("The other sentence, for cross attention"));
  target_->setClearButtonEnabled(true);
  form->addRow(tr("&Source:"), source_);
  form->addRow(addErrorLabel(attn::InputField::Source));
  form->addRow(tr("&Target:"), target_);
  translate_ = new QPushButton(tr("Tr&anslate"), this);
  translate_->setObjectName(QStringLiteral("translateButton"));
  translate_->setToolTip(
      tr("Translates the source greedily, token by token, into the target box "
         "(Stop ends it; what was made so far stays)"));
  translate_->hide();
  connect(translate_, &QPushButton::clicked, this, &SettingsPanel::translateRequested);
  form->addRow(QString(), translate_);
  form->addRow(addErrorLabel(attn::InputField::Target));

  mode_ = new QComboBox(this);
  mode_->addItem(tr("Self (one head)"), static_cast<int>(attn::Mode::Self));
  mode_->addItem(tr("Multi-head"), static_cast<int>(attn::Mode::MultiHead));
  mode_->addItem(tr("Cross (target → source)"), static_cast<int>(attn::Mode::Cross));
  form->addRow(tr("&Mode:"), mode_);
  form->addRow(addErrorLabel(attn::InputField::Mode));

  heads_ = new QComboBox(this);
  heads_hint_ = new QLabel(this);
  heads_hint_->setObjectName(QStringLiteral("headsHint"));
  heads_hint_->setWordWrap(true);
  heads_hint_->setEnabled(false);  // drawn in the palette's quieter colour
  form->addRow(tr("&Heads:"), heads_);
  form->addRow(heads_hint_);
  form->addRow(addErrorLabel(attn::InputField::Heads));

  d_model_ = new QSpinBox(this);
  d_model_->setRange(1, attn::kMaxDModel);
  d_model_->setSingleStep(8);
  form->addRow(tr("&d_model:"), d_model_);
  form->addRow(addErrorLabel(attn::InputField::DModel));

  seed_ = new QSpinBox(this);
  seed_->setRange(0, std::numeric_limits<int>::max());
  form->addRow(tr("S&eed:"), seed_);
  form->addRow(addErrorLabel(attn::InputField::Seed));

  score_ = new QComboBox(this);
  score_->addItem(tr("Scaled dot product  q·k/√d_k"),
                  static_cast<int>(attn::ScoreFunction::ScaledDot));
  score_->addItem(tr("Dot product  q·k"), static_cast<int>(attn::ScoreFunction::Dot));
  score_->addItem(tr("Additive (Bahdanau)"), static_cast<int>(attn::ScoreFunction::Additive));
  score_->addItem(tr("General  q·W·k (Luong)"), static_cast<int>(attn::ScoreFunction::General));
  score_->addItem(tr("Cosine"), static_cast<int>(attn::ScoreFunction::Cosine));
  form->addRow(tr("Sc&ore:"), score_);
  form->addRow(addErrorLabel(attn::InputField::Score));

  mask_ = new QComboBox(this);
  mask_->addItem(tr("None"), static_cast<int>(attn::MaskKind::None));
  mask_->addItem(tr("Causal (no peeking ahead)"), static_cast<int>(attn::MaskKind::Causal));
  form->addRow(tr("M&ask:"), mask_);
  form->addRow(addErrorLabel(attn::InputField::Mask));

  temperature_ = new QDoubleSpinBox(this);
  temperature_->setRange(0.01, 100.0);
  temperature_->setDecimals(2);
  temperature_->setSingleStep(0.1);
  form->addRow(tr("Tem&perature:"), temperature_);
  form->addRow(addErrorLabel(attn::InputField::Temperature));

  positions_ = new QCheckBox(tr("Add &positional encoding"), this);
  form->addRow(positions_);
  form->addRow(addErrorLabel(attn::InputField::Other));

  setScenario(attn::Scenario{});

  connect(source_, &QLineEdit::textChanged, this, &SettingsPanel::emitChanged);
  connect(target_, &QLineEdit::textChanged, this, &SettingsPanel::emitChanged);
  connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
    updateEnabledStates();
    emitChanged();
  });
  // A choice made here (refills block signals) is the count to come back to.
  connect(heads_, &QComboBox::currentIndexChanged, this, [this] {
    preferred_heads_ = heads_->currentData().toInt();
    updateHeadsHint();
    emitChanged();
  });
  connect(d_model_, &QSpinBox::valueChanged, this, [this] {
    const bool was_loading = loading_;
    loading_ = true;  // one signal for the d_model change, not one more for the heads refill
    refillHeads(preferred_heads_);
    loading_ = was_loading;
    emitChanged();
  });
  connect(seed_, &QSpinBox::valueChanged, this, &SettingsPanel::emitChanged);
  connect(score_, &QComboBox::currentIndexChanged, this, &SettingsPanel::emitChanged);
  connect(mask_, &QComboBox::currentIndexChanged, this, &SettingsPanel::emitChanged);
  connect(temperature_, &QDoubleSpinBox::valueChanged, this, &SettingsPanel::emitChanged);
  connect(positions_, &QCheckBox::toggled, this, &SettingsPanel::emitChanged);
}

QLabel* SettingsPanel::addErrorLabel(attn::InputField field) {
  auto* label = new QLabel(this);
  label->setObjectName(QStringLiteral("error%1").arg(static_cast<int>(field)));
  label->setWordWrap(true);
  label->setTextFormat(Qt::PlainText);
  QPalette palette = label->palette();
  palette.setColor(QPalette::WindowText, QColor(200, 30, 30));
  label->setPalette(palette);
  label->hide();
  errors_.insert(field, label);
  return label;
}

QList<int> SettingsPanel::headChoices(int d_model) {
  QList<int> choices;
  for (int h = 1; h <= std::min(d_model, attn::kMaxHeads); ++h)
    if (d_model % h == 0) choices << h;
  return choices;
}

void SettingsPanel::refillHeads(int preferred) {
  const int d_model = d_model_->value();
  const QList<int> choices = headChoices(d_model);
  int chosen = choices.front();
  for (int h : choices)
    if (h <= preferred) chosen = h;  // the largest offered count not above the preferred one
  const QSignalBlocker block(heads_);
  heads_->clear();
  for (int h : choices) heads_->addItem(QString::number(h), h);
  heads_->setCurrentIndex(heads_->findData(chosen));
  updateEnabledStates();
}

void SettingsPanel::setRealModel(const QString& model_name, bool takes_sentence_b,
                                 bool translates) {
  real_model_ = model_name;
  takes_sentence_b_ = takes_sentence_b;
  translates_ = translates && !model_name.isEmpty();
  translate_->setVisible(translates_);
  target_->setPlaceholderText(translates_        ? tr("The translation: type it, or Translate")
                              : takes_sentence_b ? tr("Sentence B (optional)")
                                                 : tr("The other sentence, for cross attention"));
  updateEnabledStates();
}

void SettingsPanel::setTranslating(bool translating) {
  translate_->setText(translating ? tr("St&op translating") : tr("Tr&anslate"));
}

void SettingsPanel::updateEnabledStates() {
  const attn::Mode mode = current<attn::Mode>(mode_);
  const bool toy = real_model_.isEmpty();
  target_->setEnabled(toy ? mode == attn::Mode::Cross : takes_sentence_b_ || translates_);
  heads_->setEnabled(toy && mode != attn::Mode::Self);
  for (QWidget* toy_only :
       std::initializer_list<QWidget*>{d_model_, seed_, score_, mask_, temperature_, positions_}) {
    toy_only->setEnabled(toy);
  }
  // A translator has both: the encoder's self-attention, or the decoder's cross-attention.
  mode_->setEnabled(toy || translates_);
  updateHeadsHint();
}

// Derived from the controls each time, so it never describes an earlier state.
void SettingsPanel::updateHeadsHint() {
  if (!real_model_.isEmpty()) {
    QString hint = tr("%1 has its own heads, widths, positions and masks: these settings "
                      "belong to the toy model.")
                       .arg(real_model_);
    if (translates_)
      hint += QLatin1Char(' ') + tr("Mode: self or multi-head shows the encoder's "
                                    "self-attention over the source, cross shows which source "
                                    "tokens each target token looks at.");
    heads_hint_->setText(hint);
    return;
  }
  const int d_model = d_model_->value();
  const int heads = std::max(1, heads_->currentData().toInt());
  if (current<attn::Mode>(mode_) == attn::Mode::Self) {
    heads_hint_->setText(tr("Self mode uses one head with d_k = d_model = %1.").arg(d_model));
  } else if (heads != preferred_heads_) {
    heads_hint_->setText(tr("%1 heads do not divide d_model = %2, so %3 are used. Only counts "
                            "that divide d_model are offered.")
                             .arg(preferred_heads_)
                             .arg(d_model)
                             .arg(heads));
  } else {
    heads_hint_->setText(tr("Only counts that divide d_model (%1) are offered; d_k = %2.")
                             .arg(d_model)
                             .arg(d_model / heads));
  }
}

attn::Scenario SettingsPanel::scenario() const {
  attn::Scenario s;
  s.source = source_->text().toStdString();
  s.target = target_->text().toStdString();
  s.config.mode = current<attn::Mode>(mode_);
  s.config.heads = heads_->currentData().toInt();
  s.config.d_model = d_model_->value();
  s.config.seed = static_cast<std::uint64_t>(seed_->value());
  s.config.score = current<attn::ScoreFunction>(score_);
  s.config.mask.kind = current<attn::MaskKind>(mask_);
  s.config.temperature = static_cast<float>(temperature_->value());
  s.config.positions = positions_->isChecked();
  return s;
}

void SettingsPanel::setScenario(const attn::Scenario& s) {
  loading_ = true;
  source_->setText(QString::fromStdString(s.source));
  target_->setText(QString::fromStdString(s.target));
  select_data(mode_, s.config.mode);
  d_model_->setValue(std::clamp(s.config.d_model, 1, attn::kMaxDModel));
  preferred_heads_ = std::clamp(s.config.heads, 1, attn::kMaxHeads);
  refillHeads(preferred_heads_);
  seed_->setValue(
      static_cast<int>(std::min<std::uint64_t>(s.config.seed, std::numeric_limits<int>::max())));
  select_data(score_, s.config.score);
  select_data(mask_, s.config.mask.kind == attn::MaskKind::Causal ? attn::MaskKind::Causal
                                                                  : attn::MaskKind::None);
  temperature_->setValue(s.config.temperature);
  positions_->setChecked(s.config.positions);
  updateEnabledStates();
  loading_ = false;
  emit scenarioChanged();
}

void SettingsPanel::emitChanged() {
  if (!loading_) emit scenarioChanged();
}

void SettingsPanel::showError(const attn::Error& error) {
  clearErrors();
  QLabel* label = errors_.value(error.field, errors_.value(attn::InputField::Other));
  label->setText(engine_message(error));
  label->show();
}

void SettingsPanel::clearErrors() {
  for (QLabel* label : errors_) {
    label->clear();
    label->hide();
  }
}

QString SettingsPanel::errorText(attn::InputField field) const {
  const QLabel* label = errors_.value(field);
  return label && !label->isHidden() ? label->text() : QString();
}

}  // namespace attn::ui
