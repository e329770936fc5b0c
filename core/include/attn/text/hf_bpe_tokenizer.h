#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "attn/expected.h"
#include "attn/text/byte_level_bpe_tokenizer.h"

namespace attn {

/// A Hugging Face tokenizer.json whose model is byte-level BPE (GPT-2, Llama 3, Qwen2,
/// SmolLM): model.vocab and model.merges ("a b" strings or ["a", "b"] pairs),
/// model.ignore_merges, the pre-tokenizer as the file gives it (ByteLevel, or a Sequence of
/// Split / Digits steps then ByteLevel), the normalizer (none or NFC) and added_tokens, which
/// are matched in typed text first and known to special_id().
/// Refused with a message: Unigram and WordPiece models, and BPE that is not byte-level (a
/// SentencePiece-style BPE with byte_fallback, such as Llama 2's: use tokenizer.model).
class HfBpeTokenizer : public ByteLevelBpeTokenizer {
 public:
  /// Loads a tokenizer.json file.
  static Expected<std::unique_ptr<HfBpeTokenizer>> load(const std::string& tokenizer_json);
  /// The same from the file's text; `path` names it in messages.
  static Expected<std::unique_ptr<HfBpeTokenizer>> parse(std::string_view json_text,
                                                         const std::string& path);
};

}  // namespace attn
