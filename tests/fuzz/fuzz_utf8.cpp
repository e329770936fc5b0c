// The UTF-8 decoder and the toy tokenizer on any bytes: the decoding covers the input
// contiguously when valid, the toy tokens' spans lie inside the text in order.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attn/text/tokenizer.h"
#include "attn/text/utf8.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const attn::Utf8Decoding decoding = attn::decode_utf8(text);
  if (decoding.valid) {
    std::size_t at = 0;
    for (const attn::CodePoint& c : decoding.code_points) {
      if (c.begin != at || c.end <= c.begin || c.end - c.begin > 4 || c.value > 0x10FFFF ||
          (c.value >= 0xD800 && c.value <= 0xDFFF))
        attn::fuzz::fail("a code point that is not a scalar value or not contiguous");
      at = c.end;
    }
    if (at != size) attn::fuzz::fail("valid decoding does not cover the input");
  } else if (decoding.problem.empty()) {
    attn::fuzz::fail("invalid UTF-8 without a problem");
  }
  attn::Expected<std::vector<attn::Token>> tokens = attn::tokenize(text);
  if (tokens.ok() != decoding.valid) attn::fuzz::fail("tokenize and decode_utf8 disagree");
  if (tokens) {
    std::size_t last_end = 0;
    for (const attn::Token& token : *tokens) {
      if (token.begin < last_end || token.end <= token.begin || token.end > size)
        attn::fuzz::fail("toy token span out of order or outside the text");
      last_end = token.end;
    }
    std::vector<attn::Token> words = tokens.value();
    attn::assign_words(words, text);
  }
  return 0;
}
