#include <gtest/gtest.h>

#include <cmath>

#include "attn/models/embedder.h"
#include "attn/models/embedding_cache.h"
#include "matrix_near.h"

namespace attn {
namespace {

// A toy token: its text and byte span (the other members keep their defaults).
Token token(const char* text, std::size_t begin, std::size_t end) {
  Token t;
  t.text = text;
  t.begin = begin;
  t.end = end;
  return t;
}

// Pinned so that any change to the generator, the stream naming or the scaling is caught:
// these numbers are what every machine must produce for seed 0.
TEST(Embedder, GoldenValuesForCat) {
  const RowVector v = embed_token("cat", 0, 4);
  RowVector expected(4);
  expected << 0.023369588f, -1.69764662f, 0.462431848f, 0.396837622f;
  EXPECT_MATRIX_NEAR(v, expected, 1e-6);
}

TEST(Embedder, GoldenValuesForChineseCat) {
  const RowVector v = embed_token("猫", 0, 4);
  RowVector expected(4);
  expected << -0.50880307f, -1.66892195f, 0.469696075f, 1.61235893f;
  EXPECT_MATRIX_NEAR(v, expected, 1e-6);
}

TEST(Embedder, GoldenValuesWithAnotherSeed) {
  const RowVector v = embed_token("cat", 12345, 3);
  RowVector expected(3);
  expected << -0.453133672f, 0.1963633f, 0.196915776f;
  EXPECT_MATRIX_NEAR(v, expected, 1e-6);
}

TEST(Embedder, IsAPureFunctionOfTextSeedAndWidth) {
  EXPECT_EQ(embed_token("cat", 0, 64), embed_token("cat", 0, 64));
  EXPECT_NE(embed_token("cat", 0, 64), embed_token("cat", 1, 64));
  EXPECT_NE(embed_token("cat", 0, 64), embed_token("Cat", 0, 64));
  // A wider vector starts with the narrower one.
  EXPECT_EQ(embed_token("cat", 0, 64).head(16), embed_token("cat", 0, 16));
}

TEST(Embedder, SameTokenSameRowWithoutPositions) {
  const std::vector<Token> tokens{token("a", 0, 1), token("b", 2, 3), token("a", 4, 5)};
  const Matrix x = embed_tokens(tokens, 0, 8, false);
  EXPECT_EQ(x.rows(), 3);
  EXPECT_EQ(x.cols(), 8);
  EXPECT_EQ(x.row(0), x.row(2));
  EXPECT_NE(x.row(0), x.row(1));
}

TEST(Embedder, PositionsAreAddedAndDistinguishRepeats) {
  const std::vector<Token> tokens{token("a", 0, 1), token("b", 2, 3), token("a", 4, 5)};
  const Matrix plain = embed_tokens(tokens, 0, 8, false);
  const Matrix with_positions = embed_tokens(tokens, 0, 8, true);
  EXPECT_MATRIX_NEAR(with_positions - plain, positional_encoding(3, 8), 1e-6);
  EXPECT_NE(with_positions.row(0), with_positions.row(2));
}

TEST(PositionalEncoding, HandComputedValues) {
  const Matrix pe = positional_encoding(2, 4);
  // pos 0: sin 0, cos 0, sin 0, cos 0. pos 1: frequencies 1 and 10000^(-2/4) = 0.01.
  Matrix expected(2, 4);
  expected << 0, 1, 0, 1,  //
      std::sin(1.0f), std::cos(1.0f), std::sin(0.01f), std::cos(0.01f);
  EXPECT_MATRIX_NEAR(pe, expected, 1e-7);
}

TEST(PositionalEncoding, OddWidthFillsTheLastColumnWithSine) {
  const Matrix pe = positional_encoding(3, 3);
  EXPECT_NEAR(pe(2, 2), std::sin(2.0 * std::pow(10000.0, -2.0 / 3.0)), 1e-7);
}

}  // namespace
}  // namespace attn

namespace attn {
namespace {

TEST(EmbeddingCache, GivesExactlyWhatEmbedTokensGives) {
  EmbeddingCache cache;
  const std::vector<Token> first{token("the", 0, 3), token("cat", 4, 7), token("the", 8, 11)};
  const std::vector<Token> second{token("cat", 0, 3), token("sat", 4, 7)};
  for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
    EXPECT_EQ(cache.embed(first, 0, 16, true), embed_tokens(first, 0, 16, true));
    EXPECT_EQ(cache.embed(second, 0, 16, false), embed_tokens(second, 0, 16, false));
  }
  // A longer sentence grows the cached positional-encoding table.
  const std::vector<Token> longer{token("a", 0, 1), token("b", 2, 3), token("c", 4, 5),
                                  token("d", 6, 7), token("e", 8, 9)};
  EXPECT_EQ(cache.embed(longer, 0, 16, true), embed_tokens(longer, 0, 16, true));
  EXPECT_EQ(cache.embed(first, 0, 16, true), embed_tokens(first, 0, 16, true));
  // Another seed or width must not reuse the old vectors.
  EXPECT_EQ(cache.embed(first, 9, 16, false), embed_tokens(first, 9, 16, false));
  EXPECT_EQ(cache.embed(first, 9, 8, false), embed_tokens(first, 9, 8, false));
  EXPECT_EQ(cache.embed(longer, 9, 8, true), embed_tokens(longer, 9, 8, true));
}

}  // namespace
}  // namespace attn
