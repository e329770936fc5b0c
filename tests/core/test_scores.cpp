#include <gtest/gtest.h>

#include <cmath>

#include "attn/attention/scores.h"
#include "matrix_near.h"

namespace attn {
namespace {

// Two queries and three keys with d_k = 2, small enough to work out by hand.
class HandComputedScores : public ::testing::Test {
 protected:
  HandComputedScores() : q(2, 2), k(3, 2) {
    q << 1, 0,  //
        0, 1;
    k << 1, 0,  //
        1, 1,   //
        0, 2;
  }
  Matrix q, k;
  ScoreParameters none;
};

TEST_F(HandComputedScores, Dot) {
  Matrix expected(2, 3);
  expected << 1, 1, 0,  //
      0, 1, 2;
  EXPECT_MATRIX_NEAR(compute_scores(ScoreFunction::Dot, q, k, none), expected, 1e-6);
}

TEST_F(HandComputedScores, ScaledDotDividesBySqrtDk) {
  const float r = 1.0f / std::sqrt(2.0f);  // 0.70711
  Matrix expected(2, 3);
  expected << r, r, 0,  //
      0, r, 2 * r;
  EXPECT_MATRIX_NEAR(compute_scores(ScoreFunction::ScaledDot, q, k, none), expected, 1e-6);
}

TEST_F(HandComputedScores, CosineIgnoresLength) {
  const float r = 1.0f / std::sqrt(2.0f);
  Matrix expected(2, 3);
  expected << 1, r, 0,  //
      0, r, 1;
  EXPECT_MATRIX_NEAR(compute_scores(ScoreFunction::Cosine, q, k, none), expected, 1e-6);
}

TEST_F(HandComputedScores, CosineOfAZeroVectorIsZeroNotNaN) {
  Matrix zero_q = Matrix::Zero(1, 2);
  const Matrix s = compute_scores(ScoreFunction::Cosine, zero_q, k, none);
  EXPECT_MATRIX_NEAR(s, Matrix::Zero(1, 3), 0.0);
}

TEST_F(HandComputedScores, GeneralUsesQTimesWTimesKTransposed) {
  ScoreParameters p;
  p.w.resize(2, 2);
  p.w << 1, 2,  //
      0, 1;
  // q0·W = [1 2] → [1, 3, 4];  q1·W = [0 1] → [0, 1, 2].
  Matrix expected(2, 3);
  expected << 1, 3, 4,  //
      0, 1, 2;
  EXPECT_MATRIX_NEAR(compute_scores(ScoreFunction::General, q, k, p), expected, 1e-6);
}

TEST_F(HandComputedScores, AdditiveIsVTimesTanhOfTheSum) {
  ScoreParameters p;
  p.w1 = Matrix::Identity(2, 2);
  p.w2 = Matrix::Identity(2, 2);
  p.v.resize(2);
  p.v << 1, -1;
  // s_ij = tanh(q_i + k_j) · [1, −1]
  const double t1 = std::tanh(1.0), t2 = std::tanh(2.0), t3 = std::tanh(3.0);
  Matrix expected(2, 3);
  expected << float(t2), float(t2 - t1), float(t1 - t2),  //
      0, float(t1 - t2), float(-t3);
  EXPECT_MATRIX_NEAR(compute_scores(ScoreFunction::Additive, q, k, p), expected, 1e-6);
}

TEST_F(HandComputedScores, ShapeIsQueriesByKeys) {
  for (ScoreFunction f : {ScoreFunction::Dot, ScoreFunction::ScaledDot, ScoreFunction::Cosine}) {
    const Matrix s = compute_scores(f, q, k, none);
    EXPECT_EQ(s.rows(), 2);
    EXPECT_EQ(s.cols(), 3);
  }
}

}  // namespace
}  // namespace attn
