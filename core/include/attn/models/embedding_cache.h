#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "attn/matrix.h"
#include "attn/text/tokenizer.h"

namespace attn {

/// Remembers token vectors and the positional-encoding table so that retyping a sentence does
/// not regenerate them: the result equals embed_tokens() exactly. Holds at most kMaxCachedFloats
/// floats; thread-safe.
class EmbeddingCache {
 public:
  static constexpr std::size_t kMaxCachedFloats = std::size_t{16} << 20;  // 64 MiB

  /// X (n × d_model): the vectors of `tokens`, plus positional encoding when asked.
  Matrix embed(const std::vector<Token>& tokens, std::uint64_t seed, int d_model, bool positions);

 private:
  std::mutex mutex_;
  std::uint64_t seed_ = 0;
  int d_model_ = 0;
  std::unordered_map<std::string, RowVector> vectors_;
  Matrix positions_;  ///< positional_encoding(rows, d_model_), grown on demand
};

}  // namespace attn
