#pragma once

#include <vector>

#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn {

/// One step of a head's computation, in the order a lesson walks through them.
enum class StageKind {
  InputQueries,  ///< X (queries), n_q × d_model, positions included
  InputKeys,     ///< X (keys), n_k × d_model; Cross mode only (else the same X)
  Queries,       ///< Q = X·W_Q (this head's columns), n_q × d_k
  Keys,          ///< K = X·W_K, n_k × d_k
  Values,        ///< V = X·W_V, n_k × d_k
  DotProducts,   ///< Q·Kᵀ, n_q × n_k (ScaledDot, Dot, Cosine)
  ScoreFunction,  ///< the score function's result: ÷√d_k, ÷‖q‖‖k‖, Q·W·Kᵀ or additive
  Temperature,    ///< ÷ temperature, n_q × n_k
  Masked,         ///< hidden pairs set to −∞, n_q × n_k (equals HeadDetail::scores)
  Softmax,        ///< weights, n_q × n_k (HeadDetail::weights)
  HeadOutput,     ///< weights·V, n_q × d_k (HeadDetail::output)
  Concat,         ///< every head's output side by side, n_q × d_model (Trace::concat)
  Output,         ///< concat·W_O, n_q × d_model (Trace::output)
};

/// What the rows and columns of a stage are.
enum class StageAxis { QueryTokens, KeyTokens, Features };

struct PipelineStage {
  StageKind kind;
  StageAxis rows;
  StageAxis columns;
  Matrix values;
};

/// The stages of head `head` (0-based) of one block, from its intermediates (explain_block).
/// Every matrix the detail holds is copied from it; the score steps it does not keep (Q·Kᵀ
/// before the score function finishes, the result before temperature and mask) are produced by
/// the engine's own compute_scores and apply_mask on the detail's Q and K, so the Masked stage
/// equals HeadDetail::scores bit for bit. Dot and General have no separate DotProducts stage;
/// Additive neither. InputKeys appears for cross-attention only.
std::vector<PipelineStage> pipeline_stages(const BlockDetail& detail, bool cross, int head);

}  // namespace attn
