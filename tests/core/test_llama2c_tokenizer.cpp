#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>

#include "attn/text/llama2c_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using testing::shared_data;
using testing::TempFolder;

// ---- An independent reading of tokenizer.bin and run.c's encode(), written plainly. ---------

struct ReferenceVocab {
  std::vector<std::string> pieces;
  std::vector<float> scores;
};

ReferenceVocab read_reference(const std::string& path, int vocab_size) {
  ReferenceVocab v;
  std::ifstream in(path, std::ios::binary);
  std::int32_t max_length = 0;
  in.read(reinterpret_cast<char*>(&max_length), 4);
  for (int i = 0; i < vocab_size; ++i) {
    float score = 0;
    std::int32_t length = 0;
    in.read(reinterpret_cast<char*>(&score), 4);
    in.read(reinterpret_cast<char*>(&length), 4);
    std::string piece(static_cast<std::size_t>(length), '\0');
    in.read(piece.data(), length);
    v.pieces.push_back(piece);
    v.scores.push_back(score);
  }
  return v;
}

int find(const ReferenceVocab& v, const std::string& s) {  // linear, like a first reading
  for (std::size_t i = 0; i < v.pieces.size(); ++i)
    if (v.pieces[i] == s) return static_cast<int>(i);
  return -1;
}

std::vector<int> reference_encode(const ReferenceVocab& v, const std::string& text) {
  std::vector<int> tokens;
  if (!text.empty()) tokens.push_back(find(v, " "));
  std::string buffer;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) buffer.clear();
    buffer += static_cast<char>(c);
    if (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80 &&
        buffer.size() < 4)
      continue;
    const int id = find(v, buffer);
    if (id != -1) {
      tokens.push_back(id);
    } else {
      for (unsigned char b : buffer) tokens.push_back(b + 3);
    }
    buffer.clear();
  }
  while (true) {
    float best = -1e10f;
    int best_id = -1, best_at = -1;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      const int id = find(v, v.pieces[tokens[i]] + v.pieces[tokens[i + 1]]);
      if (id != -1 && v.scores[id] > best) best = v.scores[id], best_id = id, best_at = int(i);
    }
    if (best_at == -1) break;
    tokens[best_at] = best_id;
    tokens.erase(tokens.begin() + best_at + 1);
  }
  return tokens;
}

class Stories260K : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = shared_data("stories260K/tok512.bin");
    if (path_.empty()) GTEST_SKIP() << "../shared/data not found: llama2.c tokenizer tests skipped";
    auto loaded = Llama2cTokenizer::load(path_, 512);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    tokenizer_ = std::move(loaded).value();
  }
  std::vector<int> ids(const std::string& text) const {
    const auto tokens = tokenizer_->encode(text);
    EXPECT_TRUE(tokens.ok());
    std::vector<int> out;
    if (tokens)
      for (const Token& t : *tokens) out.push_back(t.id);
    return out;
  }
  std::string path_;
  std::unique_ptr<Llama2cTokenizer> tokenizer_;
};

TEST_F(Stories260K, OnceUponATimeMatchesTheReference) {
  const ReferenceVocab reference = read_reference(path_, 512);
  const std::vector<int> got = ids("Once upon a time");
  EXPECT_EQ(got, reference_encode(reference, "Once upon a time"));
  // Every token but the first starts with a space: " Once" holds the dummy prefix.
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(tokenizer_->piece(got[0]).substr(0, 2), " O");
  for (const char* text : {"Lily saw a big, red ball.", "The cat sat on the mat!", "x",
                           "Hello\nworld", "好", "naïve 🙂 test", "   spaced   out  "})
    EXPECT_EQ(ids(text), reference_encode(reference, text)) << text;
}

TEST_F(Stories260K, SpansCoverTheTextAndDecodeRoundTrips) {
  for (const std::string text :
       {"Once upon a time", "Lily saw a big, red ball.", "好 ok", "Hello\nworld", "naïve 🙂"}) {
    const auto tokens = tokenizer_->encode(text);
    ASSERT_TRUE(tokens.ok());
    testing::expect_spans_cover(*tokens, text);
    std::vector<int> token_ids;
    for (const Token& t : *tokens) {
      token_ids.push_back(t.id);
      EXPECT_FALSE(t.text.empty());
    }
    EXPECT_EQ(tokenizer_->decode(token_ids), text);
    // With BOS first, as the model sees it, the text is the same.
    token_ids.insert(token_ids.begin(), 1);
    EXPECT_EQ(tokenizer_->decode(token_ids), text);
  }
}

TEST_F(Stories260K, MissingCharacterFallsBackToByteTokens) {
  // "好" (E5 A5 BD) has no piece in this 512-token vocabulary: three byte tokens, id = byte + 3.
  const auto tokens = tokenizer_->encode("好");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ(tokenizer_->piece((*tokens)[0].id), " ");
  EXPECT_EQ((*tokens)[0].text, "␣");
  EXPECT_EQ((*tokens)[0].begin, 0u);
  EXPECT_EQ((*tokens)[0].end, 0u);
  EXPECT_EQ((*tokens)[1].id, 0xE5 + 3);
  EXPECT_EQ((*tokens)[2].id, 0xA5 + 3);
  EXPECT_EQ((*tokens)[3].id, 0xBD + 3);
  EXPECT_EQ((*tokens)[1].piece, "<0xE5>");
  EXPECT_EQ((*tokens)[1].text, "<0xE5>");
  EXPECT_EQ((*tokens)[3].begin, 2u);
  EXPECT_EQ((*tokens)[3].end, 3u);
  EXPECT_EQ(tokenizer_->decode({(*tokens)[1].id, (*tokens)[2].id, (*tokens)[3].id}), "好");
  EXPECT_EQ(tokenizer_->decode({(*tokens)[1].id}), "\xEF\xBF\xBD");  // alone: U+FFFD
}

TEST_F(Stories260K, SpecialsAndEmptyText) {
  EXPECT_EQ(tokenizer_->special_id("<s>"), 1);
  EXPECT_EQ(tokenizer_->special_id("</s>"), 2);
  EXPECT_EQ(tokenizer_->vocab_size(), 512);
  const auto tokens = tokenizer_->encode("");
  ASSERT_TRUE(tokens.ok());
  EXPECT_TRUE(tokens->empty());
  EXPECT_FALSE(tokenizer_->encode("\xC0\x80").ok());
}

// ---- Refusals, on files written here. -----------------------------------------------------

std::string le32(std::int32_t v) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &v, 4);
  return s;
}
std::string entry(float score, const std::string& piece) {
  std::string s(4, '\0');
  std::memcpy(s.data(), &score, 4);
  return s + le32(static_cast<std::int32_t>(piece.size())) + piece;
}

std::string refusal(const std::string& bytes, int vocab_size) {
  TempFolder folder("l2c");
  const auto loaded = Llama2cTokenizer::load(folder.write("tokenizer.bin", bytes), vocab_size);
  return loaded.ok() ? std::string("(loaded)") : loaded.error().message;
}

TEST(Llama2cRefusal, TruncatedAbsurdAndTrailing) {
  const std::string good = le32(8) + entry(0, "<unk>") + entry(0, "a") + entry(0, "ab");
  EXPECT_EQ(refusal(good, 3), "(loaded)");
  EXPECT_NE(refusal(good.substr(0, good.size() - 1), 3).find("file ends first"), std::string::npos);
  EXPECT_NE(refusal(good, 4).find("truncated"), std::string::npos) << refusal(good, 4);
  EXPECT_NE(refusal(good + "x", 3).find("follow"), std::string::npos);
  EXPECT_NE(refusal(le32(-1) + entry(0, "a"), 1).find("max_token_length"), std::string::npos);
  EXPECT_NE(refusal(le32(1 << 30) + entry(0, "a"), 1).find("max_token_length"), std::string::npos);
  EXPECT_NE(refusal(le32(8) + entry(0, "a").substr(0, 4) + le32(1 << 30), 1).find("length"),
            std::string::npos);
  EXPECT_NE(refusal(le32(8) + entry(0, "a").substr(0, 4) + le32(-5), 1).find("length"),
            std::string::npos);
  EXPECT_NE(refusal("ab", 1).find("too short"), std::string::npos);
  EXPECT_NE(refusal(good, 0).find("vocab_size"), std::string::npos);
  TempFolder folder("l2c");
  const auto missing = Llama2cTokenizer::load(folder.path() + "/none.bin", 3);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.bin"), std::string::npos);
}

TEST(Llama2cSmall, HighestScoreMergesFirst) {
  // Pieces: 0 <unk>, then " ", "a", "b", "ab", " a"; " a" scores higher than "ab".
  const std::string bytes = le32(8) + entry(0, "<unk>") + entry(0, "<s>") + entry(0, "</s>") +
                            entry(0, " ") + entry(0, "a") + entry(0, "b") + entry(-1, "ab") +
                            entry(5, " a");
  TempFolder folder("l2c");
  const auto loaded = Llama2cTokenizer::load(folder.write("t.bin", bytes), 8);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto tokens = (*loaded)->encode("ab");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, 7);  // " a", then "b" (no " ab" piece)
  EXPECT_EQ((*tokens)[0].text, "a");
  EXPECT_EQ((*tokens)[0].begin, 0u);
  EXPECT_EQ((*tokens)[0].end, 1u);
  EXPECT_EQ((*tokens)[1].id, 5);
  EXPECT_FLOAT_EQ((*loaded)->score(7), 5.0f);
}

}  // namespace
}  // namespace attn
