#pragma once

#include <QStringList>
#include <QWidget>

#include "attn/trace.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace attn::ui {

/// The Model box at the top of the settings: "Toy model (seeded)" and the checkpoints opened,
/// Open model…, and a card describing the chosen model (family, layers, heads, widths,
/// vocabulary, parameters, dtype, file size). A problem opening a model shows under it.
class ModelBox : public QWidget {
  Q_OBJECT

 public:
  explicit ModelBox(QWidget* parent = nullptr);

  /// The entries after the toy model (their names; tooltips give `paths`) and which is chosen
  /// (0: the toy model). Emits nothing.
  void setModels(const QStringList& names, const QStringList& paths, int current);
  /// The card for `info` (the toy model's card for Family::Toy).
  void setCard(const attn::ModelInfo& info);
  /// A problem opening a model, in the error colour; empty hides it.
  void setProblem(const QString& message);

  QComboBox* comboBox() const { return combo_; }
  QLabel* card() const { return card_; }
  QLabel* problem() const { return problem_; }

  /// The card's text for `info`, as shown (plain text, one fact a line).
  static QString cardText(const attn::ModelInfo& info);

 signals:
  /// 0: the toy model; i ≥ 1: the i-th model given to setModels.
  void modelChosen(int index);
  void openRequested();

 private:
  QComboBox* combo_;
  QPushButton* open_;
  QLabel* card_;
  QLabel* problem_;
};

}  // namespace attn::ui
