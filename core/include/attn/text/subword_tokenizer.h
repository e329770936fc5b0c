#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"
#include "attn/text/tokenizer.h"

namespace attn {

/// A checkpoint's own tokenizer: typed text → vocabulary ids, each token with its raw piece,
/// a display text and its byte span in the typed text. Special tokens ([CLS], BOS, …) are never
/// added by encode(); the model family adds what its checkpoint expects. Thread-safe after
/// loading (encode is const and keeps no state).
class SubwordTokenizer {
 public:
  virtual ~SubwordTokenizer() = default;

  /// Tokens of `text` (no special tokens), with id, piece, text, begin/end and word set.
  /// Invalid UTF-8 gives an Error naming the byte offset.
  virtual Expected<std::vector<Token>> encode(std::string_view text) const = 0;
  /// Number of ids (the largest id + 1).
  virtual int vocab_size() const = 0;
  /// The vocabulary's piece for `id` ("Ġworld"); empty when out of range.
  virtual std::string piece(int id) const = 0;
  /// The text `ids` stand for, as the model's own decoder gives it (bytes joined, markers
  /// removed); invalid UTF-8 byte sequences replaced with U+FFFD.
  virtual std::string decode(const std::vector<int>& ids) const = 0;
  /// The id of a special token written as text ("[CLS]", "<s>", "<|endoftext|>"), or -1.
  virtual int special_id(std::string_view text) const = 0;
  /// A Token for a special id, with begin = end = `at` and special = true.
  Token special_token(int id, std::size_t at) const;
  /// What kind of tokenizer this is, for messages and the model card ("GPT-2 byte-level BPE").
  virtual std::string description() const = 0;
};

/// Sets Token::word for each token: the index of the typed word (as the toy tokenizer splits
/// `text`: a run of letters/digits, one punctuation mark, one CJK character) that holds the
/// token's first non-space byte. Tokens whose span holds no word byte get the nearest word
/// before them (or 0); special tokens get -1.
void assign_words(std::vector<Token>& tokens, std::string_view text);

/// The tokenizer of a Hugging Face folder, chosen from the files present, in this order:
/// tokenizer.model / spiece.model (SentencePiece), tokenizer.json with a BPE model
/// (byte-level, the pre-tokenizer pattern the file gives), vocab.json + merges.txt (GPT-2
/// byte-level BPE), vocab.txt (BERT WordPiece, options from tokenizer_config.json).
/// An Error names the folder and what is missing or malformed.
Expected<std::unique_ptr<SubwordTokenizer>> load_tokenizer(const std::string& folder);

}  // namespace attn
