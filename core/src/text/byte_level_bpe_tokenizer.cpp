#include "attn/text/byte_level_bpe_tokenizer.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <queue>

#include <utf8proc.h>

#include "split_regex.h"
#include "subword_support.h"

namespace attn {
namespace {

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

struct ByteAlphabet {
  std::string chars[256];
  std::unordered_map<char32_t, unsigned char> byte_of;
  ByteAlphabet() {
    // GPT-2 encoder.py bytes_to_unicode(): printable bytes stand for themselves, the others
    // (controls, space, 0x7F–0xA0, 0xAD) take 256, 257, … in byte order.
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      const char32_t c = printable ? static_cast<char32_t>(b) : next++;
      append_utf8(chars[b], c);
      byte_of[c] = static_cast<unsigned char>(b);
    }
  }
};

const ByteAlphabet& alphabet() {
  static const ByteAlphabet instance;
  return instance;
}

std::uint64_t pair_key(int left, int right) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) |
         static_cast<std::uint32_t>(right);
}

// The normalized text of one typed segment and, for each of its bytes, the typed bytes
// [begin, end) it came from (a sentinel entry at the end). Empty maps mean identity.
struct Normalized {
  std::string text;
  std::vector<std::size_t> begin;
  std::vector<std::size_t> end;
  std::size_t offset = 0;  // where the segment starts in the typed text
  std::size_t orig_begin(std::size_t n) const {
    return begin.empty() ? offset + n : begin[std::min(n, begin.size() - 1)];
  }
  std::size_t orig_end(std::size_t n) const {  // n: the last byte, inclusive
    return end.empty() ? offset + n + 1 : end[std::min(n, end.size() - 1)];
  }
};

// NFC, one combining sequence (a starter and the marks after it) at a time so that every
// output byte knows the typed bytes it came from. (Hangul jamo written as separate L, V, T
// letters are not composed across starters; typed Hangul is precomposed.)
Normalized normalize_nfc(std::string_view segment, std::size_t offset) {
  Normalized out;
  out.offset = offset;
  const bool ascii = std::all_of(segment.begin(), segment.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    out.text = std::string(segment);
    return out;
  }
  auto flush = [&](std::size_t from, std::size_t to) {
    if (from >= to) return;
    utf8proc_uint8_t* composed = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(segment.data() + from),
                     static_cast<utf8proc_ssize_t>(to - from), &composed,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0 || composed == nullptr) {  // cannot happen on checked UTF-8: keep the bytes
      out.text.append(segment.substr(from, to - from));
      for (std::size_t k = from; k < to; ++k) {
        out.begin.push_back(offset + from);
        out.end.push_back(offset + to);
      }
    } else {
      out.text.append(reinterpret_cast<const char*>(composed), static_cast<std::size_t>(n));
      for (utf8proc_ssize_t k = 0; k < n; ++k) {
        out.begin.push_back(offset + from);
        out.end.push_back(offset + to);
      }
    }
    std::free(composed);
  };
  std::size_t chunk = 0;
  std::size_t i = 0;
  while (i < segment.size()) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(segment.data() + i),
                         static_cast<utf8proc_ssize_t>(segment.size() - i), &c);
    const std::size_t length = n > 0 ? static_cast<std::size_t>(n) : 1;
    if (c >= 0 && utf8proc_get_property(c)->combining_class == 0 && i > chunk) {
      flush(chunk, i);
      chunk = i;
    }
    i += length;
  }
  flush(chunk, segment.size());
  out.begin.push_back(offset + segment.size());
  out.end.push_back(offset + segment.size());
  return out;
}

}  // namespace

const std::string& byte_level_char(unsigned char byte) { return alphabet().chars[byte]; }

std::optional<std::string> byte_level_decode(std::string_view piece) {
  std::string out;
  std::size_t i = 0;
  while (i < piece.size()) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(piece.data() + i),
                         static_cast<utf8proc_ssize_t>(piece.size() - i), &c);
    if (n <= 0) return std::nullopt;
    const auto found = alphabet().byte_of.find(static_cast<char32_t>(c));
    if (found == alphabet().byte_of.end()) return std::nullopt;
    out += static_cast<char>(found->second);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string byte_level_encode(std::string_view bytes) {
  std::string out;
  for (char b : bytes) out += byte_level_char(static_cast<unsigned char>(b));
  return out;
}

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer() = default;
ByteLevelBpeTokenizer::~ByteLevelBpeTokenizer() = default;

Expected<std::unique_ptr<ByteLevelBpeTokenizer>> ByteLevelBpeTokenizer::create(
    const ByteLevelBpeSpec& spec) {
  std::unique_ptr<ByteLevelBpeTokenizer> tokenizer(new ByteLevelBpeTokenizer);
  if (std::optional<Error> error = tokenizer->build(spec)) return *error;
  return tokenizer;
}

std::optional<Error> ByteLevelBpeTokenizer::build(const ByteLevelBpeSpec& spec) {
  auto fail = [&](const std::string& what) {
    return Error{InputField::Model, spec.source + ": " + what};
  };
  if (spec.vocab.empty()) return fail("the vocabulary is empty");
  int largest = -1;
  for (const auto& [piece_text, id] : spec.vocab) largest = std::max(largest, id);
  for (const auto& added : spec.added_tokens) largest = std::max(largest, added.id);
  if (largest > subword::kMaxVocabularyId)
    return fail("token id " + std::to_string(largest) + " is implausibly large (at most " +
                std::to_string(subword::kMaxVocabularyId) + " accepted)");
  const auto size = static_cast<std::size_t>(largest) + 1;
  pieces_.assign(size, std::string());
  bytes_.assign(size, std::string());
  is_added_.assign(size, false);
  std::vector<bool> used(size, false);
  for (const auto& [piece_text, id] : spec.vocab) {
    if (id < 0) return fail("the piece \"" + piece_text + "\" has a negative id");
    const auto at = static_cast<std::size_t>(id);
    if (used[at])
      return fail("id " + std::to_string(id) + " is given to both \"" + pieces_[at] + "\" and \"" +
                  piece_text + "\"");
    used[at] = true;
    pieces_[at] = piece_text;
    if (std::optional<std::string> raw = byte_level_decode(piece_text)) {
      bytes_[at] = *raw;
      id_of_bytes_.emplace(*raw, id);
    } else {
      bytes_[at] = piece_text;  // not in the byte alphabet: only reachable as an added token
    }
  }
  for (int b = 0; b < 256; ++b) {
    const auto found = id_of_bytes_.find(std::string(1, static_cast<char>(b)));
    if (found == id_of_bytes_.end()) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(b));
      return fail(std::string("not a byte-level vocabulary: byte ") + hex + " (\"" +
                  byte_level_char(static_cast<unsigned char>(b)) + "\") has no token");
    }
    byte_id_[b] = found->second;
  }
  auto id_of_piece = [&](const std::string& piece_text) -> int {
    const std::optional<std::string> raw = byte_level_decode(piece_text);
    if (!raw) return -1;
    const auto found = id_of_bytes_.find(*raw);
    return found == id_of_bytes_.end() ? -1 : found->second;
  };
  merges_.reserve(spec.merges.size());
  for (std::size_t rank = 0; rank < spec.merges.size(); ++rank) {
    const auto& [left, right] = spec.merges[rank];
    const int left_id = id_of_piece(left);
    const int right_id = id_of_piece(right);
    const int merged_id = id_of_piece(left + right);
    // Like Hugging Face tokenizers (MergeTokenOutOfVocabulary), a merge must name pieces of
    // the vocabulary and make one.
    if (left_id < 0 || right_id < 0 || merged_id < 0)
      return fail("merge " + std::to_string(rank + 1) + " (\"" + left + " " + right +
                  "\") uses or makes a piece that is not in the vocabulary");
    merges_[pair_key(left_id, right_id)] = {static_cast<int>(rank), merged_id};
  }
  for (const auto& added : spec.added_tokens) {
    if (added.id < 0) return fail("the added token \"" + added.content + "\" has a negative id");
    if (added.content.empty() || special_ids_.count(added.content) != 0) continue;
    const auto at = static_cast<std::size_t>(added.id);
    if (used[at] && pieces_[at] != added.content)
      return fail("the added token \"" + added.content + "\" reuses id " +
                  std::to_string(added.id) + " of \"" + pieces_[at] + "\"");
    used[at] = true;
    pieces_[at] = added.content;
    bytes_[at] = added.content;
    is_added_[at] = true;
    added_.emplace_back(added.content, added.id);
    special_ids_[added.content] = added.id;
  }
  for (const ByteLevelBpeSpec::Step& step : spec.pre_tokenizer) {
    CompiledStep compiled{step, nullptr};
    std::string pattern;
    bool literal = false;
    if (step.kind == ByteLevelBpeSpec::Step::Kind::Split) {
      pattern = step.pattern, literal = step.literal;
    } else if (step.kind == ByteLevelBpeSpec::Step::Kind::Digits) {
      pattern = step.individual ? R"(\p{N})" : R"(\p{N}+)";
    } else if (step.use_regex) {
      pattern = kGpt2SplitPattern;
    }
    if (!pattern.empty() || step.kind == ByteLevelBpeSpec::Step::Kind::Split) {
      Expected<std::shared_ptr<const SplitRegex>> regex = SplitRegex::compile(pattern, literal);
      if (!regex) return fail(regex.error().message);
      compiled.regex = *regex;
    }
    steps_.push_back(std::move(compiled));
  }
  nfc_ = spec.nfc;
  ignore_merges_ = spec.ignore_merges;
  description_ = spec.description;
  return std::nullopt;
}

bool ByteLevelBpeTokenizer::pre_tokenize(std::string_view normalized, std::vector<Piece>& pieces,
                                         std::string& problem) const {
  pieces.clear();
  if (normalized.empty()) return true;
  pieces.push_back(Piece{0, normalized.size(), false});
  std::vector<Piece> next;
  std::vector<std::pair<std::size_t, std::size_t>> matches;
  std::string subject;
  for (const CompiledStep& compiled : steps_) {
    next.clear();
    for (const Piece& piece : pieces) {
      const bool add_space = compiled.step.kind == ByteLevelBpeSpec::Step::Kind::ByteLevel &&
                             compiled.step.add_prefix_space && !piece.prefix_space &&
                             piece.begin < piece.end && normalized[piece.begin] != ' ';
      const bool prefix = piece.prefix_space || add_space;
      if (!compiled.regex) {
        next.push_back({piece.begin, piece.end, prefix});
        continue;
      }
      // The subject is the piece as its word will read: with its leading space, if any.
      subject.clear();
      if (prefix) subject += ' ';
      subject.append(normalized.substr(piece.begin, piece.end - piece.begin));
      const std::size_t shift = prefix ? 1 : 0;
      matches.clear();
      if (!compiled.regex->find_all(subject, matches, problem)) return false;
      std::size_t at = 0;
      auto emit = [&](std::size_t from, std::size_t to) {
        if (from >= to) return;
        const bool has_space = prefix && from == 0;
        const std::size_t b = piece.begin + (from == 0 ? 0 : from - shift);
        const std::size_t e = piece.begin + (to - shift);
        next.push_back({b, e, has_space});
      };
      for (const auto& [begin, end] : matches) {
        emit(at, begin);  // text between matches stays a piece of its own ("Isolated")
        emit(begin, end);
        at = end;
      }
      emit(at, subject.size());
    }
    pieces.swap(next);
  }
  return true;
}

void ByteLevelBpeTokenizer::bpe(std::string_view word, std::vector<Symbol>& out) const {
  out.clear();
  if (word.empty()) return;
  if (ignore_merges_) {
    const auto found = id_of_bytes_.find(std::string(word));
    if (found != id_of_bytes_.end()) {
      out.push_back({found->second, 0, static_cast<std::uint32_t>(word.size())});
      return;
    }
  }
  // Symbols in a linked list; candidate merges in a queue by (rank, position). A popped
  // candidate whose symbols changed since it was pushed is stale and skipped.
  struct Node {
    Symbol symbol;
    int prev = -1;
    int next = -1;
    bool alive = true;
  };
  std::vector<Node> nodes(word.size());
  for (std::size_t i = 0; i < word.size(); ++i) {
    nodes[i].symbol = {byte_id_[static_cast<unsigned char>(word[i])], static_cast<std::uint32_t>(i),
                       static_cast<std::uint32_t>(i + 1)};
    nodes[i].prev = static_cast<int>(i) - 1;
    nodes[i].next = i + 1 < word.size() ? static_cast<int>(i + 1) : -1;
  }
  struct Candidate {
    int rank;
    int left;
    int left_id;
    int right_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : left > o.left;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto push = [&](int left) {
    if (left < 0) return;
    const int right = nodes[left].next;
    if (right < 0) return;
    const auto found = merges_.find(pair_key(nodes[left].symbol.id, nodes[right].symbol.id));
    if (found != merges_.end())
      queue.push({found->second.first, left, nodes[left].symbol.id, nodes[right].symbol.id});
  };
  for (std::size_t i = 0; i + 1 < word.size(); ++i) push(static_cast<int>(i));
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Node& left = nodes[top.left];
    if (!left.alive || left.symbol.id != top.left_id || left.next < 0) continue;
    Node& right = nodes[left.next];
    if (right.symbol.id != top.right_id) continue;
    left.symbol.id = merges_.at(pair_key(top.left_id, top.right_id)).second;
    left.symbol.end = right.symbol.end;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) nodes[right.next].prev = top.left;
    push(left.prev);
    push(top.left);
  }
  for (int i = 0; i >= 0; i = nodes[i].next) out.push_back(nodes[i].symbol);
}

Expected<std::vector<Token>> ByteLevelBpeTokenizer::encode(std::string_view text) const {
  Error error;
  if (!subword::check_utf8(text, error)) return error;
  std::vector<Token> tokens;
  std::vector<Piece> pieces;
  std::vector<Symbol> symbols;
  std::string word;
  std::string problem;
  for (const subword::TextSegment& segment : subword::split_added_tokens(text, added_)) {
    if (segment.id >= 0) {
      Token token;
      token.id = segment.id;
      token.piece = pieces_[static_cast<std::size_t>(segment.id)];
      token.text = subword::display_label(token.piece);
      token.begin = segment.begin;
      token.end = segment.end;
      tokens.push_back(std::move(token));
      continue;
    }
    const std::string_view typed = text.substr(segment.begin, segment.end - segment.begin);
    Normalized normalized;
    if (nfc_) {
      normalized = normalize_nfc(typed, segment.begin);
    } else {
      normalized.text = std::string(typed);
      normalized.offset = segment.begin;
    }
    if (!pre_tokenize(normalized.text, pieces, problem)) return Error{InputField::Other, problem};
    for (const Piece& piece : pieces) {
      word.clear();
      if (piece.prefix_space) word += ' ';
      word.append(normalized.text, piece.begin, piece.end - piece.begin);
      bpe(word, symbols);
      const std::size_t shift = piece.prefix_space ? 1 : 0;
      for (const Symbol& symbol : symbols) {
        Token token;
        token.id = symbol.id;
        token.piece = pieces_[static_cast<std::size_t>(symbol.id)];
        token.text = subword::display_label(
            std::string_view(word).substr(symbol.begin, symbol.end - symbol.begin));
        // A byte the ByteLevel step added covers no typed byte.
        const std::size_t first = std::max<std::size_t>(symbol.begin, shift);
        if (symbol.end <= shift) {
          token.begin = token.end = normalized.orig_begin(piece.begin);
        } else {
          token.begin = normalized.orig_begin(piece.begin + first - shift);
          token.end = normalized.orig_end(piece.begin + symbol.end - shift - 1);
        }
        tokens.push_back(std::move(token));
      }
    }
  }
  assign_words(tokens, text);
  return tokens;
}

int ByteLevelBpeTokenizer::vocab_size() const { return static_cast<int>(pieces_.size()); }

std::string ByteLevelBpeTokenizer::piece(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) return {};
  return pieces_[static_cast<std::size_t>(id)];
}

std::string ByteLevelBpeTokenizer::decode(const std::vector<int>& ids) const {
  std::string bytes;
  for (int id : ids)
    if (id >= 0 && static_cast<std::size_t>(id) < bytes_.size())
      bytes += bytes_[static_cast<std::size_t>(id)];
  return subword::to_valid_utf8(bytes);
}

int ByteLevelBpeTokenizer::special_id(std::string_view text) const {
  const auto found = special_ids_.find(std::string(text));
  return found == special_ids_.end() ? -1 : found->second;
}

std::string ByteLevelBpeTokenizer::description() const { return description_; }

}  // namespace attn
