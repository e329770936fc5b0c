#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"
#include "attn/text/subword_tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace attn {

/// A SentencePiece model (tokenizer.model of Llama 2 / Mistral / Gemma, spiece.model of T5),
/// encoded by libsentencepiece itself. Display text: the piece's text without the "▁" marker;
/// a byte-fallback piece "<0xNN>" shows its character when that one byte is a whole character,
/// else "<0xNN>"; an unknown piece shows the vocabulary's unknown piece ("<unk>").
class SentencePieceTokenizer : public SubwordTokenizer {
 public:
  ~SentencePieceTokenizer() override;
  /// Loads a .model file (at most 100 MB); an Error names the path and the problem.
  static Expected<std::unique_ptr<SentencePieceTokenizer>> load(const std::string& model_path);
  /// The same from the file's bytes (a serialized ModelProto); `model_path` names it.
  static Expected<std::unique_ptr<SentencePieceTokenizer>> parse(std::string_view serialized,
                                                                 const std::string& model_path);

  Expected<std::vector<Token>> encode(std::string_view text) const override;
  /// As encode(), and `pieces` receives each token's piece as SentencePiece writes it: the
  /// vocabulary piece, or for an unknown piece its (normalised) text instead of "<unk>", as
  /// Python's `encode(text, out_type=str)` gives it.
  Expected<std::vector<Token>> encode(std::string_view text,
                                      std::vector<std::string>* pieces) const;
  /// The text of `pieces` (vocabulary pieces, "▁" for spaces) joined as SentencePiece's
  /// DecodePieces does; invalid UTF-8 replaced with U+FFFD.
  std::string decode_pieces(const std::vector<std::string>& pieces) const;
  int vocab_size() const override;
  std::string piece(int id) const override;
  std::string decode(const std::vector<int>& ids) const override;
  /// The id of a control or unknown piece written as text ("<s>", "</s>", "<unk>"), or -1.
  int special_id(std::string_view text) const override;
  std::string description() const override;

 private:
  SentencePieceTokenizer();
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
  std::string name_;
};

}  // namespace attn
