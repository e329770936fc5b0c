#include "attn_ui/settings_panel.h"

#include "attn_ui/language.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "attn/attention/masking.h"
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
  mask_->addItem(tr("Padding (click key labels)"), static_cast<int>(attn::MaskKind::Padding));
  mask_->addItem(tr("Custom (click cells)"), static_cast<int>(attn::MaskKind::Custom));
  mask_->setObjectName(QStringLiteral("maskBox"));
  form->addRow(tr("M&ask:"), mask_);
  mask_hint_ = new QLabel(this);
  mask_hint_->setObjectName(QStringLiteral("maskHint"));
  mask_hint_->setWordWrap(true);
  mask_hint_->setEnabled(false);  // the quieter colour, as the heads hint
  mask_clear_ = new QPushButton(tr("Show all"), this);
  mask_clear_->setObjectName(QStringLiteral("maskClear"));
  mask_clear_->setToolTip(tr("Shows every hidden key and cell again"));
  connect(mask_clear_, &QPushButton::clicked, this, &SettingsPanel::clearMask);
  auto* mask_row = new QHBoxLayout;
  mask_row->addWidget(mask_hint_, 1);
  mask_row->addWidget(mask_clear_, 0, Qt::AlignTop);
  form->addRow(mask_row);
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
  connect(mask_, &QComboBox::currentIndexChanged, this, [this] {
    onMaskKindChosen();
    emitChanged();
  });
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
  updateMaskHint();
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
  s.config.mask = clicked_mask_;
  s.config.mask.kind = current<attn::MaskKind>(mask_);
  s.config.mask.fit_to_input = true;
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
  clicked_mask_ = s.config.mask;
  select_data(mask_, s.config.mask.kind);
  previous_mask_kind_ = s.config.mask.kind;
  updateMaskHint();
  temperature_->setValue(s.config.temperature);
  positions_->setChecked(s.config.positions);
  updateEnabledStates();
  loading_ = false;
  emit scenarioChanged();
}

attn::MaskKind SettingsPanel::maskKind() const { return current<attn::MaskKind>(mask_); }

void SettingsPanel::setMaskShape(int n_q, int n_k) {
  mask_rows_ = n_q;
  mask_columns_ = n_k;
}

void SettingsPanel::onMaskKindChosen() {
  const attn::MaskKind kind = maskKind();
  const bool fresh_custom = kind == attn::MaskKind::Custom && clicked_mask_.allowed.size() == 0;
  if (fresh_custom && previous_mask_kind_ != attn::MaskKind::None && mask_rows_ > 0) {
    // Start from what was shown, so a teacher can edit a causal mask cell by cell.
    attn::MaskSpec before = clicked_mask_;
    before.kind = previous_mask_kind_;
    before.fit_to_input = true;
    clicked_mask_.allowed = attn::visible_cells(before, mask_rows_, mask_columns_);
  }
  previous_mask_kind_ = kind;
  updateMaskHint();
}

void SettingsPanel::toggleHiddenKeys(const std::vector<int>& keys) {
  if (keys.empty()) return;
  if (maskKind() == attn::MaskKind::Custom) {
    std::vector<std::pair<int, int>> cells;
    for (int row = 0; row < std::max(1, mask_rows_); ++row)
      for (int key : keys) cells.emplace_back(row, key);
    toggleHiddenCells(cells);
    return;
  }
  std::vector<int>& hidden = clicked_mask_.hidden_keys;
  const auto is_hidden = [&](int key) {
    return std::find(hidden.begin(), hidden.end(), key) != hidden.end();
  };
  if (std::all_of(keys.begin(), keys.end(), is_hidden)) {
    for (int key : keys) hidden.erase(std::remove(hidden.begin(), hidden.end(), key), hidden.end());
  } else {
    for (int key : keys)
      if (!is_hidden(key)) hidden.push_back(key);
    std::sort(hidden.begin(), hidden.end());
  }
  if (maskKind() != attn::MaskKind::Padding) {
    select_data(mask_, attn::MaskKind::Padding);  // emits through the kind's change
    return;
  }
  updateMaskHint();
  emitChanged();
}

void SettingsPanel::toggleHiddenCells(const std::vector<std::pair<int, int>>& cells) {
  if (cells.empty() || maskKind() != attn::MaskKind::Custom) return;
  attn::BoolMatrix& allowed = clicked_mask_.allowed;
  int rows = int(allowed.rows());
  int columns = int(allowed.cols());
  for (const auto& [row, column] : cells) {
    if (row < 0 || column < 0) return;
    rows = std::max(rows, row + 1);
    columns = std::max(columns, column + 1);
  }
  if (rows != allowed.rows() || columns != allowed.cols()) {
    attn::BoolMatrix grown = attn::BoolMatrix::Constant(rows, columns, true);
    grown.topLeftCorner(allowed.rows(), allowed.cols()) = allowed;
    allowed = std::move(grown);
  }
  const bool all_hidden = std::all_of(cells.begin(), cells.end(), [&](const auto& cell) {
    return !allowed(cell.first, cell.second);
  });
  for (const auto& [row, column] : cells) allowed(row, column) = all_hidden;
  updateMaskHint();
  emitChanged();
}

void SettingsPanel::clearMask() {
  clicked_mask_.hidden_keys.clear();
  clicked_mask_.allowed.setConstant(true);
  updateMaskHint();
  emitChanged();
}

void SettingsPanel::updateMaskHint() {
  const attn::MaskKind kind = maskKind();
  QString hint;
  int hidden = 0;
  if (kind == attn::MaskKind::Padding) {
    QStringList positions;
    for (int key : clicked_mask_.hidden_keys) positions << QString::number(key + 1);
    hidden = int(positions.size());
    hint = hidden == 0 ? tr("Click a key label under a heatmap to hide that key from every query.")
                       : tr("Hidden keys: %1. Click a key label to hide or show it.")
                             .arg(positions.join(QStringLiteral(", ")));
  } else if (kind == attn::MaskKind::Custom) {
    hidden = int((!clicked_mask_.allowed.array()).count());
    hint =
        tr("%n cell(s) hidden. Click a cell of the large heatmap to hide or show it, or a key "
           "label for its whole column.",
           nullptr, hidden);
  }
  if (!real_model_.isEmpty()) hint.clear();  // a real model's masks are its own
  mask_hint_->setText(hint);
  mask_hint_->setVisible(!hint.isEmpty());
  mask_clear_->setVisible(!hint.isEmpty());
  mask_clear_->setEnabled(hidden > 0);
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
