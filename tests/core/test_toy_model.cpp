#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "attn/models/attention_model.h"
#include "attn/models/embedder.h"
#include "attn/models/toy_model.h"
#include "matrix_near.h"
#include "reference_attention.h"
#include "toy_run.h"

namespace attn {
namespace {

Scenario scenario_of(std::string source, Mode mode, int heads, int d_model) {
  Scenario s;
  s.source = std::move(source);
  s.config.mode = mode;
  s.config.heads = heads;
  s.config.d_model = d_model;
  return s;
}

testing::ToyRun run_ok(const Scenario& scenario) {
  Expected<Trace> trace = std::make_shared<ToyModel>()->run(scenario);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().message);
  return trace.ok() ? testing::flatten(trace.value()) : testing::ToyRun{};
}

void expect_rows_sum_to_one_or_zero(const testing::ToyRun& trace) {
  for (const HeadDetail& head : trace.head) {
    for (Eigen::Index i = 0; i < head.weights.rows(); ++i) {
      const float sum = head.weights.row(i).sum();
      EXPECT_TRUE(std::abs(sum - 1.0f) < 1e-5f || sum == 0.0f) << "row " << i << " sums to " << sum;
      EXPECT_TRUE((head.weights.row(i).array() >= 0.0f).all());
    }
  }
}

// Every score function and mask, multi-head and cross: the engine equals a naive per-head
// triple-loop reference computed in double precision.
struct ReferenceCase {
  Mode mode;
  ScoreFunction score;
  MaskKind mask;
  int heads;
  float temperature;
};

class MatchesReference : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(MatchesReference, WeightsAndOutputTo1e5) {
  const ReferenceCase& c = GetParam();
  Scenario s = scenario_of("The animal didn't cross the street because it was too tired", c.mode,
                           c.heads, 32);
  s.target = "Das Tier überquerte die Straße nicht";
  s.config.score = c.score;
  s.config.temperature = c.temperature;
  s.config.mask.kind = c.mask;
  s.config.mask.hidden_keys = {1, 4};
  const testing::ToyRun trace = run_ok(s);
  ASSERT_EQ(static_cast<int>(trace.head.size()), trace.heads);

  const testing::ReferenceResult reference = testing::reference_multi_head(
      trace.x_query, trace.x_key, *trace.parameters, trace.heads, s.config);
  for (int h = 0; h < trace.heads; ++h) {
    EXPECT_MATRIX_NEAR(trace.head[h].weights, reference.weights[h], 1e-5) << "head " << h;
  }
  EXPECT_MATRIX_NEAR(trace.output, reference.output, 1e-5);
  expect_rows_sum_to_one_or_zero(trace);
}

INSTANTIATE_TEST_SUITE_P(
    ScoreFunctionsMasksAndModes, MatchesReference,
    ::testing::Values(
        ReferenceCase{Mode::MultiHead, ScoreFunction::ScaledDot, MaskKind::None, 4, 1},
        ReferenceCase{Mode::MultiHead, ScoreFunction::Dot, MaskKind::Causal, 8, 1},
        ReferenceCase{Mode::MultiHead, ScoreFunction::Additive, MaskKind::None, 4, 1},
        ReferenceCase{Mode::MultiHead, ScoreFunction::General, MaskKind::Padding, 2, 1},
        ReferenceCase{Mode::MultiHead, ScoreFunction::Cosine, MaskKind::None, 4, 0.1f},
        ReferenceCase{Mode::Self, ScoreFunction::ScaledDot, MaskKind::Causal, 4, 2},
        ReferenceCase{Mode::Cross, ScoreFunction::ScaledDot, MaskKind::None, 4, 1},
        ReferenceCase{Mode::Cross, ScoreFunction::Additive, MaskKind::Padding, 2, 1},
        ReferenceCase{Mode::MultiHead, ScoreFunction::ScaledDot, MaskKind::None, 32, 1}),
    [](const ::testing::TestParamInfo<ReferenceCase>& param_info) {
      const ReferenceCase& c = param_info.param;
      std::string name = std::string(to_string(c.mode)) + "_" + std::string(to_string(c.score)) +
                         "_" + std::string(to_string(c.mask)) + "_h" + std::to_string(c.heads);
      return name + (c.temperature == 1.0f ? "" : "_tempered");
    });

TEST(ToyModel, ProjectionsAreXTimesWWithHeadColumnSlices) {
  const testing::ToyRun trace = run_ok(scenario_of("a b c d e", Mode::MultiHead, 4, 16));
  const ModelParameters& p = *trace.parameters;
  ASSERT_EQ(trace.d_k, 4);
  for (int h = 0; h < 4; ++h) {
    const Matrix q = trace.x_query * p.w_q.middleCols(h * 4, 4);
    const Matrix v = trace.x_key * p.w_v.middleCols(h * 4, 4);
    EXPECT_MATRIX_NEAR(trace.head[h].q, q, 1e-5);
    EXPECT_MATRIX_NEAR(trace.head[h].v, v, 1e-5);
    EXPECT_MATRIX_NEAR(trace.concat.middleCols(h * 4, 4), trace.head[h].output, 0.0);
  }
  EXPECT_MATRIX_NEAR(trace.output, Matrix(trace.concat * p.w_o), 1e-5);
}

TEST(ToyModel, CausalLeavesExactZerosAboveTheDiagonal) {
  Scenario s = scenario_of("one two three four five six", Mode::MultiHead, 2, 16);
  s.config.mask.kind = MaskKind::Causal;
  const testing::ToyRun trace = run_ok(s);
  for (const HeadDetail& head : trace.head) {
    for (int i = 0; i < 6; ++i) {
      for (int j = i + 1; j < 6; ++j) EXPECT_EQ(head.weights(i, j), 0.0f) << i << "," << j;
      EXPECT_GT(head.weights(i, i), 0.0f);
    }
    EXPECT_EQ(head.weights(0, 0), 1.0f);
  }
  expect_rows_sum_to_one_or_zero(trace);
}

TEST(ToyModel, SelfModeUsesOneHeadOverTheSource) {
  const testing::ToyRun trace = run_ok(scenario_of("我爱自然语言处理", Mode::Self, 8, 64));
  EXPECT_EQ(trace.heads, 1);
  EXPECT_EQ(trace.d_k, 64);
  ASSERT_EQ(trace.head.size(), 1u);
  EXPECT_EQ(trace.head[0].weights.rows(), 8);
  EXPECT_EQ(trace.head[0].weights.cols(), 8);
}

TEST(ToyModel, CrossHasTargetRowsAndUsesTheSourceForKeysAndValues) {
  Scenario s = scenario_of("我爱你", Mode::Cross, 2, 16);
  s.target = "I love you so much";
  const testing::ToyRun trace = run_ok(s);
  ASSERT_EQ(trace.n_q(), 5);
  ASSERT_EQ(trace.n_k(), 3);
  EXPECT_EQ(trace.query_tokens[1].text, "love");
  EXPECT_EQ(trace.key_tokens[1].text, "爱");
  const Matrix x_source = embed_tokens(trace.key_tokens, 0, 16, true);
  const Matrix x_target = embed_tokens(trace.query_tokens, 0, 16, true);
  EXPECT_MATRIX_NEAR(trace.x_key, x_source, 0.0);
  EXPECT_MATRIX_NEAR(trace.x_query, x_target, 0.0);
  for (int h = 0; h < 2; ++h) {
    EXPECT_EQ(trace.head[h].weights.rows(), 5);
    EXPECT_EQ(trace.head[h].weights.cols(), 3);
    EXPECT_MATRIX_NEAR(trace.head[h].k,
                       Matrix(x_source * trace.parameters->w_k.middleCols(h * 8, 8)), 1e-5);
    EXPECT_MATRIX_NEAR(trace.head[h].v,
                       Matrix(x_source * trace.parameters->w_v.middleCols(h * 8, 8)), 1e-5);
  }
  EXPECT_EQ(trace.output.rows(), 5);
  EXPECT_EQ(trace.output.cols(), 16);

  // Another target changes the queries, never the keys or values.
  Scenario other = s;
  other.target = "Je t'aime";
  const testing::ToyRun other_trace = run_ok(other);
  EXPECT_MATRIX_NEAR(other_trace.head[0].k, trace.head[0].k, 0.0);
  EXPECT_MATRIX_NEAR(other_trace.head[0].v, trace.head[0].v, 0.0);
}

TEST(ToyModel, WithoutPositionsSelfAttentionIsPermutationEquivariant) {
  // "d a c b" is "a b c d" permuted: new position p holds old token perm[p].
  const int perm[4] = {3, 0, 2, 1};
  for (bool positions : {false, true}) {
    Scenario original = scenario_of("a b c d", Mode::MultiHead, 2, 16);
    Scenario permuted = scenario_of("d a c b", Mode::MultiHead, 2, 16);
    original.config.positions = permuted.config.positions = positions;
    const testing::ToyRun a = run_ok(original);
    const testing::ToyRun b = run_ok(permuted);
    float largest_difference = 0.0f;
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
          largest_difference =
              std::max(largest_difference,
                       std::abs(b.head[h].weights(i, j) - a.head[h].weights(perm[i], perm[j])));
    if (positions) {
      EXPECT_GT(largest_difference, 1e-3f) << "positions should break the symmetry";
    } else {
      EXPECT_LT(largest_difference, 1e-6f);
    }
  }
}

TEST(ToyModel, SameInputSameNumbersAndTheSeedMatters) {
  const Scenario s = scenario_of("The cat sat on the mat", Mode::MultiHead, 4, 32);
  const testing::ToyRun a = run_ok(s);
  const testing::ToyRun b =
      testing::flatten(std::make_shared<ToyModel>()->run(s).value());  // a fresh model
  for (int h = 0; h < 4; ++h) EXPECT_EQ(a.head[h].weights, b.head[h].weights);
  Scenario other_seed = s;
  other_seed.config.seed = 1;
  EXPECT_NE(run_ok(other_seed).head[0].weights, a.head[0].weights);
}

TEST(ToyModel, ParametersAreCachedAndSharedBetweenRuns) {
  auto model = std::make_shared<ToyModel>();
  const Scenario s = scenario_of("a b", Mode::MultiHead, 4, 32);
  const testing::ToyRun a = testing::flatten(model->run(s).value());
  const testing::ToyRun b = testing::flatten(model->run(s).value());
  EXPECT_EQ(a.parameters.get(), b.parameters.get());
  EXPECT_EQ(a.parameters->w_q.rows(), 32);
  EXPECT_TRUE(a.parameters->score.empty());
}

TEST(ToyModel, AFullyMaskedRowGivesZerosNotNaN) {
  Scenario s = scenario_of("a b c", Mode::MultiHead, 2, 8);
  s.config.mask.kind = MaskKind::Custom;
  s.config.mask.allowed = BoolMatrix::Constant(3, 3, true);
  s.config.mask.allowed.row(1).setConstant(false);
  const testing::ToyRun trace = run_ok(s);
  for (const HeadDetail& head : trace.head) {
    EXPECT_TRUE(head.weights.allFinite());
    EXPECT_EQ(head.weights.row(1).sum(), 0.0f);
    EXPECT_TRUE(head.output.row(1).isZero(0.0f));
  }
  EXPECT_TRUE(trace.output.allFinite());
}

TEST(ToyModel, ScaledInputsStayFinite) {
  // Dot scores without scaling on a wide model reach the hundreds; nothing overflows.
  Scenario s = scenario_of("a b c d e f g h", Mode::MultiHead, 1, 1024);
  s.config.score = ScoreFunction::Dot;
  s.config.temperature = 1e-3f;
  const testing::ToyRun trace = run_ok(s);
  EXPECT_TRUE(trace.head[0].weights.allFinite());
  expect_rows_sum_to_one_or_zero(trace);
}

}  // namespace
}  // namespace attn

namespace attn {
namespace {

TEST(TraceMemory, IsTwoHNqNkFloats) {
  Scenario s;
  s.source = "one two three four five six seven";  // n_k = 7
  s.target = "un deux trois";                      // n_q = 3
  s.config.mode = Mode::Cross;
  s.config.heads = 4;
  s.config.d_model = 32;
  const Trace trace = ToyModel().run(s).value();
  const std::size_t h = 4, n_q = 3, n_k = 7;
  EXPECT_EQ(floats_held(trace), 2 * h * n_q * n_k);  // X, Q, K, V come from explain_block
  EXPECT_EQ(trace.made_by, nullptr);  // not owned by a shared_ptr: it cannot explain itself
  EXPECT_FALSE(explain_block(trace, 0).ok());
}

}  // namespace
}  // namespace attn
