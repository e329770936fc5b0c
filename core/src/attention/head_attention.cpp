#include "attn/attention/head_attention.h"

#include "attn/attention/masking.h"

namespace attn {

HeadDetail attend_head(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v,
                       const ScoreParameters& params, const HeadSettings& settings) {
  HeadDetail head;
  head.q = q;
  head.k = k;
  head.v = v;
  head.scores = compute_scores(settings.score, q, k, params);
  if (settings.temperature != 1.0f) head.scores /= settings.temperature;
  if (settings.mask != nullptr) apply_mask(head.scores, *settings.mask, settings.causal_offset);
  head.weights = softmax_rows(head.scores);
  head.output.noalias() = head.weights * v;
  return head;
}

}  // namespace attn
