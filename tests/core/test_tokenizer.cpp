#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "attn/text/tokenizer.h"

namespace attn {
namespace {

std::vector<std::string> texts(std::string_view input) {
  const Expected<std::vector<Token>> tokens = tokenize(input);
  EXPECT_TRUE(tokens.ok()) << (tokens.ok() ? "" : tokens.error().message);
  std::vector<std::string> out;
  if (tokens)
    for (const Token& t : *tokens) out.push_back(t.text);
  return out;
}

using Texts = std::vector<std::string>;

TEST(Tokenizer, EachChineseCharacterIsAToken) {
  EXPECT_EQ(texts("我爱自然语言处理"), (Texts{"我", "爱", "自", "然", "语", "言", "处", "理"}));
}

TEST(Tokenizer, ChineseSpansAreThreeBytesEach) {
  const Expected<std::vector<Token>> tokens = tokenize("我爱你");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*tokens)[i].begin, 3 * i);
    EXPECT_EQ((*tokens)[i].end, 3 * i + 3);
  }
}

TEST(Tokenizer, WordsAndPunctuationWithByteSpans) {
  const std::string text = "The cat, sat.";
  const Expected<std::vector<Token>> tokens = tokenize(text);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 5u);
  const std::size_t expected[5][2] = {{0, 3}, {4, 7}, {7, 8}, {9, 12}, {12, 13}};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*tokens)[i].begin, expected[i][0]) << i;
    EXPECT_EQ((*tokens)[i].end, expected[i][1]) << i;
    EXPECT_EQ(text.substr((*tokens)[i].begin, (*tokens)[i].end - (*tokens)[i].begin),
              (*tokens)[i].text);
  }
}

TEST(Tokenizer, ContractionsStayOneTokenTheSameWay) {
  EXPECT_EQ(texts("don't"), (Texts{"don't"}));
  EXPECT_EQ(texts("it's"), (Texts{"it's"}));
  EXPECT_EQ(texts("it’s"), (Texts{"it’s"}));  // typographic apostrophe U+2019
  EXPECT_EQ(texts("The animal didn't cross"), (Texts{"The", "animal", "didn't", "cross"}));
}

TEST(Tokenizer, ApostropheOutsideAWordStandsAlone) {
  EXPECT_EQ(texts("dogs' 'quoted'"), (Texts{"dogs", "'", "'", "quoted", "'"}));
  EXPECT_EQ(texts("'90s"), (Texts{"'", "90s"}));
}

TEST(Tokenizer, NumbersKeepTheirDecimalAndThousandsSeparators) {
  EXPECT_EQ(texts("pi is 3.14, e is 2.718."),
            (Texts{"pi", "is", "3.14", ",", "e", "is", "2.718", "."}));
  EXPECT_EQ(texts("1,000 people"), (Texts{"1,000", "people"}));
  EXPECT_EQ(texts("GPT2"), (Texts{"GPT2"}));
}

TEST(Tokenizer, EveryOtherPunctuationMarkIsItsOwnToken) {
  EXPECT_EQ(texts("well-known!?"), (Texts{"well", "-", "known", "!", "?"}));
  EXPECT_EQ(texts("(a)"), (Texts{"(", "a", ")"}));
}

TEST(Tokenizer, MixedChineseEnglishAndFullWidthPunctuation) {
  EXPECT_EQ(texts("你好，世界。"), (Texts{"你", "好", "，", "世", "界", "。"}));
  EXPECT_EQ(texts("我用GPT写代码"), (Texts{"我", "用", "GPT", "写", "代", "码"}));
  EXPECT_EQ(texts("I ♥ 北京!"), (Texts{"I", "♥", "北", "京", "!"}));
}

TEST(Tokenizer, AccentedAndOtherScriptsAreWords) {
  EXPECT_EQ(texts("naïve café Привет мир"), (Texts{"naïve", "café", "Привет", "мир"}));
}

TEST(Tokenizer, CombiningMarkStaysWithItsLetter) {
  EXPECT_EQ(texts("cafe\xCC\x81 x"), (Texts{"cafe\xCC\x81", "x"}));
}

TEST(Tokenizer, EmojiAreTokens) { EXPECT_EQ(texts("hi😀there"), (Texts{"hi", "😀", "there"})); }

TEST(Tokenizer, WhiteSpaceOfEveryKindSeparates) {
  EXPECT_EQ(texts("  a\tb\nc\u3000d\u00A0e  "), (Texts{"a", "b", "c", "d", "e"}));
  EXPECT_TRUE(texts("   \n\t").empty());
  EXPECT_TRUE(texts("").empty());
}

TEST(Tokenizer, InvalidUtf8IsAnErrorNotACrash) {
  const Expected<std::vector<Token>> tokens = tokenize("ok \xFF\xFE");
  ASSERT_FALSE(tokens.ok());
  EXPECT_EQ(tokens.error().message, "invalid UTF-8 at byte 3 (0xFF: not a valid first byte)");
}

}  // namespace
}  // namespace attn
