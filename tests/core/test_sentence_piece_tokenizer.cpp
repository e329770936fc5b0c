#include <gtest/gtest.h>

#include <sentencepiece_processor.h>

#include "attn/text/sentence_piece_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using testing::shared_data;
using testing::TempFolder;

class T5Spiece : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = shared_data("t5-spiece/spiece.model");
    if (path_.empty()) GTEST_SKIP() << "../shared/data not found: T5 SentencePiece tests skipped";
    auto loaded = SentencePieceTokenizer::load(path_);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    tokenizer_ = std::move(loaded).value();
    ASSERT_TRUE(reference_.Load(path_).ok());
  }
  std::string path_;
  std::unique_ptr<SentencePieceTokenizer> tokenizer_;
  sentencepiece::SentencePieceProcessor reference_;  // the library, used directly
};

TEST_F(T5Spiece, IdsMatchTheLibrary) {
  for (const char* text : {"Hello world", "The quick brown fox.", "naïve café", "a  b\nc",
                           "3.14159 and 2024", "我爱你", "don't"}) {
    const auto tokens = tokenizer_->encode(text);
    ASSERT_TRUE(tokens.ok()) << tokens.error().message;
    std::vector<int> ids;
    for (const Token& t : *tokens) ids.push_back(t.id);
    EXPECT_EQ(ids, reference_.EncodeAsIds(text)) << text;
  }
  EXPECT_EQ(tokenizer_->vocab_size(), 32000);
}

TEST_F(T5Spiece, HelloWorldPiecesSpansAndText) {
  const std::string text = "Hello world";
  const auto tokens = tokenizer_->encode(text);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].piece, "▁Hello");
  EXPECT_EQ((*tokens)[1].piece, "▁world");
  EXPECT_EQ((*tokens)[0].text, "Hello");
  EXPECT_EQ((*tokens)[1].text, "world");
  EXPECT_EQ((*tokens)[0].begin, 0u);
  EXPECT_EQ((*tokens)[0].end, 5u);
  EXPECT_EQ((*tokens)[1].begin, 5u);  // the piece "▁world" holds the space before it
  EXPECT_EQ((*tokens)[1].end, 11u);
  EXPECT_EQ((*tokens)[0].word, 0);
  EXPECT_EQ((*tokens)[1].word, 1);
  EXPECT_EQ(tokenizer_->decode({(*tokens)[0].id, (*tokens)[1].id}), text);
  EXPECT_EQ(tokenizer_->piece((*tokens)[1].id), "▁world");
}

TEST_F(T5Spiece, SpecialsAndUnknown) {
  EXPECT_EQ(tokenizer_->special_id("</s>"), 1);
  EXPECT_EQ(tokenizer_->special_id("<pad>"), 0);
  EXPECT_EQ(tokenizer_->special_id("<unk>"), 2);
  EXPECT_EQ(tokenizer_->special_id("▁world"), -1);  // a normal piece
  EXPECT_EQ(tokenizer_->special_id("no such piece"), -1);
  // T5's vocabulary has no "好": the library gives the unknown piece, shown as "<unk>".
  const auto tokens = tokenizer_->encode("好");
  ASSERT_TRUE(tokens.ok());
  bool has_unknown = false;
  for (const Token& t : *tokens) has_unknown |= t.id == 2 && t.text == "<unk>";
  EXPECT_TRUE(has_unknown);
  const Token eos = tokenizer_->special_token(1, 5);
  EXPECT_TRUE(eos.special);
  EXPECT_EQ(eos.text, "</s>");
}

TEST_F(T5Spiece, InvalidUtf8NamesTheByte) {
  const auto tokens = tokenizer_->encode("a\xE2\x82");
  ASSERT_FALSE(tokens.ok());
  EXPECT_NE(tokens.error().message.find("byte 1"), std::string::npos) << tokens.error().message;
}

TEST(SentencePieceRefusal, GarbageMissingAndHugeFiles) {
  TempFolder folder("sp");
  auto loaded = SentencePieceTokenizer::load(folder.write("garbage.model", "this is not a model"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("garbage.model"), std::string::npos);
  EXPECT_NE(loaded.error().message.find("not a usable SentencePiece model"), std::string::npos)
      << loaded.error().message;
  loaded = SentencePieceTokenizer::load(folder.path() + "/absent.model");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("not found"), std::string::npos);
  // A sparse file just above the 100 MB limit is refused before it is read.
  const std::string huge = folder.write("huge.model", "");
  std::filesystem::resize_file(huge, (std::uintmax_t{100} << 20) + 1);
  loaded = SentencePieceTokenizer::load(huge);
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("too large"), std::string::npos);
}

}  // namespace
}  // namespace attn
