#include "attn/models/embedding_cache.h"

#include "attn/models/embedder.h"

namespace attn {

Matrix EmbeddingCache::embed(const std::vector<Token>& tokens, std::uint64_t seed, int d_model,
                             bool positions) {
  const int n = static_cast<int>(tokens.size());
  Matrix x(n, d_model);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t capacity = kMaxCachedFloats / static_cast<std::size_t>(d_model);
    if (seed != seed_ || d_model != d_model_ || vectors_.size() + tokens.size() > capacity) {
      vectors_.clear();
      if (d_model != d_model_) positions_.resize(0, d_model);
      seed_ = seed;
      d_model_ = d_model;
    }
    for (int row = 0; row < n; ++row) {
      const std::string& text = tokens[row].text;
      auto found = vectors_.find(text);
      if (found == vectors_.end()) {
        found = vectors_.emplace(text, embed_token(text, seed, d_model)).first;
      }
      x.row(row) = found->second;
    }
    if (positions) {
      if (positions_.rows() < n) positions_ = positional_encoding(n, d_model);
      x += positions_.topRows(n);
    }
  }
  return x;
}

}  // namespace attn
