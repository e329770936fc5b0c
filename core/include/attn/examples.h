#pragma once

#include <string_view>
#include <vector>

#include "attn/config.h"

namespace attn {

/// A ready-made input for class: a name to pick it by, a one-line description, and the
/// scenario (texts and the mode that suits them; other settings are the defaults).
struct Example {
  std::string_view name;
  std::string_view description;
  Scenario scenario;
};

/// The built-in examples in English and Chinese, the first being the default.
const std::vector<Example>& builtin_examples();

/// The example called `name`, or nullptr.
const Example* find_example(std::string_view name);

}  // namespace attn
