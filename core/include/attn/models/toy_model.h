#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "attn/models/attention_model.h"
#include "attn/models/embedding_cache.h"

namespace attn {

/// The seeded parameters of the toy model. Projection entries are N(0, 1/d_model) so that Q, K
/// and V entries are about N(0, 1) for N(0, 1) token vectors; score parameters are
/// N(0, 1/d_k). Each matrix is filled row by row from its own named stream under `seed`.
ModelParameters make_toy_parameters(std::uint64_t seed, int d_model, int heads,
                                    ScoreFunction score);

/// Multi-head attention over seeded token vectors (Vaswani et al. 2017, §3.2.2):
/// X_q = embed(query tokens), X_k = embed(key tokens)   n_q × d_model, n_k × d_model
/// Q = X_q·W_Q, K = X_k·W_K, V = X_k·W_V               head i takes columns [i·d_k, (i+1)·d_k)
/// head_i = softmax(score(Q_i, K_i) / T + mask)·V_i     n_q × d_k
/// output = [head_1 … head_h]·W_O                       n_q × d_model
/// One block, named "attention", layer 0: self-attention over the source, or in Cross mode
/// queries from the target and keys from the source.
class ToyModel final : public AttentionModel {
 public:
  Expected<Trace> run(const Scenario& scenario) const override;
  Expected<BlockDetail> explain(const Trace& trace, int block) const override;
  ModelInfo info() const override;

  /// The parameters for these settings, made once and then shared (the last few are kept).
  std::shared_ptr<const ModelParameters> parameters(std::uint64_t seed, int d_model, int heads,
                                                    ScoreFunction score) const;

 private:
  struct CacheEntry {
    std::uint64_t seed;
    int d_model;
    int heads;
    ScoreFunction score;
    std::shared_ptr<const ModelParameters> parameters;
  };
  /// Tokens of the scenario's texts, checked (empty, too many, invalid UTF-8, mask shape).
  Expected<Trace> tokens_and_checks(const Scenario& scenario) const;
  /// The whole computation of the block; run() keeps its scores and weights.
  BlockDetail compute(const Trace& tokenized) const;

  mutable std::mutex cache_mutex_;
  mutable std::vector<CacheEntry> cache_;  // most recently used last
  mutable EmbeddingCache embeddings_;
};

/// Convenience: a ToyModel made for this one run (so the trace can still explain itself).
Expected<Trace> run(const Scenario& scenario);

}  // namespace attn
