#pragma once

// Helpers the subword tokenizers share (not public API): reading a file with a size limit,
// display labels for a token's bytes, UTF-8 checks and splitting typed text at added tokens.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/expected.h"

namespace attn::subword {

/// Largest tokenizer file read (vocab.json, tokenizer.json, tokenizer.model, …).
constexpr std::size_t kMaxTokenizerFileBytes = std::size_t{100} << 20;
/// Largest id a vocabulary may use (real vocabularies stay below 300,000).
constexpr int kMaxVocabularyId = (1 << 21) - 1;

/// The bytes of `path`, or an Error (field Model) naming `what` and the path when the file is
/// missing, unreadable or larger than `max_bytes`.
Expected<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                const std::string& what);

/// `bytes` parsed as JSON; an Error (field Model) "<path> is not valid JSON (…)" otherwise.
Expected<nlohmann::json> parse_json(std::string_view bytes, const std::string& path);

/// The piece → id pairs of a Hugging Face vocab.json (an object of whole-number ids in
/// [0, kMaxVocabularyId]), in file order; an Error (field Model) names the path and the problem.
/// `what` names the file in messages ("the vocabulary vocab.json").
Expected<std::vector<std::pair<std::string, int>>> read_vocab_json(const std::string& path,
                                                                   const std::string& what);
/// The same for a vocab.json's bytes (`path` names it in messages).
Expected<std::vector<std::pair<std::string, int>>> parse_vocab_json(std::string_view bytes,
                                                                    const std::string& path);

/// `folder`/`name`.
std::string join_path(const std::string& folder, const std::string& name);
/// Whether `path` names a regular file.
bool is_file(const std::string& path);

/// Length of the valid UTF-8 sequence starting at `text[at]`, or 0 when it is invalid or cut off.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);
/// `bytes` with every invalid UTF-8 byte replaced by U+FFFD.
std::string to_valid_utf8(std::string_view bytes);
/// Error (field Other) naming the first invalid byte of `text`; ok (empty message) when valid.
bool check_utf8(std::string_view text, Error& error);

/// A display label for a token's bytes: valid UTF-8 characters as they are, other bytes as
/// "<0xNN>", surrounding white space trimmed; a white-space-only token shows its spaces and
/// line breaks visibly ("␣", "↵", "⇥"), so a label is never blank.
std::string display_label(std::string_view bytes);

/// The display label of a SentencePiece piece: each "▁" a space, then display_label().
std::string sentence_piece_label(std::string piece);

/// A run of typed text: either plain text or one added/special token (`id` ≥ 0).
struct TextSegment {
  std::size_t begin = 0;
  std::size_t end = 0;
  int id = -1;
};

/// Splits `text` at every occurrence of an added token (leftmost, then longest first), as
/// Hugging Face tokenizers extract added tokens before normalization. `added` holds
/// (content, id) pairs; empty contents are ignored.
std::vector<TextSegment> split_added_tokens(std::string_view text,
                                            const std::vector<std::pair<std::string, int>>& added);

/// The byte a byte-fallback piece "<0xNN>" stands for (SentencePiece, llama2.c), or -1.
int byte_piece_value(std::string_view piece);

}  // namespace attn::subword
