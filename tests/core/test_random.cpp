#include <gtest/gtest.h>

#include <cmath>

#include "attn/random.h"

namespace attn {
namespace {

TEST(SplitMix64, MatchesThePublishedReferenceSequence) {
  // First outputs of Vigna's reference splitmix64.c for seed 0.
  SplitMix64 g(0);
  EXPECT_EQ(g.next(), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(g.next(), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(g.next(), 0x06C45D188009454FULL);
}

TEST(SplitMix64, UnitValuesAreInTheHalfOpenInterval) {
  SplitMix64 g(42);
  for (int i = 0; i < 10000; ++i) {
    const double u = g.next_unit();
    ASSERT_GT(u, 0.0);
    ASSERT_LE(u, 1.0);
  }
}

TEST(NormalGenerator, HasMeanZeroAndVarianceOne) {
  NormalGenerator g(7);
  const int n = 200000;
  double sum = 0.0, sum_squares = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = g.next();
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sum_squares += z * z;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.01);  // 4.5 standard errors
  EXPECT_NEAR(sum_squares / n - mean * mean, 1.0, 0.02);
}

TEST(NormalGenerator, SameSeedSameNumbers) {
  NormalGenerator a(3), b(3), c(4);
  for (int i = 0; i < 100; ++i) {
    const double x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

TEST(Fnv1a64, MatchesKnownValues) {
  EXPECT_EQ(fnv1a64(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xAF63DC4C8601EC8CULL);
}

TEST(StreamSeed, DependsOnSeedAndLabel) {
  EXPECT_NE(stream_seed(0, "token:cat"), stream_seed(1, "token:cat"));
  EXPECT_NE(stream_seed(0, "token:cat"), stream_seed(0, "token:Cat"));
  EXPECT_EQ(stream_seed(5, "W_Q"), stream_seed(5, "W_Q"));
}

}  // namespace
}  // namespace attn
