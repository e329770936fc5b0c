#pragma once

#include <vector>

#include "attn/config.h"
#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn::testing {

/// What the naive reference computes for one run, in double precision.
struct ReferenceResult {
  std::vector<Eigen::MatrixXd> weights;  ///< per head, n_q × n_k
  Eigen::MatrixXd output;                ///< n_q × d_model
};

/// Multi-head attention written as plain loops straight from the equations, independent of
/// the engine's Eigen code: X_q (n_q × d_model), X_k (n_k × d_model), parameters as used by
/// the engine, settings from `config` (score function, temperature, mask, heads).
ReferenceResult reference_multi_head(const Matrix& x_query, const Matrix& x_key,
                                     const ModelParameters& parameters, int heads,
                                     const AttentionConfig& config);

/// Whether query i may see key j under `mask` (n_q × n_k).
bool reference_visible(const MaskSpec& mask, int i, int j);

}  // namespace attn::testing
