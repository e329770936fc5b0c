#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

/// One decoded Unicode scalar value and the bytes [begin, end) it came from.
struct CodePoint {
  char32_t value = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Result of decoding: the code points, or an explanation of the first invalid byte.
struct Utf8Decoding {
  std::vector<CodePoint> code_points;
  bool valid = true;
  std::string problem;  ///< e.g. "invalid UTF-8 at byte 3 (0xFF)"; empty when valid
};

/// Strict UTF-8 decoding (RFC 3629): rejects overlong forms, surrogates, values above U+10FFFF
/// and truncated sequences.
Utf8Decoding decode_utf8(std::string_view text);

}  // namespace attn
