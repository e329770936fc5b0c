#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attn/expected.h"
#include "attn/text/subword_tokenizer.h"

namespace attn {

/// BERT's WordPiece (Wu et al. 2016, as Hugging Face BertTokenizer does it): clean the text,
/// put spaces around CJK ideographs, split at white space, lower-case and strip accents, split
/// off punctuation, then greedy longest-match-first pieces with "##" continuations; a word of
/// more than 100 characters, or one that cannot be cut into pieces, is [UNK].
/// Spans point into the typed text even where lower-casing or accent stripping changed it.
class WordPieceTokenizer : public SubwordTokenizer {
 public:
  struct Options {
    bool lower_case = true;              ///< do_lower_case
    std::optional<bool> strip_accents;   ///< unset: follows lower_case
    bool tokenize_chinese_chars = true;  ///< each CJK ideograph a word of its own
    std::string unk_token = "[UNK]";
    int max_chars_per_word = 100;
  };

  /// Loads `folder`/vocab.txt, with options from `folder`/tokenizer_config.json when present.
  static Expected<std::unique_ptr<WordPieceTokenizer>> load(const std::string& folder);
  /// Loads a vocab.txt (one piece per line, id = line index) with the given options.
  static Expected<std::unique_ptr<WordPieceTokenizer>> load(const std::string& vocab_txt,
                                                            const Options& options);
  /// The same from vocab.txt's text; `vocab_txt` names it in messages.
  static Expected<std::unique_ptr<WordPieceTokenizer>> parse(std::string_view vocab_text,
                                                             const Options& options,
                                                             const std::string& vocab_txt);

  Expected<std::vector<Token>> encode(std::string_view text) const override;
  int vocab_size() const override;
  std::string piece(int id) const override;
  /// Pieces joined by spaces, "##" continuations glued, spaces before punctuation cleaned up
  /// (BertTokenizer.decode with clean_up_tokenization_spaces).
  std::string decode(const std::vector<int>& ids) const override;
  /// The id of a bracketed vocabulary token ("[CLS]", "[SEP]", "[MASK]", …), or -1.
  int special_id(std::string_view text) const override;
  std::string description() const override;

 private:
  WordPieceTokenizer() = default;
  struct Char {
    char32_t value;
    std::size_t begin;  // typed bytes it came from
    std::size_t end;
  };
  void word_pieces(const std::vector<Char>& word, std::vector<Token>& out) const;

  std::vector<std::string> pieces_;
  std::unordered_map<std::string, int> ids_;
  std::vector<std::pair<std::string, int>> never_split_;
  Options options_;
  bool strip_accents_ = true;
  int unk_id_ = -1;
};

}  // namespace attn
