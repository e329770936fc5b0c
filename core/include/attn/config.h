#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/matrix.h"

namespace attn {

/// Self: one head over the source. MultiHead: h heads over the source. Cross: queries from the
/// target, keys and values from the source (n_target × n_source weights), h heads.
enum class Mode { Self, MultiHead, Cross };

/// How a query row q and a key row k (both 1 × d_k) give a score.
enum class ScoreFunction {
  ScaledDot,  ///< q·kᵀ / √d_k (Vaswani et al. 2017, Eq. 1)
  Dot,        ///< q·kᵀ (Luong et al. 2015, "dot")
  Additive,   ///< tanh(q·W₁ + k·W₂)·vᵀ (Bahdanau et al. 2015)
  General,    ///< q·W·kᵀ (Luong et al. 2015, "general")
  Cosine,     ///< q·kᵀ / (‖q‖‖k‖), 0 when either is the zero vector
};

enum class MaskKind {
  None,
  Causal,   ///< query i sees keys 0..i
  Padding,  ///< the key positions in MaskSpec::hidden_keys are hidden from every query
  Custom,   ///< MaskSpec::allowed (n_q × n_k, true = visible)
};

using BoolMatrix = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct MaskSpec {
  MaskKind kind = MaskKind::None;
  std::vector<int> hidden_keys;  ///< Padding: 0-based key positions
  BoolMatrix allowed;            ///< Custom: n_q × n_k, true where the query may see the key
  /// false: a position or a shape that does not fit the input is refused (the command line,
  /// where a person named them for this text). true: what lies beyond the input is left out
  /// and cells beyond `allowed` are visible, so a mask clicked in the window outlives edits
  /// of the text that shorten or lengthen it.
  bool fit_to_input = false;
};

/// Every setting of one computation. Defaults are the app's defaults.
struct AttentionConfig {
  Mode mode = Mode::MultiHead;
  int heads = 4;     ///< h; Self mode always uses 1
  int d_model = 64;  ///< width of token vectors; must be divisible by h
  std::uint64_t seed = 0;
  ScoreFunction score = ScoreFunction::ScaledDot;
  float temperature = 1.0f;  ///< scores are divided by it; must be finite and > 0
  MaskSpec mask;
  bool positions = true;  ///< add sinusoidal positional encoding (Vaswani et al. 2017, §3.5)

  /// Heads actually used: 1 in Self mode, `heads` otherwise.
  int effective_heads() const { return mode == Mode::Self ? 1 : heads; }
};

/// The whole input of one run: texts and settings. In Self and MultiHead mode only the source
/// is used; in Cross mode the target gives the queries.
struct Scenario {
  std::string source;
  std::string target;
  AttentionConfig config;
};

// Stable names used by the command line, files and exports.
std::string_view to_string(Mode mode);
std::string_view to_string(ScoreFunction score);
std::string_view to_string(MaskKind mask);
std::optional<Mode> parse_mode(std::string_view name);
std::optional<ScoreFunction> parse_score_function(std::string_view name);
std::optional<MaskKind> parse_mask_kind(std::string_view name);

}  // namespace attn
