#pragma once

#include <QMap>
#include <QWidget>
#include <utility>
#include <vector>

#include "attn/config.h"
#include "attn/expected.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace attn::ui {

/// The inputs of one computation: texts, mode, heads, d_model, seed, score function, mask,
/// temperature and positions. Every edit emits scenarioChanged(). A problem with the input is
/// shown under the control it belongs to; the control keeps what was typed.
class SettingsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SettingsPanel(QWidget* parent = nullptr);

  attn::Scenario scenario() const;
  /// Shows `scenario` in the controls without emitting scenarioChanged() for each field (one
  /// signal at the end). A head count that does not divide d_model becomes the nearest that does.
  void setScenario(const attn::Scenario& scenario);

  void showError(const attn::Error& error);
  void clearErrors();
  /// The message shown for `field`, empty when none.
  QString errorText(attn::InputField field) const;

  /// A real checkpoint computes instead of the toy model (`model_name` empty: the toy model
  /// again). Its heads, widths and masks are its own, so the toy settings are disabled with a
  /// note saying why; the target is BERT's optional sentence B.
  /// `translates`: an encoder–decoder (Marian): the target is the translation (typed, or made
  /// by Translate), and the mode chooses the encoder's self-attention or the cross-attention.
  void setRealModel(const QString& model_name, bool takes_sentence_b, bool translates = false);
  /// While a translation is being made: Translate becomes Stop.
  void setTranslating(bool translating);
  bool realModel() const { return !real_model_.isEmpty(); }

  /// The mask the person clicked (Padding: hidden keys; Custom: hidden cells) is kept across
  /// edits of the text; what lies beyond the text is left out (MaskSpec::fit_to_input).
  attn::MaskKind maskKind() const;
  /// Hides `keys` (0-based positions) as padding, or shows them again when all are hidden
  /// already. A None mask becomes Padding; a Custom mask hides (or shows) their whole columns.
  void toggleHiddenKeys(const std::vector<int>& keys);
  /// Custom mask: hides the cells (query row, key column, 0-based), or shows them again when all
  /// are hidden already.
  void toggleHiddenCells(const std::vector<std::pair<int, int>>& cells);
  /// Shows every key and cell again (the mask kind stays).
  void clearMask();
  /// The size of the last computed attention (n_q queries × n_k keys): a Custom mask chosen
  /// afresh starts from the pattern of the mask chosen before (causal: the lower triangle).
  void setMaskShape(int n_q, int n_k);
  QLabel* maskHint() const { return mask_hint_; }

  /// Head counts offered for this d_model: its divisors up to 64.
  static QList<int> headChoices(int d_model);

  QLineEdit* sourceEdit() const { return source_; }
  QLineEdit* targetEdit() const { return target_; }
  QComboBox* modeBox() const { return mode_; }
  QComboBox* headsBox() const { return heads_; }
  QSpinBox* dModelBox() const { return d_model_; }
  QSpinBox* seedBox() const { return seed_; }
  QComboBox* scoreBox() const { return score_; }
  QComboBox* maskBox() const { return mask_; }
  QDoubleSpinBox* temperatureBox() const { return temperature_; }
  QCheckBox* positionsBox() const { return positions_; }
  QPushButton* translateButton() const { return translate_; }

 signals:
  void scenarioChanged();
  /// Translate (or Stop while translating) was pressed.
  void translateRequested();

 private:
  void refillHeads(int preferred);
  void updateEnabledStates();
  void updateHeadsHint();
  QString real_model_;
  bool takes_sentence_b_ = false;
  bool translates_ = false;
  QPushButton* translate_;
  void emitChanged();
  QLabel* addErrorLabel(attn::InputField field);

  QLineEdit* source_;
  QLineEdit* target_;
  QComboBox* mode_;
  QComboBox* heads_;
  QLabel* heads_hint_;
  QSpinBox* d_model_;
  QSpinBox* seed_;
  QComboBox* score_;
  QComboBox* mask_;
  QLabel* mask_hint_;
  QPushButton* mask_clear_;
  attn::MaskSpec clicked_mask_;  ///< hidden_keys and allowed, whatever the kind shown
  attn::MaskKind previous_mask_kind_ = attn::MaskKind::None;
  int mask_rows_ = 0;
  int mask_columns_ = 0;
  void onMaskKindChosen();
  void updateMaskHint();
  QDoubleSpinBox* temperature_;
  QCheckBox* positions_;
  QMap<attn::InputField, QLabel*> errors_;
  int preferred_heads_ = 4;  // what the person chose; kept while d_model passes through values
  bool loading_ = false;
};

}  // namespace attn::ui
