// Views derived from a trace: attention rollout and attention between typed words.
#include <gtest/gtest.h>

#include "attn/trace_views.h"
#include "matrix_near.h"

namespace attn {
namespace {

AttentionBlock self_block(int layer, std::vector<Matrix> heads) {
  AttentionBlock block;
  block.name = "layer" + std::to_string(layer);
  block.layer = layer;
  for (Matrix& w : heads) block.head.push_back({Matrix(), std::move(w)});
  return block;
}

TEST(AttentionRollout, TwoLayersByHand) {
  Matrix a(2, 2), b(2, 2), c(2, 2);
  a << 1, 0, 0.5f, 0.5f;
  b << 1, 0, 0.1f, 0.9f;  // layer 0's mean: [[1, 0], [0.3, 0.7]]
  c << 1, 0, 1, 0;
  Trace trace;
  trace.blocks.push_back(self_block(0, {a, b}));
  trace.blocks.push_back(self_block(1, {c}));
  // Layer 0: (mean + I) = [[2, 0], [0.3, 1.7]] → rows / 2 → [[1, 0], [0.15, 0.85]].
  Matrix first(2, 2);
  first << 1, 0, 0.15f, 0.85f;
  EXPECT_MATRIX_NEAR(attention_rollout(trace, 0), first, 1e-6);
  // Layer 1: (c + I) = [[2, 0], [1, 1]] → [[1, 0], [0.5, 0.5]]; rollout = that · first.
  Matrix second(2, 2);
  second << 1, 0, 0.5f * 1 + 0.5f * 0.15f, 0.5f * 0.85f;
  const Matrix rollout = attention_rollout(trace, 1);
  EXPECT_MATRIX_NEAR(rollout, second, 1e-6);
  for (int r = 0; r < 2; ++r) EXPECT_NEAR(rollout.row(r).sum(), 1.0f, 1e-6f);
}

TEST(AttentionRollout, AsATraceOfItsOwn) {
  Matrix a(2, 2);
  a << 1, 0, 0.5f, 0.5f;
  Trace trace;
  trace.source_tokens.resize(2);
  trace.source_tokens[1].text = "b";
  trace.blocks.push_back(self_block(0, {a}));
  trace.blocks.push_back(self_block(1, {a}));
  const Trace rollout = rollout_trace(trace, 1);
  ASSERT_EQ(rollout.blocks.size(), 1u);
  EXPECT_EQ(rollout.blocks[0].name, "rollout");
  EXPECT_EQ(rollout.blocks[0].layer, 1);
  EXPECT_EQ(rollout.source_tokens[1].text, "b");
  EXPECT_MATRIX_NEAR(rollout.blocks[0].head[0].weights, attention_rollout(trace, 1), 0);
  EXPECT_TRUE(rollout_trace(Trace{}, 0).blocks.empty());
}

TEST(AttentionRollout, SkipsCrossBlocksAndIsEmptyWithoutSelfAttention) {
  Trace trace;
  AttentionBlock cross = self_block(0, {Matrix::Constant(2, 3, 1.0f / 3)});
  cross.kind = BlockKind::Cross;
  cross.queries = Sequence::Target;
  trace.blocks.push_back(cross);
  EXPECT_EQ(attention_rollout(trace, 0).size(), 0);
}

Token piece(int word, int segment = 0, bool special = false) {
  Token token;
  token.word = special ? -1 : word;
  token.segment = segment;
  token.special = special;
  return token;
}

TEST(WordLevel, SumsKeyPiecesAndAveragesQueryPieces) {
  // [CLS] play ##ing ball [SEP]: units [CLS]=0, playing=1, ball=2, [SEP]=3.
  const std::vector<Token> tokens = {piece(-1, 0, true), piece(0), piece(0), piece(1),
                                     piece(-1, 0, true)};
  int count = 0;
  const std::vector<int> units = word_units(tokens, &count);
  EXPECT_EQ(count, 4);
  EXPECT_EQ(units, (std::vector<int>{0, 1, 1, 2, 3}));
  Matrix w = Matrix::Zero(5, 5);
  w.row(0) << 1, 0, 0, 0, 0;
  w.row(1) << 0.2f, 0.3f, 0.1f, 0.4f, 0;
  w.row(2) << 0, 0.6f, 0.2f, 0, 0.2f;
  w.row(3) << 0.1f, 0.1f, 0.1f, 0.7f, 0;
  w.row(4) << 0.25f, 0.25f, 0.25f, 0.25f, 0;
  const Matrix words = word_level(w, units, count, units, count);
  ASSERT_EQ(words.rows(), 4);
  // "playing" → "playing": mean over its two query rows of (0.3 + 0.1) and (0.6 + 0.2).
  EXPECT_NEAR(words(1, 1), (0.4f + 0.8f) / 2, 1e-6f);
  EXPECT_NEAR(words(1, 2), (0.4f + 0.0f) / 2, 1e-6f);
  EXPECT_NEAR(words(2, 1), 0.2f, 1e-6f);
  for (int r = 0; r < 4; ++r) EXPECT_NEAR(words.row(r).sum(), 1.0f, 1e-6f);
}

TEST(WordLevel, SentenceBWordsAreTheirOwnUnitsAndLabelsAreTheTypedWords) {
  std::vector<Token> tokens = {piece(-1, 0, true), piece(0),    piece(0),
                               piece(-1, 0, true), piece(0, 1), piece(-1, 1, true)};
  tokens[1].begin = 0, tokens[1].end = 4;  // "play" of "playing"
  tokens[2].begin = 4, tokens[2].end = 7;  // "ing"
  tokens[4].begin = 0, tokens[4].end = 3;  // "fun" in sentence B
  tokens[0].text = "[CLS]";
  tokens[3].text = tokens[5].text = "[SEP]";
  int count = 0;
  const std::vector<int> units = word_units(tokens, &count);
  EXPECT_EQ(units, (std::vector<int>{0, 1, 1, 2, 3, 4}));
  EXPECT_EQ(word_labels(tokens, units, count, "playing", "fun"),
            (std::vector<std::string>{"[CLS]", "playing", "[SEP]", "fun", "[SEP]"}));
}

}  // namespace
}  // namespace attn
