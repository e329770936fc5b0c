#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attn/expected.h"
#include "attn/text/subword_tokenizer.h"

namespace attn {

/// llama2.c's tokenizer.bin (int32 max_token_length, then per token: float32 score, int32
/// length, that many bytes; little-endian), encoded exactly as run.c encode(): a dummy-prefix
/// " " token when the text is not empty, each UTF-8 character as its piece (or its bytes as
/// byte tokens, id = byte + 3, when it has none), then repeatedly the adjacent pair whose
/// concatenation is a piece with the highest score (leftmost on ties) is merged.
/// ids 0, 1, 2 are <unk>, BOS <s> and EOS </s>; the caller adds BOS.
class Llama2cTokenizer : public SubwordTokenizer {
 public:
  /// Loads `path` holding exactly `vocab_size` entries (the model header's vocab_size).
  /// Refused: max_token_length ≤ 0 or above 1 MB, a length that is negative, above
  /// max_token_length or past the end, fewer entries than vocab_size, and bytes after the
  /// last entry (run.c ignores them; they mean the file does not belong to this model).
  static Expected<std::unique_ptr<Llama2cTokenizer>> load(const std::string& path, int vocab_size);
  /// The same from the file's bytes; `path` names it in messages.
  static Expected<std::unique_ptr<Llama2cTokenizer>> parse(std::string_view data, int vocab_size,
                                                           const std::string& path);

  Expected<std::vector<Token>> encode(std::string_view text) const override;
  int vocab_size() const override;
  std::string piece(int id) const override;
  /// As run.c decode(): the leading space after BOS (and at the start) dropped, "<0xNN>"
  /// pieces as their byte; BOS and EOS themselves give no text.
  std::string decode(const std::vector<int>& ids) const override;
  /// "<unk>" → 0, "<s>" → 1, "</s>" → 2; else -1.
  int special_id(std::string_view text) const override;
  std::string description() const override;

  /// The score of `id` (0 when out of range).
  float score(int id) const;
  /// The file's max_token_length.
  int max_token_length() const { return max_token_length_; }

 private:
  Llama2cTokenizer() = default;
  int lookup(const std::string& text) const;

  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::unordered_map<std::string, int> ids_;  // the lowest id of each piece
  int max_token_length_ = 0;
};

}  // namespace attn
