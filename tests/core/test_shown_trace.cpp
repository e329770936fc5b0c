// The trace as the views show it: words instead of pieces, special tokens hidden, BERT pairs.
#include <gtest/gtest.h>

#include "attn/shown_trace.h"
#include "matrix_near.h"

namespace attn {
namespace {

Token token(std::string text, std::size_t begin, std::size_t end, int word, int segment,
            bool special = false) {
  Token t;
  t.text = std::move(text);
  t.begin = begin;
  t.end = end;
  t.word = word;
  t.segment = segment;
  t.special = special;
  return t;
}

// "[CLS] play ##ing [SEP] ok [SEP]" for A = "playing", B = "ok": 6 tokens, two heads.
Trace bert_pair() {
  Trace trace;
  trace.scenario.source = "playing";
  trace.scenario.target = "ok";
  trace.source_tokens = {token("[CLS]", 0, 0, -1, 0, true), token("play", 0, 4, 0, 0),
                         token("ing", 4, 7, 0, 0),          token("[SEP]", 7, 7, -1, 0, true),
                         token("ok", 0, 2, 0, 1),           token("[SEP]", 2, 2, -1, 1, true)};
  AttentionBlock block;
  block.name = "encoder.layer.0.attention.self";
  for (int h = 0; h < 2; ++h) {
    Matrix w(6, 6);
    for (int r = 0; r < 6; ++r)
      for (int c = 0; c < 6; ++c) w(r, c) = float(1 + r + 6 * c + 36 * h);
    for (int r = 0; r < 6; ++r) w.row(r) /= w.row(r).sum();
    block.head.push_back({Matrix(), w});
  }
  trace.blocks.push_back(block);
  return trace;
}

TEST(ShownTrace, UnchangedByDefault) {
  const Trace trace = bert_pair();
  const Trace shown = shown_trace(trace, ShownAs{});
  ASSERT_EQ(shown.blocks.size(), 1u);
  EXPECT_MATRIX_NEAR(shown.blocks[0].head[1].weights, trace.blocks[0].head[1].weights, 0);
  ASSERT_EQ(shown.source_tokens.size(), 6u);
  EXPECT_EQ(shown.source_tokens[2].text, "ing");
  EXPECT_EQ(shown.blocks[0].name, "encoder.layer.0.attention.self");
  EXPECT_EQ(shown.made_by, nullptr);
}

TEST(ShownTrace, WordsSumKeysAndAverageQueriesWithTypedLabels) {
  const Trace trace = bert_pair();
  ShownAs as;
  as.words = true;
  const Trace shown = shown_trace(trace, as);
  ASSERT_EQ(shown.source_tokens.size(), 5u);  // [CLS] playing [SEP] ok [SEP]
  EXPECT_EQ(shown.source_tokens[1].text, "playing");
  EXPECT_EQ(shown.source_tokens[3].text, "ok");
  const Matrix& w = trace.blocks[0].head[0].weights;
  const Matrix& s = shown.blocks[0].head[0].weights;
  ASSERT_EQ(s.rows(), 5);
  ASSERT_EQ(s.cols(), 5);
  // "playing" → "playing": mean over rows 1,2 of the sum over columns 1,2.
  EXPECT_NEAR(s(1, 1), ((w(1, 1) + w(1, 2)) + (w(2, 1) + w(2, 2))) / 2, 1e-6);
  // [CLS] → "ok": one row, one column.
  EXPECT_NEAR(s(0, 3), w(0, 4), 1e-7);
  for (int r = 0; r < 5; ++r) EXPECT_NEAR(s.row(r).sum(), 1.0f, 1e-6f);
}

TEST(ShownTrace, HidingSpecialTokensDropsTheirRowsAndColumns) {
  const Trace trace = bert_pair();
  ShownAs as;
  as.hide_special = true;
  const Trace shown = shown_trace(trace, as);
  ASSERT_EQ(shown.source_tokens.size(), 3u);  // play ing ok
  EXPECT_EQ(shown.source_tokens[0].text, "play");
  const Matrix& w = trace.blocks[0].head[1].weights;
  const Matrix& s = shown.blocks[0].head[1].weights;
  ASSERT_EQ(s.rows(), 3);
  EXPECT_NEAR(s(0, 0), w(1, 1), 0);
  EXPECT_NEAR(s(2, 1), w(4, 2), 0);
  EXPECT_NEAR(s(1, 2), w(2, 4), 0);
  // The hidden columns' weight is gone: rows sum to less than 1.
  EXPECT_LT(s.row(0).sum(), 1.0f);
}

TEST(ShownTrace, PairFilterKeepsOneSentenceForQueriesAndOneForKeys) {
  const Trace trace = bert_pair();
  ShownAs as;
  as.pair = PairFilter::BToA;
  const Trace shown = shown_trace(trace, as);
  const AttentionBlock& block = shown.blocks[0];
  // B = "ok [SEP]" asks, A = "[CLS] play ing [SEP]" answers.
  ASSERT_EQ(block.n_q(), 2);
  ASSERT_EQ(block.n_k(), 4);
  EXPECT_EQ(block.queries, Sequence::Target);
  EXPECT_EQ(shown.query_tokens(block)[0].text, "ok");
  EXPECT_EQ(shown.key_tokens(block)[3].text, "[SEP]");
  EXPECT_NEAR(block.head[0].weights(1, 2), trace.blocks[0].head[0].weights(5, 2), 0);

  as.pair = PairFilter::AToB;
  as.words = true;
  as.hide_special = true;
  const Trace both = shown_trace(trace, as);
  ASSERT_EQ(both.blocks[0].n_q(), 1);  // "playing"
  ASSERT_EQ(both.blocks[0].n_k(), 1);  // "ok"
  const Matrix& w = trace.blocks[0].head[1].weights;
  EXPECT_NEAR(both.blocks[0].head[1].weights(0, 0), (w(1, 4) + w(2, 4)) / 2, 1e-7);
  EXPECT_EQ(both.query_tokens(both.blocks[0])[0].text, "playing");
}

TEST(ShownTrace, PairFilterIsIgnoredWithoutASentencePair) {
  Trace trace = bert_pair();
  trace.source_tokens.resize(4);
  for (HeadWeights& head : trace.blocks[0].head)
    head.weights = head.weights.topLeftCorner(4, 4).eval();
  ShownAs as;
  as.pair = PairFilter::BToB;
  EXPECT_FALSE(has_sentence_pair(trace));
  EXPECT_EQ(shown_trace(trace, as).blocks[0].n_q(), 4);
}

}  // namespace
}  // namespace attn
