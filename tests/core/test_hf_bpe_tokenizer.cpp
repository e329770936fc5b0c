#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "attn/text/gpt2_bpe_tokenizer.h"
#include "attn/text/hf_bpe_tokenizer.h"
#include "tokenizer_test_files.h"

namespace attn {
namespace {

using nlohmann::json;
using testing::expect_spans_cover;
using testing::shared_data;
using testing::TempFolder;

std::vector<int> ids_of(const SubwordTokenizer& tokenizer, std::string_view text) {
  const Expected<std::vector<Token>> tokens = tokenizer.encode(text);
  EXPECT_TRUE(tokens.ok()) << (tokens.ok() ? "" : tokens.error().message);
  std::vector<int> out;
  if (tokens)
    for (const Token& t : *tokens) out.push_back(t.id);
  return out;
}

std::vector<std::string> texts_of(const SubwordTokenizer& tokenizer, std::string_view text) {
  const Expected<std::vector<Token>> tokens = tokenizer.encode(text);
  EXPECT_TRUE(tokens.ok()) << (tokens.ok() ? "" : tokens.error().message);
  std::vector<std::string> out;
  if (tokens)
    for (const Token& t : *tokens) out.push_back(t.text);
  return out;
}

// A byte-level vocabulary: the 256 byte characters (ids 0..255), then `extra` pieces.
json byte_vocab(const std::vector<std::string>& extra) {
  json vocab = json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_level_char(static_cast<unsigned char>(b))] = b;
  int id = 256;
  for (const std::string& piece : extra) vocab[piece] = id++;
  return vocab;
}

json tokenizer_json(json vocab, json merges, json pre_tokenizer) {
  json file = {{"version", "1.0"},
               {"added_tokens", json::array()},
               {"normalizer", nullptr},
               {"pre_tokenizer", pre_tokenizer},
               {"decoder", {{"type", "ByteLevel"}}},
               {"model",
                {{"type", "BPE"},
                 {"byte_fallback", false},
                 {"ignore_merges", false},
                 {"vocab", vocab},
                 {"merges", merges}}}};
  return file;
}

const json kByteLevel = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};

Expected<std::unique_ptr<HfBpeTokenizer>> load_json(const TempFolder& folder, const json& file) {
  return HfBpeTokenizer::load(folder.write("tokenizer.json", file.dump()));
}

// ---- GPT-2's own vocabulary, converted to a tokenizer.json here. ----------------------------

const char* const kSamples[] = {
    "Hello world",
    "我爱自然语言处理",
    "🙂",
    "3.14159 and 2024",
    "a   b\n\nc",
    "don't",
    "The quick brown fox jumps over the lazy dog.",
    "  two  spaces  ",
    "Tabs\tand\r\nCRLF",
    "naïve café — “quotes”",
    "Привет мир",
    "x=1+2*3; y = (a[0] | b)",
    "she'll we've I'm",
    "end<|endoftext|>start",
    "日本語のテキストと한국어",
    "👍🏽",
    "\n\n\n",
    "1234567890",
};

TEST(HfBpeGpt2, SameIdsAsVocabJsonAndMergesTxt) {
  const std::string folder = shared_data("gpt2-tokenizer");
  if (folder.empty()) GTEST_SKIP() << "../shared/data not found: GPT-2 comparison skipped";
  const auto gpt2 = Gpt2BpeTokenizer::load(folder);
  ASSERT_TRUE(gpt2.ok()) << gpt2.error().message;

  std::ifstream vocab_in(folder + "/vocab.json");
  const json vocab = json::parse(vocab_in);
  std::ifstream merges_in(folder + "/merges.txt");
  json merges_strings = json::array();
  json merges_pairs = json::array();
  std::string line;
  std::getline(merges_in, line);
  while (std::getline(merges_in, line)) {
    if (line.empty()) continue;
    merges_strings.push_back(line);
    const std::size_t space = line.find(' ');
    merges_pairs.push_back({line.substr(0, space), line.substr(space + 1)});
  }
  TempFolder temp("hf");
  for (const json& merges : {merges_strings, merges_pairs}) {
    json file = tokenizer_json(vocab, merges, kByteLevel);
    file["added_tokens"] = json::array({{{"id", 50256},
                                         {"content", "<|endoftext|>"},
                                         {"single_word", false},
                                         {"lstrip", false},
                                         {"rstrip", false},
                                         {"normalized", true},
                                         {"special", true}}});
    const auto hf = load_json(temp, file);
    ASSERT_TRUE(hf.ok()) << hf.error().message;
    EXPECT_EQ((*hf)->vocab_size(), 50257);
    EXPECT_EQ((*hf)->special_id("<|endoftext|>"), 50256);
    EXPECT_EQ(ids_of(**hf, "Hello world"), (std::vector<int>{15496, 995}));
    for (const char* text : kSamples) {
      EXPECT_EQ(ids_of(**hf, text), ids_of(**gpt2, text)) << text;
      const auto tokens = (*hf)->encode(text);
      ASSERT_TRUE(tokens.ok());
      expect_spans_cover(*tokens, text);
      std::vector<int> ids;
      for (const Token& t : *tokens) ids.push_back(t.id);
      EXPECT_EQ((*hf)->decode(ids), text);
    }
  }
}

// ---- Small files written by hand. ------------------------------------------------------------

TEST(HfBpeSmall, Llama3SplitKeepsAtMostThreeDigitsTogether) {
  // Llama 3's pre-tokenizer: its Split pattern, then ByteLevel without the GPT-2 pattern.
  const json pre = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"},
         {"pattern",
          {{"Regex",
            R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)"}}},
         {"behavior", "Isolated"},
         {"invert", false}},
        {{"type", "ByteLevel"},
         {"add_prefix_space", false},
         {"trim_offsets", true},
         {"use_regex", false}}}}};
  // Merges 1+2 → "12", "12"+"3" → "123", 4+5 → "45".
  const json vocab = byte_vocab({"12", "123", "45", "ĠI", "'S"});
  const json merges = json::array({"1 2", "12 3", "4 5", "Ġ I", "' S"});
  TempFolder folder("hf");
  const auto tokenizer = load_json(folder, tokenizer_json(vocab, merges, pre));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  // "12345" → pieces "123" and "45" (\p{N}{1,3}); GPT-2's pattern would keep all five.
  EXPECT_EQ(ids_of(**tokenizer, "12345"), (std::vector<int>{257, 258}));
  EXPECT_EQ(texts_of(**tokenizer, "12345"), (std::vector<std::string>{"123", "45"}));
  // (?i:'s): the case-insensitive contraction is one piece; " I" merges.
  EXPECT_EQ(ids_of(**tokenizer, " I'S"), (std::vector<int>{259, 260}));
  const auto tokens = (*tokenizer)->encode("x 12345\n\ny");
  ASSERT_TRUE(tokens.ok());
  expect_spans_cover(*tokens, "x 12345\n\ny");
}

TEST(HfBpeSmall, IgnoreMergesTakesWholeVocabularyWords) {
  // "abc" is in the vocabulary but no merge makes it.
  const json vocab = byte_vocab({"ab", "abc"});
  const json merges = json::array({"a b"});
  json file = tokenizer_json(vocab, merges, kByteLevel);
  TempFolder folder("hf");
  auto tokenizer = load_json(folder, file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  EXPECT_EQ(ids_of(**tokenizer, "abc"), (std::vector<int>{256, 'c'}));
  file["model"]["ignore_merges"] = true;
  tokenizer = load_json(folder, file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  EXPECT_EQ(ids_of(**tokenizer, "abc"), (std::vector<int>{257}));
  EXPECT_EQ(ids_of(**tokenizer, "abcab"), (std::vector<int>{256, 'c', 256}));  // merges again
}

TEST(HfBpeSmall, AddedTokensAreMatchedFirstAndKnownAsSpecial) {
  json file = tokenizer_json(byte_vocab({}), json::array(), kByteLevel);
  file["added_tokens"] =
      json::array({{{"id", 300}, {"content", "<|begin_of_text|>"}, {"special", true}},
                   {{"id", 301}, {"content", "<|eot_id|>"}, {"special", true}}});
  TempFolder folder("hf");
  const auto tokenizer = load_json(folder, file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  EXPECT_EQ((*tokenizer)->vocab_size(), 302);
  EXPECT_EQ((*tokenizer)->special_id("<|eot_id|>"), 301);
  EXPECT_EQ((*tokenizer)->piece(300), "<|begin_of_text|>");
  const auto tokens = (*tokenizer)->encode("a<|eot_id|>b");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[1].id, 301);
  EXPECT_EQ((*tokens)[1].text, "<|eot_id|>");
  EXPECT_EQ((*tokens)[1].begin, 1u);
  EXPECT_EQ((*tokens)[1].end, 11u);
  EXPECT_EQ((*tokenizer)->decode({'a', 301, 'b'}), "a<|eot_id|>b");
}

TEST(HfBpeSmall, DigitsThenByteLevelAsSmolLM) {
  const json pre = {
      {"type", "Sequence"},
      {"pretokenizers", {{{"type", "Digits"}, {"individual_digits", true}}, kByteLevel}}};
  const json vocab = byte_vocab({"12"});
  TempFolder folder("hf");
  const auto tokenizer = load_json(folder, tokenizer_json(vocab, json::array({"1 2"}), pre));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  EXPECT_EQ(ids_of(**tokenizer, "12"), (std::vector<int>{'1', '2'}));  // never merged
}

TEST(HfBpeSmall, PrefixSpaceCoversNoTypedByte) {
  const json pre = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  const json vocab = byte_vocab({"Ġh", "Ġhi"});
  TempFolder folder("hf");
  const auto tokenizer =
      load_json(folder, tokenizer_json(vocab, json::array({"Ġ h", "Ġh i"}), pre));
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  const auto tokens = (*tokenizer)->encode("hi");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].id, 257);
  EXPECT_EQ((*tokens)[0].text, "hi");
  EXPECT_EQ((*tokens)[0].begin, 0u);
  EXPECT_EQ((*tokens)[0].end, 2u);
}

TEST(HfBpeSmall, NfcNormalizerKeepsSpansOnTheTypedBytes) {
  // "é" typed decomposed (e + U+0301, 3 bytes) is composed (C3 A9) before the merges.
  json file = tokenizer_json(byte_vocab({"Ã©"}), json::array({"Ã ©"}), kByteLevel);
  file["normalizer"] = {{"type", "NFC"}};
  TempFolder folder("hf");
  const auto tokenizer = load_json(folder, file);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  const std::string typed = "e\xCC\x81x";
  const auto tokens = (*tokenizer)->encode(typed);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, 256);
  EXPECT_EQ((*tokens)[0].text, "é");
  EXPECT_EQ((*tokens)[0].begin, 0u);
  EXPECT_EQ((*tokens)[0].end, 3u);
  EXPECT_EQ((*tokens)[1].begin, 3u);
}

// ---- Refusals. ------------------------------------------------------------------------------

std::string refusal(const json& file) {
  TempFolder folder("hf");
  const auto loaded = HfBpeTokenizer::load(folder.write("tokenizer.json", file.dump()));
  return loaded.ok() ? std::string("(loaded)") : loaded.error().message;
}

TEST(HfBpeRefusal, UnsupportedKindsSayWhatToUse) {
  json unigram = tokenizer_json(byte_vocab({}), json::array(), kByteLevel);
  unigram["model"] = {{"type", "Unigram"}, {"vocab", json::array()}};
  EXPECT_NE(refusal(unigram).find("Unigram"), std::string::npos) << refusal(unigram);

  json wordpiece = unigram;
  wordpiece["model"] = {{"type", "WordPiece"}, {"vocab", json::object()}};
  EXPECT_NE(refusal(wordpiece).find("vocab.txt"), std::string::npos) << refusal(wordpiece);

  // Llama 2's tokenizer.json: BPE with byte_fallback and a Metaspace pre-tokenizer.
  json llama2 = tokenizer_json(json{{"<unk>", 0}, {"▁a", 1}}, json::array(), nullptr);
  llama2["model"]["byte_fallback"] = true;
  EXPECT_NE(refusal(llama2).find("tokenizer.model"), std::string::npos) << refusal(llama2);
  llama2["model"]["byte_fallback"] = false;
  llama2["pre_tokenizer"] = {{"type", "Metaspace"}, {"replacement", "▁"}};
  EXPECT_NE(refusal(llama2).find("tokenizer.model"), std::string::npos) << refusal(llama2);
}

TEST(HfBpeRefusal, MalformedFiles) {
  TempFolder folder("hf");
  auto loaded = HfBpeTokenizer::load(folder.write("tokenizer.json", "{\"model\": "));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("not valid JSON"), std::string::npos);
  loaded = HfBpeTokenizer::load(folder.path() + "/absent.json");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("absent.json"), std::string::npos);

  json bad = tokenizer_json(byte_vocab({}), json::array({"a zz"}), kByteLevel);
  EXPECT_NE(refusal(bad).find("not in the vocabulary"), std::string::npos) << refusal(bad);
  bad = tokenizer_json(json::array(), json::array(), kByteLevel);
  EXPECT_NE(refusal(bad).find("model.vocab"), std::string::npos) << refusal(bad);
  bad = tokenizer_json(byte_vocab({}), json::array({42}), kByteLevel);
  EXPECT_NE(refusal(bad).find("merge 1"), std::string::npos) << refusal(bad);
  bad =
      tokenizer_json(byte_vocab({}), json::array(),
                     {{"type", "Sequence"},
                      {"pretokenizers",
                       {{{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}}, kByteLevel}}});
  EXPECT_NE(refusal(bad).find("does not compile"), std::string::npos) << refusal(bad);
  bad = tokenizer_json(byte_vocab({}), json::array(), kByteLevel);
  bad["normalizer"] = {{"type", "Lowercase"}};
  EXPECT_NE(refusal(bad).find("Lowercase"), std::string::npos) << refusal(bad);
}

}  // namespace
}  // namespace attn
