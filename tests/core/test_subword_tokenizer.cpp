#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "attn/text/subword_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using testing::shared_data;
using testing::TempFolder;

Token span(std::size_t begin, std::size_t end) {
  Token t;
  t.begin = begin;
  t.end = end;
  return t;
}

TEST(AssignWords, FirstWordByteDecides) {
  const std::string text = "The cat, sat.";  // words: The(0) cat(1) ,(2) sat(3) .(4)
  std::vector<Token> tokens{span(0, 3), span(3, 7), span(7, 8), span(8, 12), span(12, 13)};
  assign_words(tokens, text);
  EXPECT_EQ(tokens[0].word, 0);
  EXPECT_EQ(tokens[1].word, 1);  // " cat": the space holds no word, "c" does
  EXPECT_EQ(tokens[2].word, 2);
  EXPECT_EQ(tokens[3].word, 3);
  EXPECT_EQ(tokens[4].word, 4);
}

TEST(AssignWords, SpacesTakeTheWordBeforeAndSpecialsNone) {
  const std::string text = "a   b";
  std::vector<Token> tokens{span(0, 1), span(1, 3), span(3, 5)};
  Token special = span(0, 0);
  special.special = true;
  tokens.insert(tokens.begin(), special);
  assign_words(tokens, text);
  EXPECT_EQ(tokens[0].word, -1);
  EXPECT_EQ(tokens[1].word, 0);
  EXPECT_EQ(tokens[2].word, 0);  // "  ": nearest word before
  EXPECT_EQ(tokens[3].word, 1);
  std::vector<Token> leading{span(0, 1), span(1, 2)};
  assign_words(leading, " x");
  EXPECT_EQ(leading[0].word, 0);  // nothing before: 0
  EXPECT_EQ(leading[1].word, 0);
}

TEST(LoadTokenizer, ChoosesByTheFilesPresent) {
  struct Case {
    const char* folder;
    const char* description;
  };
  for (const Case& c :
       {Case{"gpt2-tokenizer", "GPT-2"}, Case{"bert-base-uncased-tokenizer", "WordPiece"},
        Case{"t5-spiece", "SentencePiece"}}) {
    const std::string folder = shared_data(c.folder);
    if (folder.empty()) GTEST_SKIP() << "../shared/data not found: load_tokenizer test skipped";
    const auto loaded = load_tokenizer(folder);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_NE((*loaded)->description().find(c.description), std::string::npos)
        << (*loaded)->description();
    const auto tokens = (*loaded)->encode("Hello world");
    ASSERT_TRUE(tokens.ok());
    EXPECT_EQ(tokens->size(), 2u) << c.folder;
  }
}

TEST(LoadTokenizer, UnsupportedTokenizerJsonFallsBackToVocabTxt) {
  TempFolder folder("load");
  folder.write("tokenizer.json", R"({"model": {"type": "WordPiece", "vocab": {}}})");
  folder.write("vocab.txt", "[UNK]\nhello\n");
  const auto loaded = load_tokenizer(folder.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_NE((*loaded)->description().find("WordPiece"), std::string::npos);
}

TEST(LoadTokenizer, RefusalsNameTheFolder) {
  TempFolder folder("load");
  auto loaded = load_tokenizer(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find(folder.path()), std::string::npos);
  EXPECT_EQ(loaded.error().field, InputField::Model);
  loaded = load_tokenizer(folder.path() + "/nope");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("does not exist"), std::string::npos);
  // Only an unsupported tokenizer.json: its problem is the message.
  folder.write("tokenizer.json", R"({"model": {"type": "Unigram", "vocab": []}})");
  loaded = load_tokenizer(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("Unigram"), std::string::npos);
  // A SentencePiece file wins, and a bad one is reported.
  folder.write("tokenizer.model", "garbage");
  loaded = load_tokenizer(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("tokenizer.model"), std::string::npos);
}

// Not a timing assertion: prints GPT-2 BPE throughput for the report.
TEST(Throughput, Gpt2OnOneKilobyteOfEnglish) {
  const std::string folder = shared_data("gpt2-tokenizer");
  if (folder.empty()) GTEST_SKIP() << "../shared/data not found";
  const auto loaded = load_tokenizer(folder);
  ASSERT_TRUE(loaded.ok());
  std::string text;
  while (text.size() < 1000)
    text +=
        "The animal didn't cross the street because it was too tired. Attention lets each "
        "token look at every other token and weigh what it finds. ";
  std::size_t count = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) count += (*loaded)->encode(text)->size();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("GPT-2 BPE: %zu bytes → %zu tokens; %.0f tokens/s (%.1f µs per encode)\n",
              text.size(), count / 200, static_cast<double>(count) / seconds, seconds / 200 * 1e6);
  EXPECT_GT(count, 0u);
}

}  // namespace
}  // namespace attn
