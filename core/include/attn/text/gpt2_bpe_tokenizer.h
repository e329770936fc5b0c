#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "attn/expected.h"
#include "attn/text/byte_level_bpe_tokenizer.h"

namespace attn {

/// GPT-2's tokenizer from its two original files: vocab.json (piece → id) and merges.txt (one
/// merge "a b" per line by rank, a first line "#version: …" skipped). The pre-tokenizer is
/// GPT-2's pattern; "<|endoftext|>" (and the tokens special_tokens_map.json names, when that
/// file is beside vocab.json) are special: special_id() knows them and typed text that holds
/// one gets its id, as Hugging Face's GPT2Tokenizer does.
class Gpt2BpeTokenizer : public ByteLevelBpeTokenizer {
 public:
  /// Loads `folder`/vocab.json and `folder`/merges.txt.
  static Expected<std::unique_ptr<Gpt2BpeTokenizer>> load(const std::string& folder);
  /// Loads the two files by path; special_tokens_map.json is looked for beside vocab.json.
  static Expected<std::unique_ptr<Gpt2BpeTokenizer>> load(const std::string& vocab_json,
                                                          const std::string& merges_txt);
  /// The same from the files' bytes (what load() reads): `vocab_json` and `merges_txt` name
  /// them in messages; `special_tokens_map` is that file's text when there is one.
  static Expected<std::unique_ptr<Gpt2BpeTokenizer>> parse(
      std::string_view vocab_text, std::string_view merges_text, const std::string& vocab_json,
      const std::string& merges_txt,
      const std::optional<std::string>& special_tokens_map = std::nullopt);
};

}  // namespace attn
