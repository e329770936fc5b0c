#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attn/config.h"
#include "attn/expected.h"
#include "attn/matrix.h"

namespace attn {

/// Empty when `mask` fits n_q queries × n_k keys (always, when mask.fit_to_input); otherwise
/// what is wrong, for a person.
std::string check_mask(const MaskSpec& mask, int n_q, int n_k);

/// n_q × n_k, true where query i may see key j under `mask` (causal_offset as apply_mask).
BoolMatrix visible_cells(const MaskSpec& mask, int n_q, int n_k, int causal_offset = 0);

/// The key positions a Padding mask hides that exist among n_k keys, sorted, once each.
std::vector<int> hidden_key_positions(const MaskSpec& mask, int n_k);

/// "2,5" (1-based key positions, as a person counts tokens) → {1, 4}; a position that is not
/// a whole number from 1 to 100000, or an empty list, gets a message naming it.
Expected<std::vector<int>> parse_key_positions(std::string_view list);

/// A custom mask written as text: one line per query, one 0 or 1 per key (1: visible),
/// separated by spaces or commas; blank lines and lines starting with # are skipped. Every
/// row must have as many entries as the first. Gives an n_q × n_k Custom MaskSpec.
Expected<MaskSpec> parse_mask_rows(std::string_view text);

/// Sets every hidden entry of `scores` (n_q × n_k) to −∞, so softmax gives it weight 0.
/// `mask` must have passed check_mask for this shape (a fit_to_input mask always does: what
/// lies outside the scores is left out). Causal: query row i stands at position
/// i + causal_offset and sees keys 0..i + causal_offset (an incremental run computes only the
/// last rows of a longer sequence).
void apply_mask(Matrix& scores, const MaskSpec& mask, int causal_offset = 0);

/// Row-wise softmax of `scores` (n_q × n_k), numerically stable (the row maximum is
/// subtracted before exp). A row whose entries are all −∞ (every key hidden) gives zeros.
Matrix softmax_rows(const MatrixRef& scores);

}  // namespace attn
