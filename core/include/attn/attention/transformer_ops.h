#pragma once

#include <string>

#include "attn/matrix.h"

namespace attn {

// The building blocks real transformer layers share, float32 as the frameworks compute them.
// Rows are tokens: x is n × d throughout.

/// LayerNorm over each row (Ba et al. 2016): (x − mean) / √(var + eps) · γ + β, the variance
/// biased (÷ d) as torch.nn.LayerNorm computes it. x: n × d, gamma and beta: 1 × d.
Matrix layer_norm(const MatrixRef& x, const RowVector& gamma, const RowVector& beta, float eps);

/// RMSNorm over each row (Zhang & Sennrich 2019), as Llama computes it:
/// x / √(mean(x²) + eps) · w. x: n × d, weight: 1 × d.
Matrix rms_norm(const MatrixRef& x, const RowVector& weight, float eps);

/// x·W + b for a weight stored [in, out] (GPT-2's Conv1D). x: n × in, w: in × out, b: 1 × out
/// (empty: no bias). Returns n × out.
Matrix linear_in_out(const MatrixRef& x, const MatrixRef& w, const RowVector& b);

/// x·Wᵀ + b for a weight stored [out, in] (torch.nn.Linear). x: n × in, w: out × in,
/// b: 1 × out (empty: no bias). Returns n × out.
Matrix linear_out_in(const MatrixRef& x, const MatrixRef& w, const RowVector& b);

/// Activations, in place. "gelu_new" / "gelu_pytorch_tanh": 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)));
/// "gelu": 0.5x(1 + erf(x/√2)); "silu" / "swish": x·σ(x); "relu": max(0, x).
/// Returns false for an activation it does not know (the matrix is left as it was).
bool apply_activation(Matrix& x, const std::string& name);
bool is_known_activation(const std::string& name);

/// How rotary position embeddings (Su et al. 2021) pair a head's features.
enum class RotaryPairs {
  SplitHalf,    ///< feature i with i + d/2 (Hugging Face's rotate_half)
  Interleaved,  ///< feature 2i with 2i + 1 (llama2.c, Meta's original)
};

/// Rotates each row (one token at absolute position first_position + row) of one head's
/// queries or keys, x: n × d_head (d_head even), in place. Pair i turns by
/// position · theta^(−2i/d_head).
void apply_rotary(Matrix& x, int first_position, float theta, RotaryPairs pairs);

}  // namespace attn
