// linear_in_out against a naive double-precision loop, on both sides of the few-rows path
// (up to 8 rows stream the weight in two halves; more go through Eigen's GEMM), with and
// without a bias, with weights whose row count is not a multiple of the eight rows streamed
// per pass, and with a weight large enough for the halves to run on two threads; linear_out_in
// (x·Wᵀ, whose few rows are one dot product an output) the same way.
#include <gtest/gtest.h>

#include <omp.h>

#include <random>

#include "attn/attention/transformer_ops.h"
#include "matrix_near.h"

namespace attn {
namespace {

using testing::matrices_near;

Matrix random_matrix(int rows, int cols, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Matrix m(rows, cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) m(r, c) = normal(rng);
  }
  return m;
}

// x: n × in, w: in × out, b: 1 × out or empty; out(r, j) = Σ_i x(r, i) w(i, j) + b(j) in double.
Eigen::MatrixXd naive_product(const Matrix& x, const Matrix& w, const RowVector& b) {
  Eigen::MatrixXd out(x.rows(), w.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      double sum = b.size() > 0 ? double(b(j)) : 0.0;
      for (Eigen::Index i = 0; i < x.cols(); ++i) sum += double(x(r, i)) * double(w(i, j));
      out(r, j) = sum;
    }
  }
  return out;
}

TEST(LinearInOut, MatchesNaiveLoopForFewAndManyRows) {
  std::mt19937 rng(20261202);
  for (int in : {1, 3, 4, 37, 64}) {
    const Matrix w = random_matrix(in, 29, rng);
    const RowVector b = random_matrix(1, 29, rng);
    for (int n : {1, 3, 8, 9, 20}) {
      const Matrix x = random_matrix(n, in, rng);
      EXPECT_TRUE(matrices_near(linear_in_out(x, w, b), naive_product(x, w, b), 1e-4))
          << "in " << in << ", rows " << n;
      EXPECT_TRUE(
          matrices_near(linear_in_out(x, w, RowVector()), naive_product(x, w, RowVector()), 1e-4))
          << "in " << in << ", rows " << n << ", no bias";
    }
  }
}

TEST(LinearInOut, HandComputedTwoRows) {
  Matrix x(2, 2);
  x << 1, 2, 3, 4;
  Matrix w(2, 3);
  w << 1, 0, -1, 0.5, 2, 1;
  RowVector b(3);
  b << 10, 20, 30;
  Matrix expected(2, 3);
  expected << 12, 24, 31, 15, 28, 31;
  EXPECT_TRUE(linear_in_out(x, w, b).isApprox(expected)) << linear_in_out(x, w, b);
}

TEST(LinearInOut, FewRowsOfABlockEqualTheGemmRows) {
  // Typing at the end computes a few rows alone; they must agree with the same rows computed
  // in a long run (GEMM), to float rounding.
  std::mt19937 rng(7);
  const Matrix w = random_matrix(768, 96, rng);
  const RowVector b = random_matrix(1, 96, rng);
  const Matrix x = random_matrix(40, 768, rng);
  const Matrix all = linear_in_out(x, w, b);
  const Matrix last = linear_in_out(x.bottomRows(3), w, b);
  EXPECT_TRUE(matrices_near(last, all.bottomRows(3), 1e-4));
}

TEST(LinearInOut, ALargeWeightOnTwoThreadsMatchesTheLoopAndOneThreadExactly) {
  // 523 × 515 floats is past the size at which the two halves of w run on their own threads;
  // the halves are fixed, so one thread gives the same bits.
  std::mt19937 rng(11);
  const Matrix w = random_matrix(523, 515, rng);
  const RowVector b = random_matrix(1, 515, rng);
  const Matrix x = random_matrix(3, 523, rng);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  const Matrix two = linear_in_out(x, w, b);
  omp_set_num_threads(1);
  const Matrix one = linear_in_out(x, w, b);
  omp_set_num_threads(threads);
  EXPECT_TRUE(matrices_near(two, naive_product(x, w, b), 1e-3));
  EXPECT_EQ(one, two);
}

TEST(LinearOutIn, MatchesNaiveLoopForFewAndManyRowsAndOnTwoThreads) {
  std::mt19937 rng(20261208);
  for (int out : {1, 3, 29, 600}) {
    for (int in : {1, 37, 520}) {  // 600 × 520: the outputs' halves on two threads
      const Matrix w = random_matrix(out, in, rng);
      const Matrix w_in_out = w.transpose();
      const RowVector b = random_matrix(1, out, rng);
      for (int n : {1, 3, 8, 9}) {
        const Matrix x = random_matrix(n, in, rng);
        const Matrix got = linear_out_in(x, w, b);
        EXPECT_TRUE(matrices_near(got, naive_product(x, w_in_out, b), 1e-3))
            << "out " << out << ", in " << in << ", rows " << n;
        EXPECT_TRUE(matrices_near(linear_out_in(x, w, RowVector()),
                                  naive_product(x, w_in_out, RowVector()), 1e-3))
            << "out " << out << ", in " << in << ", rows " << n << ", no bias";
      }
    }
  }
  const Matrix w = random_matrix(600, 520, rng);
  const Matrix x = random_matrix(3, 520, rng);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(2);
  const Matrix two = linear_out_in(x, w, RowVector());
  omp_set_num_threads(1);
  const Matrix one = linear_out_in(x, w, RowVector());
  omp_set_num_threads(threads);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace attn
