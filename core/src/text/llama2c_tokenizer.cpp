#include "attn/text/llama2c_tokenizer.h"

#include <cstdint>
#include <cstring>

#include "subword_support.h"

namespace attn {
namespace {

constexpr std::int32_t kMaxTokenLengthLimit = 1 << 20;

template <class T>
T read_le(std::string_view bytes, std::size_t at) {
  static_assert(sizeof(T) == 4, "4-byte fields");
  std::uint32_t raw = 0;
  for (std::size_t k = 0; k < 4; ++k)
    raw |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
  T value;
  std::memcpy(&value, &raw, sizeof value);
  return value;
}

}  // namespace

Expected<std::unique_ptr<Llama2cTokenizer>> Llama2cTokenizer::load(const std::string& path,
                                                                   int vocab_size) {
  auto fail = [&](const std::string& what) { return Error{InputField::Model, path + ": " + what}; };
  if (vocab_size <= 0 || vocab_size > subword::kMaxVocabularyId)
    return fail("the model's vocab_size " + std::to_string(vocab_size) + " is out of range");
  // Each entry takes at least 8 bytes, so a file that could hold vocab_size entries of up to
  // 1 MB each is bounded by the same 100 MB limit as every tokenizer file.
  Expected<std::string> bytes =
      subword::read_file(path, subword::kMaxTokenizerFileBytes, "the llama2.c tokenizer");
  if (!bytes) return bytes.error();
  return parse(*bytes, vocab_size, path);
}

Expected<std::unique_ptr<Llama2cTokenizer>> Llama2cTokenizer::parse(std::string_view data,
                                                                    int vocab_size,
                                                                    const std::string& path) {
  auto fail = [&](const std::string& what) { return Error{InputField::Model, path + ": " + what}; };
  if (vocab_size <= 0 || vocab_size > subword::kMaxVocabularyId)
    return fail("the model's vocab_size " + std::to_string(vocab_size) + " is out of range");
  if (data.size() < 4) return fail("too short to hold max_token_length (4 bytes)");
  const auto max_length = read_le<std::int32_t>(data, 0);
  if (max_length <= 0 || max_length > kMaxTokenLengthLimit)
    return fail("max_token_length " + std::to_string(max_length) +
                " is not plausible (1 to 1048576 accepted)");
  // Every entry takes at least 8 bytes: a vocab_size the file cannot hold is refused before
  // anything is reserved for it.
  const std::size_t room = (data.size() - 4) / 8;
  if (static_cast<std::size_t>(vocab_size) > room)
    return fail("the file holds at most " + std::to_string(room) + " tokens but the model's " +
                "vocab_size is " + std::to_string(vocab_size) +
                " (truncated, or vocab_size does not match)");
  std::unique_ptr<Llama2cTokenizer> tokenizer(new Llama2cTokenizer);
  tokenizer->max_token_length_ = max_length;
  tokenizer->pieces_.reserve(static_cast<std::size_t>(vocab_size));
  tokenizer->scores_.reserve(static_cast<std::size_t>(vocab_size));
  std::size_t at = 4;
  for (int id = 0; id < vocab_size; ++id) {
    const std::string entry = "token " + std::to_string(id) + " of " + std::to_string(vocab_size);
    if (data.size() - at < 8)
      return fail("the file ends at " + entry + " (truncated, or vocab_size does not match)");
    const auto score = read_le<float>(data, at);
    const auto length = read_le<std::int32_t>(data, at + 4);
    at += 8;
    if (length < 0 || length > max_length)
      return fail(entry + " has length " + std::to_string(length) + " (max_token_length is " +
                  std::to_string(max_length) + ")");
    if (data.size() - at < static_cast<std::size_t>(length))
      return fail(entry + " needs " + std::to_string(length) + " bytes but the file ends first");
    std::string piece_text(data.substr(at, static_cast<std::size_t>(length)));
    at += static_cast<std::size_t>(length);
    tokenizer->ids_.emplace(piece_text, id);  // keeps the first (lowest) id of a repeated piece
    tokenizer->pieces_.push_back(std::move(piece_text));
    tokenizer->scores_.push_back(score);
  }
  if (at != data.size())
    return fail(std::to_string(data.size() - at) + " bytes follow the " +
                std::to_string(vocab_size) + " tokens: the file does not match vocab_size");
  return tokenizer;
}

int Llama2cTokenizer::lookup(const std::string& text) const {
  const auto found = ids_.find(text);
  return found == ids_.end() ? -1 : found->second;
}

Expected<std::vector<Token>> Llama2cTokenizer::encode(std::string_view text) const {
  Error error;
  if (!subword::check_utf8(text, error)) return error;
  struct Symbol {
    int id;
    std::size_t begin;
    std::size_t end;
  };
  std::vector<Symbol> symbols;
  const int vocab = static_cast<int>(pieces_.size());
  auto push_bytes = [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      const int id = static_cast<unsigned char>(text[k]) + 3;
      // A vocabulary too small for byte tokens gives <unk> (id 0) instead.
      symbols.push_back({id < vocab ? id : 0, k, k + 1});
    }
  };
  if (!text.empty()) {
    const int space = lookup(" ");
    if (space >= 0) {
      symbols.push_back({space, 0, 0});
    } else {
      symbols.push_back({' ' + 3 < vocab ? ' ' + 3 : 0, 0, 0});  // as a missing character would
    }
  }
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = subword::utf8_sequence_length(text, i);
    const std::size_t length = n == 0 ? 1 : n;
    const int id = lookup(std::string(text.substr(i, length)));
    if (id >= 0) {
      symbols.push_back({id, i, i + length});
    } else {
      push_bytes(i, i + length);
    }
    i += length;
  }
  // run.c: merge the best-scoring consecutive pair until none is a piece. Quadratic, as in
  // run.c; typed text is short.
  std::string joined;
  while (symbols.size() > 1) {
    float best_score = -1e10f;
    int best_id = -1;
    std::size_t best_at = 0;
    for (std::size_t k = 0; k + 1 < symbols.size(); ++k) {
      joined = pieces_[static_cast<std::size_t>(symbols[k].id)];
      joined += pieces_[static_cast<std::size_t>(symbols[k + 1].id)];
      const int id = lookup(joined);
      if (id != -1 && scores_[static_cast<std::size_t>(id)] > best_score) {
        best_score = scores_[static_cast<std::size_t>(id)];
        best_id = id;
        best_at = k;
      }
    }
    if (best_id == -1) break;
    symbols[best_at].id = best_id;
    symbols[best_at].end = symbols[best_at + 1].end;
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_at) + 1);
  }
  std::vector<Token> tokens;
  tokens.reserve(symbols.size());
  for (const Symbol& symbol : symbols) {
    Token token;
    token.id = symbol.id;
    token.piece = pieces_[static_cast<std::size_t>(symbol.id)];
    const int byte = subword::byte_piece_value(token.piece);
    token.text =
        subword::display_label(byte >= 0 ? std::string(1, static_cast<char>(byte)) : token.piece);
    token.begin = symbol.begin;
    token.end = symbol.end;
    tokens.push_back(std::move(token));
  }
  assign_words(tokens, text);
  return tokens;
}

int Llama2cTokenizer::vocab_size() const { return static_cast<int>(pieces_.size()); }

std::string Llama2cTokenizer::piece(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) return {};
  return pieces_[static_cast<std::size_t>(id)];
}

float Llama2cTokenizer::score(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= scores_.size()) return 0.0f;
  return scores_[static_cast<std::size_t>(id)];
}

std::string Llama2cTokenizer::decode(const std::vector<int>& ids) const {
  std::string bytes;
  int previous = 1;  // the text starts as if after BOS, so encode's dummy space goes again
  for (int id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) continue;
    if (id == 1 || id == 2) {
      previous = id;
      continue;
    }
    std::string_view p = pieces_[static_cast<std::size_t>(id)];
    if (previous == 1 && !p.empty() && p[0] == ' ') p.remove_prefix(1);
    const int byte = subword::byte_piece_value(p);
    if (byte >= 0) {
      bytes += static_cast<char>(byte);
    } else {
      bytes.append(p);
    }
    previous = id;
  }
  return subword::to_valid_utf8(bytes);
}

int Llama2cTokenizer::special_id(std::string_view text) const {
  const int id = text == "<unk>" ? 0 : text == "<s>" ? 1 : text == "</s>" ? 2 : -1;
  return id >= 0 && id < vocab_size() ? id : -1;
}

std::string Llama2cTokenizer::description() const {
  return "llama2.c tokenizer (" + std::to_string(pieces_.size()) + " pieces)";
}

}  // namespace attn
