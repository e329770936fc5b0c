#include "attn/attention/pipeline_stages.h"

#include "attn/attention/masking.h"
#include "attn/attention/scores.h"

namespace attn {

std::vector<PipelineStage> pipeline_stages(const BlockDetail& detail, bool cross, int head) {
  using K = StageKind;
  using A = StageAxis;
  const HeadDetail& h = detail.head.at(static_cast<std::size_t>(head));
  std::vector<PipelineStage> stages;
  stages.push_back({K::InputQueries, A::QueryTokens, A::Features, detail.x_query});
  if (cross) stages.push_back({K::InputKeys, A::KeyTokens, A::Features, detail.x_key});
  stages.push_back({K::Queries, A::QueryTokens, A::Features, h.q});
  stages.push_back({K::Keys, A::KeyTokens, A::Features, h.k});
  stages.push_back({K::Values, A::KeyTokens, A::Features, h.v});

  const bool has_dot_products =
      detail.score == ScoreFunction::ScaledDot || detail.score == ScoreFunction::Cosine;
  if (has_dot_products) {
    Matrix dots = h.q * h.k.transpose();
    stages.push_back({K::DotProducts, A::QueryTokens, A::KeyTokens, std::move(dots)});
  }
  const ScoreParameters none;
  const ScoreParameters& params =
      detail.score_parameters.empty() ? none : detail.score_parameters.at(std::size_t(head));
  Matrix scores = compute_scores(detail.score, h.q, h.k, params);
  stages.push_back({K::ScoreFunction, A::QueryTokens, A::KeyTokens, scores});
  // The same operations, in the same order, as attend_head.
  if (detail.temperature != 1.0f) scores /= detail.temperature;
  stages.push_back({K::Temperature, A::QueryTokens, A::KeyTokens, scores});
  if (detail.mask.kind != MaskKind::None) apply_mask(scores, detail.mask);
  stages.push_back({K::Masked, A::QueryTokens, A::KeyTokens, std::move(scores)});
  stages.push_back({K::Softmax, A::QueryTokens, A::KeyTokens, h.weights});
  stages.push_back({K::HeadOutput, A::QueryTokens, A::Features, h.output});
  stages.push_back({K::Concat, A::QueryTokens, A::Features, detail.concat});
  stages.push_back({K::Output, A::QueryTokens, A::Features, detail.output});
  return stages;
}

}  // namespace attn
