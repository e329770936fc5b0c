#include "attn/attention/masking.h"

#include <algorithm>
#include <limits>

namespace attn {

std::string check_mask(const MaskSpec& mask, int n_q, int n_k) {
  switch (mask.kind) {
    case MaskKind::None:
    case MaskKind::Causal:
      return {};
    case MaskKind::Padding:
      for (const int position : mask.hidden_keys) {
        if (position < 0 || position >= n_k) {
          return "padding position " + std::to_string(position) + " is outside the " +
                 std::to_string(n_k) + " key tokens (positions 0 to " + std::to_string(n_k - 1) +
                 ")";
        }
      }
      return {};
    case MaskKind::Custom:
      if (mask.allowed.rows() != n_q || mask.allowed.cols() != n_k) {
        return "the mask is " + std::to_string(mask.allowed.rows()) + " × " +
               std::to_string(mask.allowed.cols()) + " but the attention is " +
               std::to_string(n_q) + " queries × " + std::to_string(n_k) + " keys";
      }
      return {};
  }
  return "unknown mask kind";
}

void apply_mask(Matrix& scores, const MaskSpec& mask, int causal_offset) {
  constexpr float kHidden = -std::numeric_limits<float>::infinity();
  const Eigen::Index n_q = scores.rows();
  const Eigen::Index n_k = scores.cols();
  switch (mask.kind) {
    case MaskKind::None:
      return;
    case MaskKind::Causal:
      for (Eigen::Index i = 0; i < n_q; ++i) {
        const Eigen::Index first_hidden = std::min(i + 1 + causal_offset, n_k);
        scores.row(i).tail(n_k - first_hidden).setConstant(kHidden);
      }
      return;
    case MaskKind::Padding:
      for (const int position : mask.hidden_keys) scores.col(position).setConstant(kHidden);
      return;
    case MaskKind::Custom:
      scores = mask.allowed.select(scores, Matrix::Constant(n_q, n_k, kHidden));
      return;
  }
}

Matrix softmax_rows(const MatrixRef& scores) {
  Matrix weights(scores.rows(), scores.cols());
  if (scores.cols() == 0) return weights;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const float row_max = scores.row(i).maxCoeff();
    if (row_max == -std::numeric_limits<float>::infinity()) {
      weights.row(i).setZero();  // every key hidden: no attention, not NaN
      continue;
    }
    if (row_max == std::numeric_limits<float>::infinity()) {
      // Scores overflowed (a tiny temperature): the limit of softmax shares the row equally
      // among the infinite keys, where x − max would give ∞ − ∞ = NaN.
      const Eigen::ArrayXf infinite = (scores.row(i).array() == row_max).cast<float>();
      weights.row(i) = (infinite / infinite.sum()).matrix().transpose();
      continue;
    }
    weights.row(i) = (scores.row(i).array() - row_max).exp().matrix();
    weights.row(i) /= weights.row(i).sum();
  }
  return weights;
}

}  // namespace attn
