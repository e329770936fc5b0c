#pragma once

// Private to attn_core (nlohmann-json is a private dependency): JSON from files, checked before
// it is trusted.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "attn/expected.h"

namespace attn::detail {

struct JsonLimits {
  bool refuse_duplicate_keys = true;  ///< nlohmann (and Python) keep the last one silently
  int max_depth = 64;                 ///< nesting of objects and arrays
};

/// Parses `text` without letting an exception out: invalid UTF-8 (the first bad byte named),
/// a syntax error (line, column and what was expected), a duplicate key (named) or nesting
/// deeper than the limit each give an Error (field Model) whose message has no path in front.
Expected<nlohmann::json> parse_json_checked(std::string_view text, const JsonLimits& limits = {});

/// The offset of the first byte that is not valid UTF-8 (RFC 3629), or text.size().
std::size_t first_invalid_utf8(std::string_view text);

/// `text` in double quotes with control characters escaped, cut at 80 bytes: for messages.
std::string quoted_text(std::string_view text);

/// A JSON value as short text for messages: 12, -3, 2.5, "abc", null, [...], {...}.
std::string describe(const nlohmann::json& value);

}  // namespace attn::detail
