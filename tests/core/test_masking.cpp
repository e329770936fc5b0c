#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>

#include "attn/attention/head_attention.h"
#include "attn/attention/masking.h"
#include "matrix_near.h"

namespace attn {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(Softmax, HandComputedRow) {
  Matrix s(1, 3);
  s << 0, std::log(2.0f), std::log(3.0f);
  Matrix expected(1, 3);
  expected << 1.0f / 6, 2.0f / 6, 3.0f / 6;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 1e-6);
}

TEST(Softmax, HugeLogitsGiveNoInfOrNaN) {
  Matrix s(2, 3);
  s << 1e4f, -1e4f, 0,  //
      -1e4f, -1e4f, -1e4f;
  const Matrix w = softmax_rows(s);
  ASSERT_TRUE(w.allFinite());
  Matrix expected(2, 3);
  expected << 1, 0, 0,  //
      1.0f / 3, 1.0f / 3, 1.0f / 3;
  EXPECT_MATRIX_NEAR(w, expected, 1e-6);
}

// A tiny temperature can overflow scores to +∞: softmax's limit, not ∞ − ∞ = NaN.
TEST(Softmax, InfiniteScoresShareTheRowNotNaN) {
  Matrix s(2, 3);
  s << kInf, 0, kInf,  //
      kInf, -kInf, 5;
  Matrix expected(2, 3);
  expected << 0.5, 0, 0.5,  //
      1, 0, 0;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 0.0);
}

TEST(Softmax, FullyHiddenRowIsZerosNotNaN) {
  Matrix s(2, 2);
  s << -kInf, -kInf,  //
      0, -kInf;
  Matrix expected(2, 2);
  expected << 0, 0,  //
      1, 0;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 0.0);
}

TEST(Mask, CausalHidesLaterKeys) {
  Matrix s = Matrix::Zero(3, 3);
  apply_mask(s, MaskSpec{MaskKind::Causal, {}, {}});
  const Matrix w = softmax_rows(s);
  Matrix expected(3, 3);
  expected << 1, 0, 0,  //
      0.5, 0.5, 0,      //
      1.0f / 3, 1.0f / 3, 1.0f / 3;
  EXPECT_MATRIX_NEAR(w, expected, 1e-6);
  EXPECT_EQ(s(0, 1), -kInf);
  EXPECT_EQ(s(1, 2), -kInf);
}

TEST(Mask, CausalOnARectangleUsesPositions) {
  Matrix s = Matrix::Zero(2, 3);  // e.g. cross attention, 2 queries × 3 keys
  apply_mask(s, MaskSpec{MaskKind::Causal, {}, {}});
  Matrix expected(2, 3);
  expected << 1, 0, 0,  //
      0.5, 0.5, 0;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 1e-6);
}

TEST(Mask, PaddingHidesChosenKeysFromEveryQuery) {
  Matrix s = Matrix::Zero(2, 3);
  apply_mask(s, MaskSpec{MaskKind::Padding, {1}, {}});
  Matrix expected(2, 3);
  expected << 0.5, 0, 0.5,  //
      0.5, 0, 0.5;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 1e-6);
}

TEST(Mask, CustomBooleanMaskAndAFullyHiddenRow) {
  MaskSpec mask{MaskKind::Custom, {}, BoolMatrix(2, 2)};
  mask.allowed << false, false,  //
      true, false;
  Matrix s(2, 2);
  s << 5, 6,  //
      7, 8;
  apply_mask(s, mask);
  Matrix expected(2, 2);
  expected << 0, 0,  //
      1, 0;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 0.0);
}

TEST(Mask, ShapeChecks) {
  EXPECT_EQ(check_mask(MaskSpec{}, 3, 3), "");
  EXPECT_EQ(check_mask(MaskSpec{MaskKind::Padding, {3}, {}}, 3, 3),
            "padding position 4 is outside the 3 key tokens (positions 1 to 3)");
  EXPECT_EQ(check_mask(MaskSpec{MaskKind::Custom, {}, BoolMatrix(2, 3)}, 3, 3),
            "the mask is 2 × 3 but the attention is 3 queries × 3 keys");
}

// One head worked through by hand: scores [0, ln 2, ln 3] give weights [1/6, 2/6, 3/6].
class HandComputedHead : public ::testing::Test {
 protected:
  HandComputedHead() : q(1, 2), k(3, 2), v(3, 2) {
    q << 1, 0;
    k << 0, 0,  //
        std::log(2.0f), 0, std::log(3.0f), 0;
    v << 1, 0,  //
        0, 1,   //
        1, 1;
  }
  Matrix q, k, v;
  ScoreParameters none;
};

TEST_F(HandComputedHead, WeightsAndOutput) {
  HeadSettings settings;
  settings.score = ScoreFunction::Dot;
  const HeadDetail head = attend_head(q, k, v, none, settings);
  Matrix weights(1, 3), output(1, 2);
  weights << 1.0f / 6, 2.0f / 6, 3.0f / 6;
  output << 4.0f / 6, 5.0f / 6;  // [1/6 + 3/6, 2/6 + 3/6]
  EXPECT_MATRIX_NEAR(head.weights, weights, 1e-6);
  EXPECT_MATRIX_NEAR(head.output, output, 1e-6);
}

TEST_F(HandComputedHead, TemperatureDividesTheScores) {
  HeadSettings settings;
  settings.score = ScoreFunction::Dot;
  settings.temperature = 2.0f;
  const HeadDetail head = attend_head(q, k, v, none, settings);
  // scores [0, ln2/2, ln3/2] → weights ∝ [1, √2, √3]
  const float total = 1.0f + std::sqrt(2.0f) + std::sqrt(3.0f);
  Matrix scores(1, 3), weights(1, 3);
  scores << 0, std::log(2.0f) / 2, std::log(3.0f) / 2;
  weights << 1 / total, std::sqrt(2.0f) / total, std::sqrt(3.0f) / total;
  EXPECT_MATRIX_NEAR(head.scores, scores, 1e-6);
  EXPECT_MATRIX_NEAR(head.weights, weights, 1e-6);
}

TEST_F(HandComputedHead, PaddingMaskRenormalisesTheRest) {
  HeadSettings settings;
  settings.score = ScoreFunction::Dot;
  const MaskSpec mask{MaskKind::Padding, {2}, {}};
  settings.mask = &mask;
  const HeadDetail head = attend_head(q, k, v, none, settings);
  Matrix weights(1, 3);
  weights << 1.0f / 3, 2.0f / 3, 0;
  EXPECT_MATRIX_NEAR(head.weights, weights, 1e-6);
  EXPECT_EQ(head.scores(0, 2), -kInf);
}

TEST(HeadAttention, LogitsOfPlusMinusTenThousandStayFinite) {
  Matrix q(1, 1), k(2, 1), v(2, 1);
  q << 100;
  k << 100, -100;  // dot scores +1e4 and −1e4
  v << 3, 7;
  HeadSettings settings;
  settings.score = ScoreFunction::Dot;
  const HeadDetail head = attend_head(q, k, v, ScoreParameters{}, settings);
  ASSERT_TRUE(head.weights.allFinite());
  ASSERT_TRUE(head.output.allFinite());
  EXPECT_FLOAT_EQ(head.weights(0, 0), 1.0f);
  EXPECT_FLOAT_EQ(head.weights(0, 1), 0.0f);
  EXPECT_FLOAT_EQ(head.output(0, 0), 3.0f);
}

// The decoders' banded path against the plain one with a causal mask: a full run (offset 0)
// and the rows typed after an earlier run (offset 37), longer than one band of 32 rows; and
// three rows alone, as typing at the end computes them.
TEST(CausalHead, EqualsAttendHeadWithACausalMask) {
  for (const auto [offset, m] :
       {std::pair{0, 70}, std::pair{37, 70}, std::pair{0, 3}, std::pair{500, 3}}) {
    const int n = offset + m;
    const int d = 8;
    const Matrix q = Matrix::Random(m, d) * 3.0f;
    const Matrix k = Matrix::Random(n, d) * 3.0f;
    const Matrix v = Matrix::Random(n, d);
    MaskSpec mask;
    mask.kind = MaskKind::Causal;
    HeadSettings settings;
    settings.mask = &mask;
    settings.causal_offset = offset;
    const HeadDetail want = attend_head(q, k, v, ScoreParameters{}, settings);
    const HeadDetail got = attend_causal_head(q, k, v, offset, /*keep_all=*/true);
    EXPECT_LT((got.weights - want.weights).cwiseAbs().maxCoeff(), 1e-6f) << offset << " " << m;
    EXPECT_LT((got.output - want.output).cwiseAbs().maxCoeff(), 1e-5f) << offset << " " << m;
    for (int i = 0; i < m; ++i) {
      EXPECT_NEAR(got.weights.row(i).sum(), 1.0f, 1e-5f);
      for (int j = 0; j < n; ++j) {
        if (j > offset + i) {
          EXPECT_EQ(got.weights(i, j), 0.0f);  // causal zeros, exactly
          EXPECT_EQ(got.scores(i, j), -std::numeric_limits<float>::infinity());
        } else {
          EXPECT_NEAR(got.scores(i, j), want.scores(i, j), 1e-5f);
        }
      }
    }
    EXPECT_EQ(got.q, q);
    EXPECT_EQ(got.v, v);
    // Without keep_all only weights and output are made.
    const HeadDetail lean = attend_causal_head(q, k, v, offset, false);
    EXPECT_EQ(lean.weights, got.weights);
    EXPECT_EQ(lean.scores.size(), 0);
  }
}

// The window's clicked mask outlives edits: positions and cells beyond the text are left out.
TEST(Mask, FitToInputLeavesOutWhatLiesBeyondTheText) {
  MaskSpec padding{MaskKind::Padding, {1, 7}, {}};
  EXPECT_NE(check_mask(padding, 2, 3), "");
  padding.fit_to_input = true;
  EXPECT_EQ(check_mask(padding, 2, 3), "");
  Matrix s = Matrix::Zero(2, 3);
  apply_mask(s, padding);
  Matrix expected(2, 3);
  expected << 0.5, 0, 0.5,  //
      0.5, 0, 0.5;
  EXPECT_MATRIX_NEAR(softmax_rows(s), expected, 1e-6);

  MaskSpec custom{MaskKind::Custom, {}, BoolMatrix::Constant(4, 2, true)};
  custom.allowed(0, 1) = false;  // inside the 2 × 3 scores
  custom.allowed(3, 0) = false;  // beyond its rows: left out
  custom.fit_to_input = true;
  EXPECT_EQ(check_mask(custom, 2, 3), "");
  BoolMatrix visible = visible_cells(custom, 2, 3);
  BoolMatrix want(2, 3);
  want << true, false, true,  // column 2 lies beyond the mask: visible
      true, true, true;
  EXPECT_EQ(visible, want);
}

TEST(Mask, VisibleCellsOfEachKind) {
  BoolMatrix causal(2, 3);
  causal << true, false, false,  //
      true, true, false;
  EXPECT_EQ(visible_cells(MaskSpec{MaskKind::Causal, {}, {}}, 2, 3), causal);
  EXPECT_TRUE(visible_cells(MaskSpec{}, 2, 2).all());
  BoolMatrix padding(1, 3);
  padding << false, true, false;
  EXPECT_EQ(visible_cells(MaskSpec{MaskKind::Padding, {2, 0}, {}}, 1, 3), padding);
  EXPECT_EQ(hidden_key_positions(MaskSpec{MaskKind::Padding, {4, 2, 0, 2}, {}}, 3),
            (std::vector<int>{0, 2}));
}

TEST(Mask, KeyPositionsAreWrittenOneBased) {
  Expected<std::vector<int>> positions = parse_key_positions("2, 5");
  ASSERT_TRUE(positions) << positions.error().message;
  EXPECT_EQ(*positions, (std::vector<int>{1, 4}));
  for (const char* bad : {"", "0", "2,,5", "x", "-1", "2.5", "1000001"}) {
    Expected<std::vector<int>> refused = parse_key_positions(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().field, InputField::Mask);
    EXPECT_NE(refused.error().message.find("padding position"), std::string::npos) << bad;
  }
}

TEST(Mask, RowsOfZerosAndOnes) {
  Expected<MaskSpec> mask = parse_mask_rows("# 2 queries x 3 keys\n1 0 1\r\n\n0,1,1\n");
  ASSERT_TRUE(mask) << mask.error().message;
  EXPECT_EQ(mask->kind, MaskKind::Custom);
  EXPECT_FALSE(mask->fit_to_input);
  BoolMatrix want(2, 3);
  want << true, false, true,  //
      false, true, true;
  EXPECT_EQ(mask->allowed, want);

  EXPECT_EQ(parse_mask_rows("1 0\n1\n").error().message, "mask line 2 has 1 entries, the first 2");
  EXPECT_EQ(parse_mask_rows("1 2\n").error().message,
            "mask line 1 holds \"2\": write 1 (visible) or 0 (hidden) per key");
  EXPECT_EQ(parse_mask_rows("# nothing\n\n").error().message, "the mask holds no rows of 0 and 1");
  EXPECT_EQ(parse_mask_rows(",,\n").error().message, "mask line 1 holds no 0 or 1");
}

}  // namespace
}  // namespace attn
