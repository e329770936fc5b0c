#include "io/checked_json.h"

#include <utf8proc.h>

#include <cstdio>
#include <unordered_set>
#include <vector>

namespace attn::detail {
namespace {

using nlohmann::json;

// A SAX pass that builds nothing: it refuses duplicate keys and deep nesting and keeps the
// parser's own message, so the DOM pass that follows cannot fail.
class Checker {
 public:
  explicit Checker(const JsonLimits& limits) : limits_(limits) {}

  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) {
    keys_.emplace_back();
    return enter();
  }
  bool key(json::string_t& name) {
    if (limits_.refuse_duplicate_keys && !keys_.back().insert(name).second) {
      problem_ = "the key " + quoted_text(name) + " appears twice in one object";
      return false;
    }
    return true;
  }
  bool end_object() {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) { return enter(); }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: …" → "parse error at …"
    const std::size_t close = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && close != std::string::npos) {
      what.erase(0, close + 2);
    }
    problem_ = "not valid JSON (" + what + ")";
    return false;
  }

  const std::string& problem() const { return problem_; }

 private:
  bool enter() {
    if (++depth_ > limits_.max_depth) {
      problem_ = "nested deeper than " + std::to_string(limits_.max_depth) + " levels";
      return false;
    }
    return true;
  }

  JsonLimits limits_;
  int depth_ = 0;
  std::vector<std::unordered_set<std::string>> keys_;
  std::string problem_;
};

}  // namespace

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t length =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at),
                         static_cast<utf8proc_ssize_t>(text.size() - at), &code_point);
    if (length <= 0 || code_point < 0) return at;
    at += static_cast<std::size_t>(length);
  }
  return text.size();
}

Expected<nlohmann::json> parse_json_checked(std::string_view text, const JsonLimits& limits) {
  const std::size_t bad = first_invalid_utf8(text);
  if (bad < text.size()) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    return Error{InputField::Model,
                 "not valid UTF-8 (byte " + std::to_string(bad) + " is " + byte + ")"};
  }
  Checker checker(limits);
  // The SAX parser reports errors to the checker (which returns false) instead of throwing.
  const bool ok = json::sax_parse(text.begin(), text.end(), &checker);
  if (!ok || !checker.problem().empty()) {
    return Error{InputField::Model,
                 checker.problem().empty() ? std::string("not valid JSON") : checker.problem()};
  }
  json value = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Error{InputField::Model, "not valid JSON"};
  return value;
}

std::string quoted_text(std::string_view text) {
  std::string out = "\"";
  std::size_t limit = 80;
  if (text.size() > limit) {  // never cut a UTF-8 sequence in two
    while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) --limit;
  }
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02X", c);
      out += buffer;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > limit) out += "…";
  out += '"';
  return out;
}

std::string describe(const nlohmann::json& value) {
  if (value.is_string()) return quoted_text(value.get_ref<const std::string&>());
  if (value.is_array()) return value.empty() ? "[]" : "[...]";
  if (value.is_object()) return value.empty() ? "{}" : "{...}";
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 40) + "…";
  return text;
}

}  // namespace attn::detail
