// The pipeline view's stages: what the Trace holds is copied, the score steps it does not hold
// come out of the engine's own code, so the last score stage equals the Trace's scores exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "attn/attention/pipeline_stages.h"
#include "attn/models/toy_model.h"
#include "matrix_near.h"
#include "toy_run.h"

namespace {

using attn::StageKind;

attn::testing::ToyRun run(attn::ScoreFunction score, attn::Mode mode = attn::Mode::MultiHead) {
  attn::Scenario s;
  s.source = "the cat sat on the mat";
  s.target = "le chat";
  s.config.mode = mode;
  s.config.score = score;
  s.config.temperature = 0.5f;
  s.config.mask.kind = mode == attn::Mode::Cross ? attn::MaskKind::None : attn::MaskKind::Causal;
  attn::Expected<attn::Trace> trace = attn::run(s);
  EXPECT_TRUE(trace.ok());
  return attn::testing::flatten(trace.value());
}

const attn::PipelineStage& stage(const std::vector<attn::PipelineStage>& stages, StageKind kind) {
  for (const attn::PipelineStage& s : stages)
    if (s.kind == kind) return s;
  ADD_FAILURE() << "no stage " << static_cast<int>(kind);
  return stages.front();
}

bool has(const std::vector<attn::PipelineStage>& stages, StageKind kind) {
  for (const attn::PipelineStage& s : stages)
    if (s.kind == kind) return true;
  return false;
}

TEST(PipelineStages, EveryScoreFunctionEndsInTheTracesOwnScoresAndWeights) {
  for (attn::ScoreFunction f :
       {attn::ScoreFunction::ScaledDot, attn::ScoreFunction::Dot, attn::ScoreFunction::Additive,
        attn::ScoreFunction::General, attn::ScoreFunction::Cosine}) {
    const attn::testing::ToyRun trace = run(f);
    for (int h = 0; h < trace.heads; ++h) {
      const auto stages =
          attn::pipeline_stages(trace.detail, trace.scenario.config.mode == attn::Mode::Cross, h);
      // Bit for bit, −∞ where masked included.
      EXPECT_TRUE(stage(stages, StageKind::Masked).values == trace.head[h].scores);
      EXPECT_TRUE(stage(stages, StageKind::Softmax).values == trace.head[h].weights);
      EXPECT_TRUE(stage(stages, StageKind::Queries).values == trace.head[h].q);
      EXPECT_TRUE(stage(stages, StageKind::HeadOutput).values == trace.head[h].output);
      EXPECT_TRUE(stage(stages, StageKind::Output).values == trace.output);
      EXPECT_MATRIX_NEAR(stage(stages, StageKind::Temperature).values,
                         stage(stages, StageKind::ScoreFunction).values / 0.5f, 1e-6);
      EXPECT_FALSE(has(stages, StageKind::InputKeys));
    }
  }
}

TEST(PipelineStages, ScaledDotShowsTheDotProductsThenTheDivisionByRootDk) {
  const attn::testing::ToyRun trace = run(attn::ScoreFunction::ScaledDot);
  const auto stages =
      attn::pipeline_stages(trace.detail, trace.scenario.config.mode == attn::Mode::Cross, 1);
  const attn::Matrix& dots = stage(stages, StageKind::DotProducts).values;
  const attn::Matrix& q = trace.head[1].q;
  const attn::Matrix& k = trace.head[1].k;
  // Q·Kᵀ entry (2, 3) by hand.
  double by_hand = 0;
  for (int c = 0; c < trace.d_k; ++c) by_hand += double(q(2, c)) * k(3, c);
  EXPECT_NEAR(dots(2, 3), by_hand, 1e-4);
  EXPECT_MATRIX_NEAR(stage(stages, StageKind::ScoreFunction).values,
                     dots / std::sqrt(float(trace.d_k)), 1e-5);
  // Causal: above the diagonal is −∞ after the mask, finite before it.
  EXPECT_TRUE(std::isinf(stage(stages, StageKind::Masked).values(0, 5)));
  EXPECT_TRUE(std::isfinite(stage(stages, StageKind::Temperature).values(0, 5)));
  EXPECT_EQ(stages.front().kind, StageKind::InputQueries);
  EXPECT_EQ(stages.back().kind, StageKind::Output);
}

TEST(PipelineStages, CrossModeShowsBothInputsWithTheirShapes) {
  const attn::testing::ToyRun trace = run(attn::ScoreFunction::Dot, attn::Mode::Cross);
  const auto stages =
      attn::pipeline_stages(trace.detail, trace.scenario.config.mode == attn::Mode::Cross, 0);
  EXPECT_EQ(stage(stages, StageKind::InputQueries).values.rows(), 2);  // "le chat"
  EXPECT_EQ(stage(stages, StageKind::InputKeys).values.rows(), 6);
  EXPECT_EQ(stage(stages, StageKind::Keys).values.rows(), 6);
  EXPECT_EQ(stage(stages, StageKind::Masked).values.rows(), 2);
  EXPECT_EQ(stage(stages, StageKind::Masked).values.cols(), 6);
  EXPECT_FALSE(has(stages, StageKind::DotProducts));  // dot: Q·Kᵀ is the score itself
  EXPECT_EQ(stage(stages, StageKind::Concat).values.cols(), trace.scenario.config.d_model);
}

}  // namespace
