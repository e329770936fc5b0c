#include "attn/text/utf8.h"

#include <cstdio>

namespace attn {
namespace {

std::string describe_bad_byte(std::string_view text, std::size_t at, const char* why) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "invalid UTF-8 at byte %zu (0x%02X: %s)", at,
                static_cast<unsigned>(static_cast<unsigned char>(text[at])), why);
  return buffer;
}

}  // namespace

Utf8Decoding decode_utf8(std::string_view text) {
  Utf8Decoding out;
  out.code_points.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = 0;
    char32_t value = 0;
    char32_t minimum = 0;  // smallest value this length may encode (rejects overlong forms)
    if (lead < 0x80) {
      length = 1, value = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, value = lead & 0x1F, minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, value = lead & 0x0F, minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, value = lead & 0x07, minimum = 0x10000;
    } else {
      out.valid = false;
      out.problem = describe_bad_byte(text, i, "not a valid first byte");
      return out;
    }
    if (i + static_cast<std::size_t>(length) > text.size()) {
      out.valid = false;
      out.problem = describe_bad_byte(text, i, "sequence cut off at the end");
      return out;
    }
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        out.valid = false;
        out.problem = describe_bad_byte(text, i + k, "expected a continuation byte");
        return out;
      }
      value = (value << 6) | (next & 0x3F);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
      out.valid = false;
      out.problem = describe_bad_byte(text, i, "overlong, surrogate or out of range");
      return out;
    }
    out.code_points.push_back({value, i, i + length});
    i += length;
  }
  return out;
}

}  // namespace attn
