#include "subword_support.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "attn/text/utf8.h"

namespace attn::subword {

Expected<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                const std::string& what) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return Error{InputField::Model, what + " not found: " + path};
  if (!std::filesystem::is_regular_file(status))
    return Error{InputField::Model, what + " is not a regular file: " + path};
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec)
    return Error{InputField::Model, what + " cannot be read: " + path + " (" + ec.message() + ")"};
  if (size > max_bytes)
    return Error{InputField::Model, what + " is too large (" + std::to_string(size) +
                                        " bytes, at most " + std::to_string(max_bytes) +
                                        " accepted): " + path};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{InputField::Model, what + " cannot be opened: " + path};
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size)
    return Error{InputField::Model, what + " could not be read completely: " + path};
  return bytes;
}

Expected<nlohmann::json> parse_json(std::string_view bytes, const std::string& path) {
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& e) {
    return Error{InputField::Model, path + " is not valid JSON (" + e.what() + ")"};
  }
}

Expected<std::vector<std::pair<std::string, int>>> read_vocab_json(const std::string& path,
                                                                   const std::string& what) {
  Expected<std::string> bytes = read_file(path, kMaxTokenizerFileBytes, what);
  if (!bytes) return bytes.error();
  return parse_vocab_json(*bytes, path);
}

Expected<std::vector<std::pair<std::string, int>>> parse_vocab_json(std::string_view bytes,
                                                                    const std::string& path) {
  Expected<nlohmann::json> vocab = parse_json(bytes, path);
  if (!vocab) return vocab.error();
  if (!vocab->is_object())
    return Error{InputField::Model, path + " must be a JSON object of piece → id (it is a " +
                                        std::string(vocab->type_name()) + ")"};
  std::vector<std::pair<std::string, int>> pieces;
  pieces.reserve(vocab->size());
  for (const auto& [key, value] : vocab.value().items()) {
    if (!value.is_number_integer())
      return Error{InputField::Model, path + ": the id of \"" + key + "\" is not an integer"};
    const auto id = value.get<long long>();
    if (id < 0 || id > kMaxVocabularyId)
      return Error{InputField::Model, path + ": the id of \"" + key + "\" (" + std::to_string(id) +
                                          ") is out of range"};
    pieces.emplace_back(key, static_cast<int>(id));
  }
  return pieces;
}

std::string join_path(const std::string& folder, const std::string& name) {
  return (std::filesystem::path(folder) / name).string();
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  if (at >= text.size()) return 0;
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1Fu, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0Fu, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07u, minimum = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3Fu);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  return length;
}

std::string to_valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t n = utf8_sequence_length(bytes, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool check_utf8(std::string_view text, Error& error) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      // The project's strict decoder words the problem the same way everywhere.
      const Utf8Decoding decoded = decode_utf8(text);
      error = Error{InputField::Other, decoded.problem};
      return false;
    }
    i += n;
  }
  return true;
}

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

const char* visible_space(char c) {
  switch (c) {
    case '\n':
      return "↵";
    case '\t':
      return "⇥";
    case '\r':
      return "␍";
    default:
      return "␣";
  }
}

}  // namespace

std::string display_label(std::string_view bytes) {
  std::size_t first = 0;
  std::size_t last = bytes.size();
  while (first < last && is_ascii_space(bytes[first])) ++first;
  while (last > first && is_ascii_space(bytes[last - 1])) --last;
  std::string out;
  if (first == last) {
    for (char c : bytes) out += visible_space(c);
    return out.empty() ? std::string("∅") : out;
  }
  std::size_t i = first;
  while (i < last) {
    const std::size_t n = utf8_sequence_length(bytes.substr(0, last), i);
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (n == 0 || (n == 1 && (byte < 0x20 || byte == 0x7F))) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "<0x%02X>", static_cast<unsigned>(byte));
      out += hex;
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string sentence_piece_label(std::string piece) {
  std::size_t at = 0;
  while ((at = piece.find("\xE2\x96\x81", at)) != std::string::npos) piece.replace(at, 3, " ");
  return display_label(piece);
}

std::vector<TextSegment> split_added_tokens(std::string_view text,
                                            const std::vector<std::pair<std::string, int>>& added) {
  std::vector<TextSegment> out;
  bool first_byte[256] = {};
  for (const auto& [content, id] : added)
    if (!content.empty()) first_byte[static_cast<unsigned char>(content[0])] = true;
  std::size_t plain_begin = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    int best_id = -1;
    std::size_t best_length = 0;
    if (first_byte[static_cast<unsigned char>(text[i])]) {
      for (const auto& [content, id] : added) {
        if (content.size() > best_length && text.compare(i, content.size(), content) == 0) {
          best_id = id;
          best_length = content.size();
        }
      }
    }
    if (best_length == 0) {
      ++i;
      continue;
    }
    if (plain_begin < i) out.push_back({plain_begin, i, -1});
    out.push_back({i, i + best_length, best_id});
    i += best_length;
    plain_begin = i;
  }
  if (plain_begin < text.size()) out.push_back({plain_begin, text.size(), -1});
  return out;
}

int byte_piece_value(std::string_view piece) {
  if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>') return -1;
  int value = 0;
  for (std::size_t i = 3; i < 5; ++i) {
    const char c = piece[i];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace attn::subword
