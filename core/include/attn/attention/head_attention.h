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

}  // namespace attn
