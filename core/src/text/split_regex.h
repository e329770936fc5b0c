#pragma once

// A compiled PCRE2 pattern (UTF + Unicode properties, JIT when available) that finds every
// match in a piece of text; the pre-tokenizers of byte-level BPE use it. Not public API.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/expected.h"

namespace attn {

class SplitRegex {
 public:
  /// Compiles `pattern` (a regular expression, or a literal string when `literal`); an Error
  /// names the pattern's problem and where it is.
  static Expected<std::shared_ptr<const SplitRegex>> compile(const std::string& pattern,
                                                             bool literal);
  ~SplitRegex();
  SplitRegex(const SplitRegex&) = delete;
  SplitRegex& operator=(const SplitRegex&) = delete;

  /// Appends the [begin, end) byte ranges of every non-empty match in `subject` (valid UTF-8)
  /// to `matches`, left to right. False (and `problem` set) when matching fails, e.g. a
  /// pattern that backtracks beyond the match limit.
  bool find_all(std::string_view subject, std::vector<std::pair<std::size_t, std::size_t>>& matches,
                std::string& problem) const;

 private:
  SplitRegex() = default;
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace attn
