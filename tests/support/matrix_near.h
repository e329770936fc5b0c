#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "attn/matrix.h"

namespace attn::testing {

/// Passes when a and b have the same shape and every |a − b| ≤ tolerance · max(1, |b|);
/// otherwise names the first entry that differs.
template <class A, class B>
::testing::AssertionResult matrices_near(const A& a, const B& b, double tolerance) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    return ::testing::AssertionFailure()
           << "shape " << a.rows() << "×" << a.cols() << " vs " << b.rows() << "×" << b.cols();
  }
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      const double x = a(i, j), y = b(i, j);
      if (std::isinf(x) && std::isinf(y) && (x > 0) == (y > 0)) continue;
      if (!(std::abs(x - y) <= tolerance * std::max(1.0, std::abs(y)))) {
        return ::testing::AssertionFailure() << "entry (" << i << ", " << j << "): " << x << " vs "
                                             << y << " (tolerance " << tolerance << ")";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace attn::testing

#define EXPECT_MATRIX_NEAR(a, b, tol) EXPECT_TRUE(::attn::testing::matrices_near((a), (b), (tol)))
