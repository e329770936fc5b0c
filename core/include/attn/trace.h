#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "attn/attention/scores.h"
#include "attn/config.h"
#include "attn/matrix.h"
#include "attn/text/tokenizer.h"

namespace attn {

/// Seeded parameters of the toy model for one (seed, d_model, h, score function). Shared by
/// every trace computed with them, so a trace does not pay d_model² floats for them.
struct ModelParameters {
  Matrix w_q;  ///< d_model × d_model, used as X·W_Q; head i uses columns [i·d_k, (i+1)·d_k)
  Matrix w_k;  ///< d_model × d_model
  Matrix w_v;  ///< d_model × d_model
  Matrix w_o;  ///< d_model × d_model, output projection concat·W_O
  std::vector<ScoreParameters> score;  ///< one per head (empty unless Additive or General)
};

/// Everything one head computed. n_q query tokens, n_k key tokens, d_k = d_model / h.
struct HeadTrace {
  Matrix q;        ///< n_q × d_k
  Matrix k;        ///< n_k × d_k
  Matrix v;        ///< n_k × d_k
  Matrix scores;   ///< n_q × n_k, after the score function, temperature and mask (−∞ = hidden)
  Matrix weights;  ///< n_q × n_k, softmax of scores; rows sum to 1, or are 0 if fully hidden
  Matrix output;   ///< n_q × d_k, weights·V
};

/// One run of the model: its input and every intermediate, for views and exporters to read.
/// Per trace: 2·h·n_q·n_k floats (scores, weights) plus O((n_q + n_k)·d_model).
struct Trace {
  Scenario scenario;
  int heads = 0;                    ///< h actually used (1 in Self mode)
  int d_k = 0;                      ///< d_model / h
  std::vector<Token> query_tokens;  ///< target tokens in Cross mode, source tokens otherwise
  std::vector<Token> key_tokens;    ///< source tokens
  Matrix x_query;                   ///< n_q × d_model, positions included when enabled
  Matrix x_key;                     ///< n_k × d_model
  std::shared_ptr<const ModelParameters> parameters;
  std::vector<HeadTrace> head;  ///< h entries
  Matrix concat;                ///< n_q × d_model, head outputs side by side
  Matrix output;                ///< n_q × d_model, concat·W_O

  int n_q() const { return static_cast<int>(query_tokens.size()); }
  int n_k() const { return static_cast<int>(key_tokens.size()); }
};

/// Floats the trace's own matrices hold (not the shared parameters):
/// 2·h·n_q·n_k (scores, weights) + (5·n_q + 3·n_k)·d_model (X, Q, K, V, outputs, concat).
std::size_t floats_held(const Trace& trace);

}  // namespace attn
