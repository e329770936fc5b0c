#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "attn/expected.h"
#include "attn/text/subword_tokenizer.h"

namespace attn {

class SplitRegex;

/// GPT-2's pre-tokenizer pattern (also what a ByteLevel pre-tokenizer with use_regex means).
inline constexpr const char* kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

/// GPT-2's bytes_to_unicode(): the printable character that stands for each byte in a
/// byte-level vocabulary ('Ġ' for the space 0x20, 'Ċ' for 0x0A), as UTF-8.
const std::string& byte_level_char(unsigned char byte);
/// A byte-level piece ("Ġworld") turned back into its bytes (" world"); nullopt when a character
/// is not one of the 256 byte characters.
std::optional<std::string> byte_level_decode(std::string_view piece);
/// Bytes written in the byte-level alphabet (" world" → "Ġworld").
std::string byte_level_encode(std::string_view bytes);

/// Everything that defines a byte-level BPE: what a vocab.json + merges.txt pair or a
/// tokenizer.json gives.
struct ByteLevelBpeSpec {
  /// One pre-tokenizer step, applied to each piece the previous steps left.
  struct Step {
    enum class Kind {
      Split,     ///< keep the matches of `pattern` and the text between them as pieces
      Digits,    ///< numbers apart: each digit alone (`individual`) or runs of digits
      ByteLevel  ///< a space before each piece when `add_prefix_space`, then GPT-2's pattern
                 ///< when `use_regex`
    };
    Kind kind = Kind::Split;
    std::string pattern;  ///< Split: the expression (or literal text when `literal`)
    bool literal = false;
    bool individual = false;
    bool add_prefix_space = false;
    bool use_regex = true;
  };
  /// A token matched in the typed text before anything else (`<|endoftext|>`).
  struct AddedToken {
    std::string content;
    int id = -1;
    bool special = true;
  };

  std::vector<std::pair<std::string, int>> vocab;  ///< byte-level pieces ("Ġworld") and ids
  std::vector<std::pair<std::string, std::string>> merges;  ///< pairs of pieces, by rank
  std::vector<Step> pre_tokenizer;
  std::vector<AddedToken> added_tokens;
  bool nfc = false;            ///< the normalizer: Unicode NFC (Qwen2) or none
  bool ignore_merges = false;  ///< a word that is itself in the vocabulary is one token
  std::string source;          ///< the file(s), for messages
  std::string description;
};

/// Byte-level BPE (Radford et al. 2019): text → pre-tokenizer pieces → bytes as the byte
/// alphabet → merges applied lowest rank first (leftmost first among equal ranks). Spans are
/// the typed bytes each token covers: consecutive tokens' spans are contiguous and cover the
/// text. Gpt2BpeTokenizer and HfBpeTokenizer load its specification from their files.
class ByteLevelBpeTokenizer : public SubwordTokenizer {
 public:
  ~ByteLevelBpeTokenizer() override;

  /// A tokenizer from a specification; an Error names `spec.source` and the problem (a merge
  /// of unknown pieces, a byte without a token, a duplicate id, a bad pattern).
  static Expected<std::unique_ptr<ByteLevelBpeTokenizer>> create(const ByteLevelBpeSpec& spec);

  Expected<std::vector<Token>> encode(std::string_view text) const override;
  int vocab_size() const override;
  std::string piece(int id) const override;
  std::string decode(const std::vector<int>& ids) const override;
  int special_id(std::string_view text) const override;
  std::string description() const override;

 protected:
  ByteLevelBpeTokenizer();
  /// Fills this tokenizer from `spec`; the Error when the specification is unusable.
  std::optional<Error> build(const ByteLevelBpeSpec& spec);

 private:
  struct CompiledStep {
    ByteLevelBpeSpec::Step step;
    std::shared_ptr<const SplitRegex> regex;
  };
  struct Piece {
    std::size_t begin = 0;  // bytes of the normalized text
    std::size_t end = 0;
    bool prefix_space = false;  // a space the ByteLevel step put before it
  };
  struct Symbol {
    int id = -1;
    std::uint32_t begin = 0;  // bytes of the word
    std::uint32_t end = 0;
  };

  bool pre_tokenize(std::string_view normalized, std::vector<Piece>& pieces,
                    std::string& problem) const;
  void bpe(std::string_view word, std::vector<Symbol>& out) const;

  std::vector<std::string> pieces_;  // id → piece as the file gives it ("Ġworld")
  std::vector<std::string> bytes_;   // id → the bytes it stands for (" world")
  std::vector<bool> is_added_;       // id → an added token (decodes to its content)
  std::unordered_map<std::string, int> id_of_bytes_;
  std::unordered_map<std::uint64_t, std::pair<int, int>> merges_;  // (left, right) → rank, id
  int byte_id_[256] = {};
  std::vector<CompiledStep> steps_;
  std::vector<std::pair<std::string, int>> added_;  // matched in the typed text
  std::unordered_map<std::string, int> special_ids_;
  bool nfc_ = false;
  bool ignore_merges_ = false;
  std::string description_;
};

}  // namespace attn
