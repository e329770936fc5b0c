#pragma once

#include <QMap>
#include <QWidget>

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
  QDoubleSpinBox* temperature_;
  QCheckBox* positions_;
  QMap<attn::InputField, QLabel*> errors_;
  int preferred_heads_ = 4;  // what the person chose; kept while d_model passes through values
  bool loading_ = false;
};

}  // namespace attn::ui
