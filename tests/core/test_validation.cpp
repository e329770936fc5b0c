#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "attn/models/toy_model.h"
#include "attn/validation.h"

namespace attn {
namespace {

Scenario valid_scenario() {
  Scenario s;
  s.source = "The cat sat";
  s.target = "Le chat";
  return s;
}

/// "a a a … a": n one-letter tokens.
std::string repeated_words(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += "a ";
  return text;
}

Error error_of(const Scenario& s) {
  const Expected<Trace> trace = ToyModel().run(s);
  EXPECT_FALSE(trace.ok());
  return trace.ok() ? Error{} : trace.error();
}

/// The run is refused with exactly this field and message.
void expect_refused(const Scenario& s, InputField field, const std::string& message) {
  const Error e = error_of(s);
  EXPECT_EQ(e.field, field);
  EXPECT_EQ(e.message, message);
}

TEST(Validation, ValidScenarioRuns) { EXPECT_TRUE(ToyModel().run(valid_scenario()).ok()); }

TEST(Validation, EmptySource) {
  Scenario s = valid_scenario();
  s.source = "";
  expect_refused(s, InputField::Source, "Source text is empty: type at least one word");
}

TEST(Validation, WhiteSpaceOnlySourceIsEmpty) {
  Scenario s = valid_scenario();
  s.source = "  \n\t ";
  EXPECT_EQ(error_of(s).field, InputField::Source);
}

TEST(Validation, EmptyTargetInCrossMode) {
  Scenario s = valid_scenario();
  s.config.mode = Mode::Cross;
  s.target = "";
  expect_refused(s, InputField::Target, "Target text is empty: type at least one word");
}

TEST(Validation, EmptyTargetIsFineOutsideCrossMode) {
  Scenario s = valid_scenario();
  s.target = "";
  EXPECT_TRUE(ToyModel().run(s).ok());
}

TEST(Validation, InvalidUtf8NamesTheTextAndTheByte) {
  Scenario s = valid_scenario();
  s.source = "caf\xC3";
  expect_refused(s, InputField::Source,
                 "Source text: invalid UTF-8 at byte 3 (0xC3: sequence cut off at the end)");
}

TEST(Validation, HeadsThatDoNotDivideDModel) {
  Scenario s = valid_scenario();
  s.config.d_model = 100;
  s.config.heads = 8;
  expect_refused(
      s, InputField::Heads,
      "8 heads do not divide d_model = 100; head counts that do: 1, 2, 4, 5, 10, 20, 25, "
      "50");
}

TEST(Validation, ZeroHeads) {
  Scenario s = valid_scenario();
  s.config.heads = 0;
  expect_refused(s, InputField::Heads, "the number of heads must be between 1 and 64, not 0");
}

TEST(Validation, MoreThan64Heads) {
  Scenario s = valid_scenario();
  s.config.heads = 128;
  s.config.d_model = 256;
  expect_refused(s, InputField::Heads, "the number of heads must be between 1 and 64, not 128");
}

TEST(Validation, DModelZero) {
  Scenario s = valid_scenario();
  s.config.d_model = 0;
  expect_refused(s, InputField::DModel, "d_model must be between 1 and 4096, not 0");
}

TEST(Validation, DModelTooLarge) {
  Scenario s = valid_scenario();
  s.config.d_model = 4097;
  s.config.heads = 1;
  expect_refused(s, InputField::DModel, "d_model must be between 1 and 4096, not 4097");
}

TEST(Validation, MoreThan4096Tokens) {
  Scenario s = valid_scenario();
  s.source = repeated_words(4097);
  expect_refused(s, InputField::Source, "Source text has 4097 tokens; at most 4096 are allowed");
}

TEST(Validation, Exactly4096TokensIsAllowed) {
  Scenario s = valid_scenario();
  s.source = repeated_words(4096);
  s.config.d_model = 8;
  s.config.heads = 1;
  EXPECT_TRUE(ToyModel().run(s).ok());
}

constexpr const char* kTemperatureCaseNames[] = {"Zero", "Negative", "NaN", "Infinite"};

TEST(Validation, TooMuchMemoryForScoresAndWeights) {
  Scenario s = valid_scenario();
  s.source = repeated_words(4096);
  s.config.heads = 64;  // 2 · 64 · 4096² floats = 8.6 GB
  s.config.d_model = 64;
  expect_refused(s, InputField::Source,
                 "4096 × 4096 tokens with 64 heads would need 8.6 GB for scores and weights (at "
                 "most 2.1 GB): use fewer tokens or fewer heads");
}

class BadTemperature : public ::testing::TestWithParam<float> {};

TEST_P(BadTemperature, IsRefused) {
  Scenario s = valid_scenario();
  s.config.temperature = GetParam();
  const Error e = error_of(s);
  EXPECT_EQ(e.field, InputField::Temperature);
  EXPECT_EQ(e.message.rfind("the temperature must be a finite number greater than 0, not ", 0), 0u)
      << e.message;
}

INSTANTIATE_TEST_SUITE_P(ZeroNegativeNaNInfinite, BadTemperature,
                         ::testing::Values(0.0f, -1.0f, std::numeric_limits<float>::quiet_NaN(),
                                           std::numeric_limits<float>::infinity()),
                         [](const ::testing::TestParamInfo<float>& param_info) {
                           return std::string(kTemperatureCaseNames[param_info.index]);
                         });

// What a user types is checked as it will be stored: as a float.
TEST(Validation, TemperatureInRangeIsCheckedAsAFloat) {
  for (double t : {1.0, 0.5, 1e-30, 1e30, kMinTemperature, kMaxTemperature})
    EXPECT_TRUE(temperature_in_range(t)) << t;
  for (double t : {0.0, -1.0, 1e-46, 5e-324, 1e-40, 1e39, 1e308,
                   std::numeric_limits<double>::infinity(), std::nan("")})
    EXPECT_FALSE(temperature_in_range(t)) << t;
}

TEST(Validation, ARefusedTemperatureIsShownAsItIsNotAsZeroPointSixZeros) {
  Scenario s = valid_scenario();
  s.config.temperature = 0.0f;
  EXPECT_EQ(error_of(s).message, "the temperature must be a finite number greater than 0, not 0");
  s.config.temperature = std::numeric_limits<float>::infinity();
  EXPECT_EQ(error_of(s).message, "the temperature must be a finite number greater than 0, not inf");
}

// The smallest temperature allowed overflows the scores to ∞; the weights stay finite.
TEST(Validation, TheSmallestTemperatureGivesFiniteWeights) {
  Scenario s = valid_scenario();
  s.config.temperature = float(kMinTemperature);
  const Expected<Trace> trace = ToyModel().run(s);
  ASSERT_TRUE(trace.ok());
  for (const HeadWeights& head : trace->blocks.at(0).head) {
    EXPECT_TRUE(head.weights.allFinite());
    for (Eigen::Index r = 0; r < head.weights.rows(); ++r) {
      const float sum = head.weights.row(r).sum();  // 0 when every score fell to −∞
      EXPECT_TRUE(std::abs(sum - 1.0f) < 1e-6f || sum == 0.0f) << sum;
    }
  }
}

TEST(Validation, CustomMaskOfTheWrongShape) {
  Scenario s = valid_scenario();  // 3 tokens
  s.config.mask.kind = MaskKind::Custom;
  s.config.mask.allowed = BoolMatrix::Constant(2, 3, true);
  expect_refused(s, InputField::Mask,
                 "Mask: the mask is 2 × 3 but the attention is 3 queries × 3 keys");
}

TEST(Validation, PaddingPositionOutOfRange) {
  Scenario s = valid_scenario();
  s.config.mask.kind = MaskKind::Padding;
  s.config.mask.hidden_keys = {-1};
  expect_refused(s, InputField::Mask,
                 "Mask: padding position 0 is outside the 3 key tokens (positions 1 to 3)");
}

TEST(Validation, SelfModeIgnoresTheHeadCount) {
  Scenario s = valid_scenario();
  s.config.mode = Mode::Self;
  s.config.heads = 7;  // would not divide 64, but Self mode uses one head
  EXPECT_TRUE(ToyModel().run(s).ok());
}

}  // namespace
}  // namespace attn
