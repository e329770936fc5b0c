#include <gtest/gtest.h>

#include <utf8proc.h>
#include <algorithm>
#include <climits>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attn/text/gpt2_bpe_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using testing::expect_spans_cover;
using testing::shared_data;
using testing::TempFolder;

// ---- An independent reference: GPT-2's encoder.py written out plainly. --------------------

std::u32string decode32(std::string_view s) {
  std::u32string out;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t c = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &c);
    out += static_cast<char32_t>(c);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string encode8(char32_t c) {
  utf8proc_uint8_t b[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), b);
  return std::string(reinterpret_cast<const char*>(b), static_cast<std::size_t>(n));
}

bool is_letter(char32_t c) {
  const auto k = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}
bool is_number(char32_t c) {
  const auto k = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO;
}
bool is_space(char32_t c) {
  return c == ' ' || (c >= 9 && c <= 13) || c == 0x85 || c == 0xA0 || c == 0x3000;
}

// The pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ by hand.
std::vector<std::u32string> reference_split(const std::u32string& t) {
  std::vector<std::u32string> out;
  std::size_t i = 0;
  auto other = [](char32_t c) { return !is_space(c) && !is_letter(c) && !is_number(c); };
  while (i < t.size()) {
    std::size_t j = i;
    bool done = false;
    if (t[i] == '\'') {
      for (const char* s : {"s", "t", "re", "ve", "m", "ll", "d"}) {
        const std::u32string suffix(s, s + std::char_traits<char>::length(s));
        if (t.compare(i + 1, suffix.size(), suffix) == 0) {
          j = i + 1 + suffix.size();
          done = true;
          break;
        }
      }
    }
    const std::size_t k = (t[i] == ' ' && i + 1 < t.size()) ? i + 1 : i;
    if (!done) {
      for (auto pred : {is_letter, is_number}) {
        if (!done && pred(t[k])) {
          j = k;
          while (j < t.size() && pred(t[j])) ++j;
          done = true;
        }
      }
    }
    if (!done && other(t[k])) {
      j = k;
      while (j < t.size() && other(t[j])) ++j;
      done = true;
    }
    if (!done) {  // white space: \s+(?!\S) leaves the last space for the next word
      j = i;
      while (j < t.size() && is_space(t[j])) ++j;
      if (j < t.size() && j - i > 1) --j;
    }
    out.push_back(t.substr(i, j - i));
    i = j;
  }
  return out;
}

struct ReferenceBpe {
  std::map<std::string, int> vocab;
  std::map<std::pair<std::string, std::string>, int> ranks;
  std::string byte_char[256];

  explicit ReferenceBpe(const std::string& folder) {
    std::ifstream v(folder + "/vocab.json");
    const nlohmann::json j = nlohmann::json::parse(v);
    for (const auto& [k, id] : j.items()) vocab[k] = id.get<int>();
    std::ifstream m(folder + "/merges.txt");
    std::string line;
    std::getline(m, line);  // #version
    int rank = 0;
    while (std::getline(m, line)) {
      std::istringstream parts(line);
      std::string a, b;
      if (parts >> a >> b) ranks[{a, b}] = rank++;
    }
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
      byte_char[b] =
          encode8(printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++));
    }
  }

  std::vector<int> encode(const std::string& text) const {
    std::vector<int> ids;
    for (const std::u32string& piece : reference_split(decode32(text))) {
      std::string bytes;
      for (char32_t c : piece) bytes += encode8(c);
      std::vector<std::string> word;
      for (char b : bytes) word.push_back(byte_char[static_cast<unsigned char>(b)]);
      while (word.size() > 1) {  // encoder.py bpe(): merge every occurrence of the best pair
        int best = INT_MAX;
        std::pair<std::string, std::string> pair;
        for (std::size_t i = 0; i + 1 < word.size(); ++i) {
          const auto r = ranks.find({word[i], word[i + 1]});
          if (r != ranks.end() && r->second < best) best = r->second, pair = r->first;
        }
        if (best == INT_MAX) break;
        std::vector<std::string> merged;
        for (std::size_t i = 0; i < word.size();) {
          if (i + 1 < word.size() && word[i] == pair.first && word[i + 1] == pair.second) {
            merged.push_back(pair.first + pair.second);
            i += 2;
          } else {
            merged.push_back(word[i++]);
          }
        }
        word = merged;
      }
      for (const std::string& w : word) ids.push_back(vocab.at(w));
    }
    return ids;
  }
};

// ---- Tests with the real GPT-2 files. --------------------------------------------------------

class Gpt2Real : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = shared_data("gpt2-tokenizer");
    if (folder_.empty()) GTEST_SKIP() << "../shared/data not found: GPT-2 vocabulary tests skipped";
    Expected<std::unique_ptr<Gpt2BpeTokenizer>> loaded = Gpt2BpeTokenizer::load(folder_);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    tokenizer_ = std::move(loaded).value();
  }
  std::vector<int> ids(std::string_view text) const {
    const Expected<std::vector<Token>> tokens = tokenizer_->encode(text);
    EXPECT_TRUE(tokens.ok()) << (tokens.ok() ? "" : tokens.error().message);
    std::vector<int> out;
    if (tokens)
      for (const Token& t : *tokens) out.push_back(t.id);
    return out;
  }
  std::string folder_;
  std::unique_ptr<Gpt2BpeTokenizer> tokenizer_;
};

TEST_F(Gpt2Real, HelloWorldKnownIds) {
  EXPECT_EQ(ids("Hello world"), (std::vector<int>{15496, 995}));
  EXPECT_EQ(tokenizer_->vocab_size(), 50257);
  EXPECT_EQ(tokenizer_->piece(995), "Ġworld");
  EXPECT_EQ(tokenizer_->special_id("<|endoftext|>"), 50256);
  EXPECT_EQ(tokenizer_->special_id("Hello"), -1);
}

const char* const kSamples[] = {
    "Hello world",
    "我爱自然语言处理",
    "🙂",
    "3.14159 and 2024",
    "a   b\n\nc",
    "don't",
    "The animal didn't cross the street because it was too tired.",
    "  leading and trailing spaces  ",
    "Tabs\tand\r\nCRLF",
    "naïve café résumé — “quotes” ‘single’",
    "Καλημέρα κόσμε, Привет мир, مرحبا بالعالم",
    "日本語のテキストと한국어",
    "👩‍👩‍👧 family, 👍🏽 thumbs",
    "x=1+2*3; y = (a[0] | b) & ~c",
    "she'll they've we're I'm it's you'd SHE'LL",
    "$1,000,000.00 or 12345678901234567890",
    "https://example.com/path?q=a&b=c#frag",
    "\n",
    " ",
    "a",
};

TEST_F(Gpt2Real, MatchesANaiveReferenceOnManyStrings) {
  const ReferenceBpe reference(folder_);
  for (const char* text : kSamples) EXPECT_EQ(ids(text), reference.encode(text)) << text;
}

TEST_F(Gpt2Real, KnownPiecesForChineseEmojiNumbersAndWhitespace) {
  // Each checked by hand against vocab.json / merges.txt through the reference above.
  const Expected<std::vector<Token>> emoji = tokenizer_->encode("🙂");
  ASSERT_TRUE(emoji.ok());
  // F0 9F 99 82: merges.txt line 8328 "ð Ł" makes F0 9F, line 24827 "Ļ Ĥ" makes 99 82, and
  // no merge joins the two halves: two tokens, neither a whole character.
  ASSERT_EQ(emoji->size(), 2u);
  EXPECT_EQ((*emoji)[0].piece, "ðŁ");
  EXPECT_EQ((*emoji)[1].piece, "ĻĤ");
  EXPECT_EQ((*emoji)[0].text, "<0xF0><0x9F>");
  EXPECT_EQ((*emoji)[1].text, "<0x99><0x82>");
  EXPECT_EQ((*emoji)[0].end, 2u);
  EXPECT_EQ((*emoji)[1].begin, 2u);

  // GPT-2's \s+(?!\S) leaves the last white space for the next piece: "   b" → "  " + " b",
  // and "\n\nc" → "\n" + "\n" + "c" (the merge "Ċ Ċ" only applies to a run at the end).
  // "ĠĠ" is not in vocab.json, so two spaces stay two tokens.
  const Expected<std::vector<Token>> spaces = tokenizer_->encode("a   b\n\nc\n\n");
  ASSERT_TRUE(spaces.ok());
  std::vector<std::string> pieces, texts;
  for (const Token& t : *spaces) pieces.push_back(t.piece), texts.push_back(t.text);
  EXPECT_EQ(pieces, (std::vector<std::string>{"a", "Ġ", "Ġ", "Ġb", "Ċ", "Ċ", "c", "ĊĊ"}));
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "␣", "␣", "b", "↵", "↵", "c", "↵↵"}));
  EXPECT_EQ(spaces->back().id, 628);

  // Numbers: " ?\p{N}+" keeps digit runs whole before the merges.
  const Expected<std::vector<Token>> numbers = tokenizer_->encode("3.14159 and 2024");
  ASSERT_TRUE(numbers.ok());
  std::vector<std::string> number_pieces;
  for (const Token& t : *numbers) number_pieces.push_back(t.piece);
  EXPECT_EQ(number_pieces.front(), "3");
  EXPECT_EQ(number_pieces[1], ".");
  EXPECT_EQ(number_pieces.back(), "Ġ2024");

  const Expected<std::vector<Token>> contraction = tokenizer_->encode("don't");
  ASSERT_TRUE(contraction.ok());
  ASSERT_EQ(contraction->size(), 2u);
  EXPECT_EQ((*contraction)[0].piece, "don");
  EXPECT_EQ((*contraction)[1].piece, "'t");
  EXPECT_EQ((*contraction)[0].word, 0);  // one typed word, "don't"
  EXPECT_EQ((*contraction)[1].word, 0);
}

TEST_F(Gpt2Real, SpansCoverTheTextAndDecodeRoundTrips) {
  for (const char* text : kSamples) {
    const Expected<std::vector<Token>> tokens = tokenizer_->encode(text);
    ASSERT_TRUE(tokens.ok()) << text;
    expect_spans_cover(*tokens, text);
    std::vector<int> token_ids;
    for (const Token& t : *tokens) {
      token_ids.push_back(t.id);
      EXPECT_FALSE(t.text.empty()) << text;
      // No normalization: a token's bytes are exactly the typed bytes of its span.
      EXPECT_EQ(byte_level_decode(t.piece).value_or("?"),
                std::string(text).substr(t.begin, t.end - t.begin));
    }
    EXPECT_EQ(tokenizer_->decode(token_ids), text);
  }
}

TEST_F(Gpt2Real, ChineseSpansFollowTheBytes) {
  const std::string text = "我爱自然语言处理";
  const Expected<std::vector<Token>> tokens = tokenizer_->encode(text);
  ASSERT_TRUE(tokens.ok());
  expect_spans_cover(*tokens, text);
  for (const Token& t : *tokens) {
    EXPECT_GE(t.word, 0);
    EXPECT_LT(t.word, 8);
  }
  // A token that holds whole characters shows them.
  for (const Token& t : *tokens) {
    if ((t.end - t.begin) % 3 == 0 && t.begin % 3 == 0) {
      EXPECT_EQ(t.text, text.substr(t.begin, t.end - t.begin));
    }
  }
}

TEST_F(Gpt2Real, TypedEndOfTextIsItsSpecialId) {
  const Expected<std::vector<Token>> tokens = tokenizer_->encode("Hi<|endoftext|>there");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[1].id, 50256);
  EXPECT_EQ((*tokens)[1].begin, 2u);
  EXPECT_EQ((*tokens)[1].end, 15u);
  const Token bos = tokenizer_->special_token(50256, 0);
  EXPECT_TRUE(bos.special);
  EXPECT_EQ(bos.word, -1);
  EXPECT_EQ(bos.text, "<|endoftext|>");
}

TEST_F(Gpt2Real, InvalidUtf8NamesTheByte) {
  const Expected<std::vector<Token>> tokens = tokenizer_->encode("ab\xFF");
  ASSERT_FALSE(tokens.ok());
  EXPECT_NE(tokens.error().message.find("byte 2"), std::string::npos) << tokens.error().message;
}

TEST_F(Gpt2Real, EmptyTextGivesNoTokens) {
  const Expected<std::vector<Token>> tokens = tokenizer_->encode("");
  ASSERT_TRUE(tokens.ok());
  EXPECT_TRUE(tokens->empty());
}

// ---- Refusals. ----------------------------------------------------------------------------

std::string tiny_vocab_json() {
  // Every byte as its character, as byte-level vocabularies have.
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_level_char(static_cast<unsigned char>(b))] = b;
  vocab["ab"] = 256;
  return vocab.dump();
}

TEST(Gpt2Refusal, MissingFilesNameThePath) {
  TempFolder folder("gpt2");
  Expected<std::unique_ptr<Gpt2BpeTokenizer>> loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("vocab.json"), std::string::npos);
  EXPECT_EQ(loaded.error().field, InputField::Model);
  folder.write("vocab.json", tiny_vocab_json());
  loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("merges.txt"), std::string::npos);
}

TEST(Gpt2Refusal, MalformedJson) {
  TempFolder folder("gpt2");
  folder.write("vocab.json", "{\"a\": 1,");
  folder.write("merges.txt", "#version: 0.2\n");
  const auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("not valid JSON"), std::string::npos)
      << loaded.error().message;
}

TEST(Gpt2Refusal, VocabNotAnObject) {
  TempFolder folder("gpt2");
  folder.write("vocab.json", "[1, 2, 3]");
  folder.write("merges.txt", "#version: 0.2\n");
  const auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("must be a JSON object"), std::string::npos)
      << loaded.error().message;
}

TEST(Gpt2Refusal, MergeOfUnknownPiecesIsRefusedLikeHuggingFace) {
  TempFolder folder("gpt2");
  folder.write("vocab.json", tiny_vocab_json());
  folder.write("merges.txt", "#version: 0.2\na b\nab zz\n");
  const auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("merge 2"), std::string::npos) << loaded.error().message;
}

TEST(Gpt2Refusal, MalformedMergeLineAndMissingByte) {
  TempFolder folder("gpt2");
  folder.write("vocab.json", tiny_vocab_json());
  folder.write("merges.txt", "#version: 0.2\na b c\n");
  auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("line 2"), std::string::npos) << loaded.error().message;

  folder.write("vocab.json", R"({"a": 0, "b": 1, "ab": 2})");
  folder.write("merges.txt", "a b\n");
  loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("has no token"), std::string::npos)
      << loaded.error().message;
}

TEST(Gpt2Refusal, AbsurdOrDuplicateIds) {
  TempFolder folder("gpt2");
  folder.write("merges.txt", "");
  folder.write("vocab.json", R"({"a": 2000000000})");
  auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("out of range"), std::string::npos);
  folder.write("vocab.json", R"({"a": 1, "b": 1})");
  loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("is given to both"), std::string::npos);
}

TEST(Gpt2Tiny, MergesApplyInRankOrder) {
  TempFolder folder("gpt2");
  folder.write("vocab.json", tiny_vocab_json());
  folder.write("merges.txt", "#version: 0.2\na b\n");
  const auto loaded = Gpt2BpeTokenizer::load(folder.path());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const auto tokens = (*loaded)->encode("abab");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, 256);
  EXPECT_EQ((*tokens)[1].begin, 2u);
}

}  // namespace
}  // namespace attn
