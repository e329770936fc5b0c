#pragma once

#include <optional>

#include "attn/config.h"
#include "attn/expected.h"

namespace attn {

inline constexpr int kMaxHeads = 64;
inline constexpr int kMaxDModel = 4096;
inline constexpr int kMaxTokens = 4096;

/// The first problem with the settings (heads, d_model, temperature), if any. Texts and the
/// mask's shape are checked by the model once the texts are tokenized.
std::optional<Error> validate_settings(const AttentionConfig& config);

}  // namespace attn
