#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"

namespace attn {

/// One token: what a person reads, the bytes [begin, end) of the typed text it covers and,
/// for a checkpoint's tokenizer, its vocabulary id and raw piece.
struct Token {
  std::string text;       ///< display text, valid UTF-8, no Ġ, ▁ or ## marks ("world", "[CLS]")
  std::size_t begin = 0;  ///< byte span in the typed text; begin == end for a special token
  std::size_t end = 0;
  int id = -1;        ///< vocabulary id; -1 from the toy tokenizer
  std::string piece;  ///< the vocabulary's own piece ("Ġworld", "##ing", "▁the"); empty for toy
  int word = -1;      ///< index of the typed word it belongs to (see assign_words); -1 special
  bool special = false;  ///< added by the model ([CLS], [SEP], BOS), not typed
  int segment = 0;       ///< BERT token type: 0 = sentence A (source), 1 = sentence B (target)
};

/// Splits UTF-8 text into tokens, predictably and the same on every machine:
/// - white space separates tokens and is dropped;
/// - a run of letters and digits is one word ("cat", "GPT2", "naïve");
/// - an apostrophe (' or U+2019) between two letters stays inside the word: "don't", "it's"
///   and "didn't" are one token each; any other apostrophe is its own token ("dogs'" gives
///   "dogs" and "'");
/// - a '.' or ',' between two digits stays inside the number: "3.14", "1,000";
/// - every other punctuation mark or symbol is a token of its own ("well-known" gives three);
/// - every CJK ideograph and kana is a token of its own ("我爱自然语言处理" gives 8);
/// - combining marks and variation selectors stay with the character before them.
/// Invalid UTF-8 gives an Error (field Other; the caller names the input).
Expected<std::vector<Token>> tokenize(std::string_view text);

}  // namespace attn
