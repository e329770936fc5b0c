#include <gtest/gtest.h>

#include "attn/text/word_piece_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using testing::shared_data;
using testing::TempFolder;

class BertUncased : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string folder = shared_data("bert-base-uncased-tokenizer");
    if (folder.empty()) GTEST_SKIP() << "../shared/data not found: BERT vocabulary tests skipped";
    // The folder has vocab.txt only: the defaults (lower case, strip accents) are uncased BERT's.
    auto loaded = WordPieceTokenizer::load(folder);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    tokenizer_ = std::move(loaded).value();
  }
  std::vector<Token> tokens(std::string_view text) const {
    auto encoded = tokenizer_->encode(text);
    EXPECT_TRUE(encoded.ok()) << (encoded.ok() ? "" : encoded.error().message);
    return encoded ? std::move(encoded).value() : std::vector<Token>{};
  }
  std::vector<int> ids(std::string_view text) const {
    std::vector<int> out;
    for (const Token& t : tokens(text)) out.push_back(t.id);
    return out;
  }
  std::vector<std::string> pieces(std::string_view text) const {
    std::vector<std::string> out;
    for (const Token& t : tokens(text)) out.push_back(t.piece);
    return out;
  }
  std::unique_ptr<WordPieceTokenizer> tokenizer_;
};

using Strings = std::vector<std::string>;

TEST_F(BertUncased, HelloWorldKnownIds) {
  EXPECT_EQ(ids("hello world"), (std::vector<int>{7592, 2088}));
  EXPECT_EQ(ids("Hello World"), (std::vector<int>{7592, 2088}));  // lower-cased
  EXPECT_EQ(tokenizer_->special_id("[CLS]"), 101);
  EXPECT_EQ(tokenizer_->special_id("[SEP]"), 102);
  EXPECT_EQ(tokenizer_->special_id("[UNK]"), 100);
  EXPECT_EQ(tokenizer_->special_id("hello"), -1);
  EXPECT_EQ(tokenizer_->vocab_size(), 30522);
  // With the specials the model adds: [101, 7592, 2088, 102] (the README's known answer).
  std::vector<int> with_specials{101};
  for (int id : ids("hello world")) with_specials.push_back(id);
  with_specials.push_back(102);
  EXPECT_EQ(with_specials, (std::vector<int>{101, 7592, 2088, 102}));
}

TEST_F(BertUncased, AccentsAreStrippedButSpansStayOnTheTypedText) {
  const std::string text = "Café naïve";
  const std::vector<Token> t = tokens(text);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].piece, "cafe");
  EXPECT_EQ(t[1].piece, "naive");
  EXPECT_EQ(text.substr(t[0].begin, t[0].end - t[0].begin), "Café");
  EXPECT_EQ(text.substr(t[1].begin, t[1].end - t[1].begin), "naïve");
  EXPECT_EQ(t[0].word, 0);
  EXPECT_EQ(t[1].word, 1);
  // Typed decomposed (e + U+0301) gives the same piece.
  EXPECT_EQ(pieces("Cafe\xCC\x81"), (Strings{"cafe"}));
}

TEST_F(BertUncased, EachChineseCharacterIsAWord) {
  const std::vector<Token> t = tokens("我爱你");
  ASSERT_EQ(t.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(t[i].begin, 3 * i);
    EXPECT_EQ(t[i].end, 3 * i + 3);
    EXPECT_EQ(t[i].word, static_cast<int>(i));
  }
  EXPECT_EQ(t[0].piece, "我");
}

TEST_F(BertUncased, PunctuationIsSplitOffIncludingAsciiSymbols) {
  EXPECT_EQ(pieces("Hello, world!"), (Strings{"hello", ",", "world", "!"}));
  // '$' and '^' are not Unicode punctuation (Sc, Sk) but BERT treats all ASCII symbols alike.
  EXPECT_EQ(pieces("a$b^c"), (Strings{"a", "$", "b", "^", "c"}));
  EXPECT_EQ(pieces("don't"), (Strings{"don", "'", "t"}));
}

TEST_F(BertUncased, ContinuationPiecesShowWithoutHashes) {
  // Longest match first over vocab.txt (checked by hand with the file): "playing" is one
  // piece; "unaffable" → una ##ffa ##ble; "GPU" → gp ##u and "tokenization" → token
  // ##ization, as in the Hugging Face documentation.
  EXPECT_EQ(ids("playing"), (std::vector<int>{2652}));
  EXPECT_EQ(ids("unaffable"), (std::vector<int>{14477, 20961, 3468}));
  EXPECT_EQ(pieces("unaffable"), (Strings{"una", "##ffa", "##ble"}));
  EXPECT_EQ(pieces("GPU tokenization"), (Strings{"gp", "##u", "token", "##ization"}));
  const std::vector<Token> t = tokens("unaffable");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].text, "ffa");
  EXPECT_EQ(t[1].begin, 3u);
  EXPECT_EQ(t[1].end, 6u);
  EXPECT_EQ(t[2].word, 0);
  EXPECT_EQ(tokenizer_->decode({t[0].id, t[1].id, t[2].id}), "unaffable");
}

TEST_F(BertUncased, UnknownCharactersAndOverlongWordsAreUnk) {
  const std::vector<Token> t = tokens("hi 🙂");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].id, 100);
  EXPECT_EQ(t[1].text, "[UNK]");
  EXPECT_EQ(t[1].begin, 3u);
  EXPECT_EQ(t[1].end, 7u);
  EXPECT_EQ(ids(std::string(101, 'a')), (std::vector<int>{100}));
}

TEST_F(BertUncased, ControlCharactersAreDroppedAndTypedSpecialsKept) {
  EXPECT_EQ(pieces("a\x01"
                   "b\tc"),
            (Strings{"ab", "c"}));
  const std::vector<Token> t = tokens("[CLS] hi [MASK]");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].id, 101);
  EXPECT_EQ(t[2].id, 103);
  EXPECT_FALSE(t[0].special);  // typed, not added by the model
}

TEST_F(BertUncased, DecodeJoinsAndCleansUp) {
  EXPECT_EQ(tokenizer_->decode(ids("Hello, world!")), "hello, world!");
}

TEST_F(BertUncased, InvalidUtf8NamesTheByte) {
  const auto encoded = tokenizer_->encode("ok \xC3");
  ASSERT_FALSE(encoded.ok());
  EXPECT_NE(encoded.error().message.find("byte 3"), std::string::npos) << encoded.error().message;
}

TEST(WordPieceSmall, CasedOptionsFromTokenizerConfig) {
  TempFolder folder("wp");
  folder.write("vocab.txt", "[PAD]\n[UNK]\nCafé\ncafe\n##s\n");
  folder.write("tokenizer_config.json", R"({"do_lower_case": false})");
  auto loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto t = (*loaded)->encode("Cafés");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].id, 2);  // no lower-casing, accents kept (strip_accents follows)
  EXPECT_EQ((*t)[1].id, 4);
  folder.write("tokenizer_config.json", R"({"do_lower_case": true, "strip_accents": false})");
  loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_TRUE(loaded.ok());
  t = (*loaded)->encode("Café");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].id, 1);  // "café" is not in this vocabulary
}

TEST(WordPieceRefusal, EmptyOrMissingVocabularyAndBadConfig) {
  TempFolder folder("wp");
  auto loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("vocab.txt"), std::string::npos);
  folder.write("vocab.txt", "");
  loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("is empty"), std::string::npos);
  folder.write("vocab.txt", "a\nb\n");
  loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("[UNK]"), std::string::npos);
  folder.write("vocab.txt", "[UNK]\n");
  folder.write("tokenizer_config.json", "{oops");
  loaded = WordPieceTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace attn
