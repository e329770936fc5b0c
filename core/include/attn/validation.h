#pragma once

#include <limits>
#include <optional>

#include "attn/config.h"
#include "attn/expected.h"

namespace attn {

inline constexpr int kMaxHeads = 64;
inline constexpr int kMaxDModel = 4096;
inline constexpr int kMaxTokens = 4096;
/// Scores and weights together (2·h·n_q·n_k floats) may use at most 2 GiB, so that a large
/// request is refused with a message instead of exhausting memory.
inline constexpr double kMaxAttentionFloats = double(1 << 29);

/// Temperatures a user may give (command line, session file): the positive normal floats. A
/// double outside this range would be stored as 0, a subnormal or ∞.
inline constexpr double kMinTemperature = std::numeric_limits<float>::min();  // 1.17549435e-38
inline constexpr double kMaxTemperature = std::numeric_limits<float>::max();  // 3.40282347e+38

/// Whether `temperature`, as read from text, stays within [kMinTemperature, kMaxTemperature]
/// once stored as a float (so 5e-324 and 1e39 do not).
bool temperature_in_range(double temperature);

/// The first problem with the settings (heads, d_model, temperature), if any. Texts and the
/// mask's shape are checked by the model once the texts are tokenized.
std::optional<Error> validate_settings(const AttentionConfig& config);

/// An Error when h heads over n_q × n_k tokens would need more than kMaxAttentionFloats.
std::optional<Error> validate_size(int n_q, int n_k, int heads);

}  // namespace attn
