#pragma once

// The Examples menu: each shipped model's sentences first, named with the model that computes
// them, then the toy model's examples. Choosing one switches to the model it names.

#include <QMenu>
#include <QString>
#include <functional>
#include <vector>

#include "attn/models/shipped_models.h"

namespace attn::ui {

/// What an entry of the Examples menu opens: a shipped model's example or a toy example.
struct ExampleChoice {
  QString shipped_model;    ///< a shipped model's name; empty: the toy model
  int shipped_example = 0;  ///< 0: its example; i ≥ 1: more_examples[i − 1]
  QString toy_example;      ///< a built-in example's name (toy model)
};

/// A shipped model's title and summary in the interface language (English when the card has
/// no translation).
QString shipped_title(const attn::ShippedModel& model);
QString shipped_summary(const attn::ShippedModel& model);

/// The example `index` of `model` (0: its example, i: more_examples[i − 1]), or nullptr.
const attn::ShippedExample* shipped_example(const attn::ShippedModel& model, int index);

/// Fills `menu` (cleared first) with a section per shipped model and one for the toy model;
/// `chosen` is called with the entry picked.
void fill_examples_menu(QMenu* menu, const std::vector<attn::ShippedModel>& shipped,
                        const std::function<void(const ExampleChoice&)>& chosen);

}  // namespace attn::ui
