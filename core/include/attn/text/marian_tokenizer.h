#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attn/expected.h"
#include "attn/text/sentence_piece_tokenizer.h"
#include "attn/text/subword_tokenizer.h"

namespace attn {

/// The tokenizer of a Marian translation model (Helsinki-NLP opus-mt), as Hugging Face's
/// MarianTokenizer computes it: source.spm cuts the source text and target.spm the target
/// text into SentencePiece pieces, and vocab.json maps each piece (as SentencePiece writes it:
/// an unknown piece keeps its own text) to the model's id, "<unk>" when it has none. A leading
/// language code such as ">>fra<<" (multilingual models) is one token of its own. encode() is
/// the source side; special tokens ("</s>") are added by the model, not here.
class MarianTokenizer final : public SubwordTokenizer {
 public:
  /// Loads `folder`/source.spm, target.spm and vocab.json. vocab.json must hold "</s>" and
  /// "<unk>"; an Error (field Model) names the file and the problem.
  static Expected<std::unique_ptr<MarianTokenizer>> load(const std::string& folder);

  /// Source text → tokens (source.spm).
  Expected<std::vector<Token>> encode(std::string_view text) const override;
  /// Target text → tokens (target.spm), for teacher forcing.
  Expected<std::vector<Token>> encode_target(std::string_view text) const;
  /// The largest id of vocab.json + 1.
  int vocab_size() const override { return vocab_size_; }
  std::string piece(int id) const override;
  /// Target-side text of `ids` (target.spm's decoder), "</s>", "<pad>" and unknown ids left out.
  std::string decode(const std::vector<int>& ids) const override;
  /// The id of "</s>", "<unk>" or "<pad>" (when vocab.json has it), else -1.
  int special_id(std::string_view text) const override;
  std::string description() const override { return "Marian SentencePiece (" + folder_ + ")"; }

  /// A Token for an id the model produced: its piece and display text (special for "</s>",
  /// "<pad>" and "<unk>"), with no span in any typed text.
  Token token_of_id(int id) const;

  int eos_id() const { return eos_id_; }
  int unk_id() const { return unk_id_; }
  int pad_id() const { return pad_id_; }

 private:
  MarianTokenizer() = default;
  Expected<std::vector<Token>> encode_with(const SentencePieceTokenizer& model,
                                           std::string_view text) const;
  int id_of(const std::string& piece) const;

  std::unique_ptr<SentencePieceTokenizer> source_;
  std::unique_ptr<SentencePieceTokenizer> target_;
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<int, std::string> pieces_;
  int vocab_size_ = 0;
  int eos_id_ = -1;
  int unk_id_ = -1;
  int pad_id_ = -1;
  std::string folder_;
};

}  // namespace attn
