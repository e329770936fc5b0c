#include "attn/text/gpt2_bpe_tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "subword_support.h"

namespace attn {
Expected<std::unique_ptr<Gpt2BpeTokenizer>> Gpt2BpeTokenizer::load(const std::string& folder) {
  return load(subword::join_path(folder, "vocab.json"), subword::join_path(folder, "merges.txt"));
}

Expected<std::unique_ptr<Gpt2BpeTokenizer>> Gpt2BpeTokenizer::load(const std::string& vocab_json,
                                                                   const std::string& merges_txt) {
  Expected<std::string> vocab_bytes =
      subword::read_file(vocab_json, subword::kMaxTokenizerFileBytes, "the vocabulary vocab.json");
  if (!vocab_bytes) return vocab_bytes.error();
  Expected<std::string> merges =
      subword::read_file(merges_txt, subword::kMaxTokenizerFileBytes, "the merges file merges.txt");
  if (!merges) return merges.error();
  std::optional<std::string> special_tokens_map;
  const std::string map_path =
      (std::filesystem::path(vocab_json).parent_path() / "special_tokens_map.json").string();
  if (subword::is_file(map_path)) {
    Expected<std::string> map_bytes =
        subword::read_file(map_path, 1 << 20, "special_tokens_map.json");
    if (!map_bytes) return map_bytes.error();
    special_tokens_map = std::move(map_bytes).value();
  }
  return parse(*vocab_bytes, *merges, vocab_json, merges_txt, special_tokens_map);
}

Expected<std::unique_ptr<Gpt2BpeTokenizer>> Gpt2BpeTokenizer::parse(
    std::string_view vocab_text, std::string_view merges_text, const std::string& vocab_json,
    const std::string& merges_txt, const std::optional<std::string>& special_tokens_map) {
  ByteLevelBpeSpec spec;
  spec.source = vocab_json + " + " + merges_txt;
  spec.description = "GPT-2 byte-level BPE";

  Expected<std::vector<std::pair<std::string, int>>> vocab =
      subword::parse_vocab_json(vocab_text, vocab_json);
  if (!vocab) return vocab.error();
  spec.vocab = std::move(vocab).value();

  std::size_t line_number = 0;
  std::size_t at = 0;
  const std::string_view text = merges_text;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line(text.substr(at, end - at));
    at = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1 && line.rfind("#version", 0) == 0) continue;
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string::npos)
      return Error{InputField::Model, merges_txt + " line " + std::to_string(line_number) +
                                          ": expected two pieces separated by one space, got \"" +
                                          subword::to_valid_utf8(line.substr(0, 80)) + "\""};
    spec.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }

  ByteLevelBpeSpec::Step byte_level;
  byte_level.kind = ByteLevelBpeSpec::Step::Kind::ByteLevel;
  spec.pre_tokenizer.push_back(byte_level);
  std::vector<std::string> specials{"<|endoftext|>"};
  if (special_tokens_map) {
    const std::string map_path =
        (std::filesystem::path(vocab_json).parent_path() / "special_tokens_map.json").string();
    Expected<nlohmann::json> map = subword::parse_json(*special_tokens_map, map_path);
    if (!map) return map.error();
    if (map->is_object()) {
      for (const auto& [key, value] : map->items()) {
        if (value.is_string()) specials.push_back(value.get<std::string>());
        if (value.is_object() && value.contains("content") && value["content"].is_string())
          specials.push_back(value["content"].get<std::string>());
      }
    }
  }
  for (const std::string& special : specials) {
    const auto found = std::find_if(spec.vocab.begin(), spec.vocab.end(),
                                    [&](const auto& entry) { return entry.first == special; });
    if (found != spec.vocab.end()) spec.added_tokens.push_back({special, found->second, true});
  }

  std::unique_ptr<Gpt2BpeTokenizer> tokenizer(new Gpt2BpeTokenizer);
  if (std::optional<Error> error = tokenizer->build(spec)) return *error;
  return tokenizer;
}

}  // namespace attn
