#pragma once

#include "attn/config.h"
#include "attn/matrix.h"

namespace attn {

/// Learned parameters some score functions need, one set per head (d_k = d_model / h).
struct ScoreParameters {
  Matrix w1;    ///< Additive: d_k × d_k, applied to queries as q·W₁
  Matrix w2;    ///< Additive: d_k × d_k, applied to keys as k·W₂
  RowVector v;  ///< Additive: 1 × d_k
  Matrix w;     ///< General: d_k × d_k, score q·W·kᵀ
};

/// Scores before temperature and mask, n_q × n_k, for queries Q (n_q × d_k) and keys
/// K (n_k × d_k); entry (i, j) is score(Q row i, K row j):
///   ScaledDot  Q·Kᵀ / √d_k              (Vaswani et al. 2017, Eq. 1)
///   Dot        Q·Kᵀ
///   Additive   tanh(q_i·W₁ + k_j·W₂)·vᵀ  (Bahdanau et al. 2015, Eq. 6 in row-vector form)
///   General    (Q·W)·Kᵀ                 (Luong et al. 2015, Eq. 8)
///   Cosine     q_i·k_jᵀ / (‖q_i‖‖k_j‖)   (0 where a row is the zero vector)
/// `params` is read only by Additive and General.
Matrix compute_scores(ScoreFunction function, const MatrixRef& q, const MatrixRef& k,
                      const ScoreParameters& params);

}  // namespace attn
