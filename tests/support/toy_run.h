#pragma once

#include <memory>
#include <vector>

#include "attn/trace.h"

namespace attn::testing {

/// A toy-model trace with its one block's intermediates (from explain_block) under the flat
/// names the toy model's tests check: every head's Q, K, V, scores, weights and output, X, the
/// projections, concat and output.
struct ToyRun {
  Trace trace;
  BlockDetail detail;
  Scenario scenario;
  int heads = 0;
  int d_k = 0;
  std::vector<Token> query_tokens;
  std::vector<Token> key_tokens;
  std::vector<HeadDetail> head;
  Matrix x_query, x_key, concat, output;
  std::shared_ptr<const ModelParameters> parameters;

  int n_q() const { return static_cast<int>(query_tokens.size()); }
  int n_k() const { return static_cast<int>(key_tokens.size()); }
};

/// `trace` (one block) with its intermediates; fails the current test when the block cannot be
/// explained or its explained scores and weights differ by one bit from the trace's.
ToyRun flatten(const Trace& trace);

}  // namespace attn::testing
