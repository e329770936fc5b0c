#pragma once

#include <string>

#include "attn/config.h"
#include "attn/matrix.h"

namespace attn {

/// Empty when `mask` fits n_q queries × n_k keys; otherwise what is wrong, for a person.
std::string check_mask(const MaskSpec& mask, int n_q, int n_k);

/// Sets every hidden entry of `scores` (n_q × n_k) to −∞, so softmax gives it weight 0.
/// `mask` must have passed check_mask for this shape. Causal: query row i stands at position
/// i + causal_offset and sees keys 0..i + causal_offset (an incremental run computes only the
/// last rows of a longer sequence).
void apply_mask(Matrix& scores, const MaskSpec& mask, int causal_offset = 0);

/// Row-wise softmax of `scores` (n_q × n_k), numerically stable (the row maximum is
/// subtracted before exp). A row whose entries are all −∞ (every key hidden) gives zeros.
Matrix softmax_rows(const MatrixRef& scores);

}  // namespace attn
