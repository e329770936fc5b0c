#include "attn/attention/pipeline_stages.h"

#include "attn/attention/masking.h"
#include "attn/attention/scores.h"

namespace attn {

std::vector<PipelineStage> pipeline_stages(const Trace& trace, int head) {
  using K = StageKind;
  using A = StageAxis;
  const HeadTrace& h = trace.head.at(static_cast<std::size_t>(head));
  const AttentionConfig& config = trace.scenario.config;
  std::vector<PipelineStage> stages;
  stages.push_back({K::InputQueries, A::QueryTokens, A::Features, trace.x_query});
  if (config.mode == Mode::Cross)
    stages.push_back({K::InputKeys, A::KeyTokens, A::Features, trace.x_key});
  stages.push_back({K::Queries, A::QueryTokens, A::Features, h.q});
  stages.push_back({K::Keys, A::KeyTokens, A::Features, h.k});
  stages.push_back({K::Values, A::KeyTokens, A::Features, h.v});

  const bool has_dot_products =
      config.score == ScoreFunction::ScaledDot || config.score == ScoreFunction::Cosine;
  if (has_dot_products) {
    Matrix dots = h.q * h.k.transpose();
    stages.push_back({K::DotProducts, A::QueryTokens, A::KeyTokens, std::move(dots)});
  }
  const ScoreParameters none;
  const ScoreParameters& params =
      trace.parameters->score.empty() ? none : trace.parameters->score.at(std::size_t(head));
  Matrix scores = compute_scores(config.score, h.q, h.k, params);
  stages.push_back({K::ScoreFunction, A::QueryTokens, A::KeyTokens, scores});
  // The same operations, in the same order, as attend_head.
  if (config.temperature != 1.0f) scores /= config.temperature;
  stages.push_back({K::Temperature, A::QueryTokens, A::KeyTokens, scores});
  if (config.mask.kind != MaskKind::None) apply_mask(scores, config.mask);
  stages.push_back({K::Masked, A::QueryTokens, A::KeyTokens, std::move(scores)});
  stages.push_back({K::Softmax, A::QueryTokens, A::KeyTokens, h.weights});
  stages.push_back({K::HeadOutput, A::QueryTokens, A::Features, h.output});
  stages.push_back({K::Concat, A::QueryTokens, A::Features, trace.concat});
  stages.push_back({K::Output, A::QueryTokens, A::Features, trace.output});
  return stages;
}

}  // namespace attn
