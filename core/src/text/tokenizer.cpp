#include "attn/text/tokenizer.h"

#include <utility>

#include "attn/text/utf8.h"

namespace attn {
namespace {

enum class CharClass { Space, Word, Cjk, Mark, Punctuation };

bool in(char32_t c, char32_t first, char32_t last) { return c >= first && c <= last; }

bool is_space(char32_t c) {
  return c == ' ' || in(c, 0x09, 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         in(c, 0x2000, 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

bool is_cjk(char32_t c) {
  return in(c, 0x4E00, 0x9FFF) ||    // CJK Unified Ideographs
         in(c, 0x3400, 0x4DBF) ||    // Extension A
         in(c, 0x20000, 0x3134F) ||  // Extensions B–G
         in(c, 0xF900, 0xFAFF) ||    // Compatibility Ideographs
         in(c, 0x3005, 0x3007) ||    // 々 〆 〇
         in(c, 0x3040, 0x30FF) ||    // Hiragana, Katakana
         in(c, 0x31F0, 0x31FF) ||    // Katakana extensions
         in(c, 0xFF66, 0xFF9F);      // Half-width Katakana
}

bool is_mark(char32_t c) {
  return in(c, 0x0300, 0x036F) || in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) ||
         in(c, 0x20D0, 0x20FF) || in(c, 0xFE00, 0xFE0F) || in(c, 0xFE20, 0xFE2F) ||
         in(c, 0xE0100, 0xE01EF) || c == 0x200C || c == 0x200D;
}

bool is_punctuation(char32_t c) {
  if (c < 0x80) {
    const bool alnum = in(c, '0', '9') || in(c, 'a', 'z') || in(c, 'A', 'Z');
    return !alnum && c > 0x20 && c != 0x7F;
  }
  return (in(c, 0xA1, 0xBF) && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 ||
         c == 0xF7 ||              // Latin-1 signs, × ÷
         in(c, 0x2010, 0x2027) ||  // dashes, quotes, bullets, ellipsis
         in(c, 0x2030, 0x205E) ||  // per mille, primes, other punctuation
         in(c, 0x20A0, 0x20CF) ||  // currency
         in(c, 0x2100, 0x2BFF) ||  // letterlike, arrows, maths, technical, shapes
         in(c, 0x2E00, 0x2E7F) ||  // supplemental punctuation
         in(c, 0x3001, 0x3004) ||  // 、。〃〄
         in(c, 0x3008, 0x303F) ||  // CJK brackets and marks
         in(c, 0xFE10, 0xFE1F) || in(c, 0xFE30, 0xFE6F) ||  // vertical and small forms
         in(c, 0xFF01, 0xFF0F) || in(c, 0xFF1A, 0xFF20) ||  // full-width punctuation
         in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65) ||
         in(c, 0xFFE0, 0xFFEE) ||  // full-width signs
         in(c, 0x1F000, 0x1FAFF);  // emoji and pictographs
}

CharClass classify(char32_t c) {
  if (is_space(c)) return CharClass::Space;
  if (is_mark(c)) return CharClass::Mark;
  if (is_cjk(c)) return CharClass::Cjk;
  if (is_punctuation(c)) return CharClass::Punctuation;
  return CharClass::Word;  // letters and digits of every script, the default
}

bool is_digit(char32_t c) { return in(c, '0', '9') || in(c, 0xFF10, 0xFF19); }
bool is_apostrophe(char32_t c) { return c == '\'' || c == 0x2019; }

}  // namespace

Expected<std::vector<Token>> tokenize(std::string_view text) {
  const Utf8Decoding decoded = decode_utf8(text);
  if (!decoded.valid) return Error{InputField::Other, decoded.problem};
  const std::vector<CodePoint>& cps = decoded.code_points;

  std::vector<Token> tokens;
  auto emit = [&](std::size_t begin, std::size_t end) {
    Token token;
    token.text = std::string(text.substr(begin, end - begin));
    token.begin = begin;
    token.end = end;
    tokens.push_back(std::move(token));
  };
  auto class_at = [&](std::size_t i) {
    return i < cps.size() ? classify(cps[i].value) : CharClass::Space;
  };

  std::size_t i = 0;
  while (i < cps.size()) {
    const CharClass kind = classify(cps[i].value);
    if (kind == CharClass::Space) {
      ++i;
      continue;
    }
    if (kind == CharClass::Mark) {
      // Tokens take the marks that follow them, so only a mark after a space gets here.
      emit(cps[i].begin, cps[i].end);
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (kind == CharClass::Word) {
      while (j < cps.size()) {
        const CharClass next = class_at(j);
        if (next == CharClass::Word || next == CharClass::Mark) {
          ++j;
        } else if (is_apostrophe(cps[j].value) && class_at(j + 1) == CharClass::Word &&
                   !is_digit(cps[j - 1].value) && !is_digit(cps[j + 1].value)) {
          j += 2;  // contraction: don't, it's
        } else if ((cps[j].value == '.' || cps[j].value == ',') && is_digit(cps[j - 1].value) &&
                   j + 1 < cps.size() && is_digit(cps[j + 1].value)) {
          j += 2;  // number: 3.14, 1,000
        } else {
          break;
        }
      }
    }
    // Cjk and Punctuation: one code point each, plus any marks that follow it.
    while (j < cps.size() && class_at(j) == CharClass::Mark) ++j;
    emit(cps[i].begin, cps[j - 1].end);
    i = j;
  }
  return tokens;
}

}  // namespace attn
