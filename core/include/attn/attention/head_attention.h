#pragma once

#include "attn/attention/scores.h"
#include "attn/config.h"
#include "attn/trace.h"

namespace attn {

/// Settings shared by every head of one run.
struct HeadSettings {
  ScoreFunction score = ScoreFunction::ScaledDot;
  float temperature = 1.0f;
  const MaskSpec* mask = nullptr;  ///< must fit n_q × n_k (see check_mask); null = no mask
  int causal_offset = 0;           ///< a causal mask's query rows start at this position
};

/// One attention head: scores = score(Q, K) / temperature, hidden entries −∞,
/// weights = softmax(scores) row-wise, output = weights·V (Vaswani et al. 2017, Eq. 1).
/// Q: n_q × d_k, K: n_k × d_k, V: n_k × d_k.
HeadDetail attend_head(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v,
                       const ScoreParameters& params, const HeadSettings& settings);

/// A decoder head's scaled dot-product attention computed only where it can look: query row i
/// (at position `offset` + i) against keys 0..offset+i, a band of rows at a time, so neither
/// the masked half of Q·Kᵀ nor its softmax nor its share of weights·V is computed. Equal to
/// attend_head with a causal mask up to float rounding. Q: m × d, K and V: n × d with
/// n = offset + m. Fills weights (m × n, zeros right of the diagonal) and output (m × d);
/// with `keep_all` also the detail's q, k, v and scores (−∞ where hidden), for explaining.
HeadDetail attend_causal_head(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v,
                              int offset, bool keep_all);

}  // namespace attn
