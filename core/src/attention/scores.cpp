#include "attn/attention/scores.h"

#include <cmath>

namespace attn {
namespace {

Matrix dot_scores(const MatrixRef& q, const MatrixRef& k, float scale) {
  Matrix scores(q.rows(), k.rows());
  // Product first, then the scale: Eigen takes its blocked GEMM path only for a plain product.
  scores.noalias() = q * k.transpose();
  if (scale != 1.0f) scores *= scale;
  return scores;
}

Matrix additive_scores(const MatrixRef& q, const MatrixRef& k, const ScoreParameters& p) {
  const Matrix projected_q = q * p.w1;  // n_q × d_k
  const Matrix projected_k = k * p.w2;  // n_k × d_k
  Matrix scores(q.rows(), k.rows());
  for (Eigen::Index i = 0; i < q.rows(); ++i) {
    for (Eigen::Index j = 0; j < k.rows(); ++j) {
      scores(i, j) = (projected_q.row(i) + projected_k.row(j)).array().tanh().matrix().dot(p.v);
    }
  }
  return scores;
}

Matrix cosine_scores(const MatrixRef& q, const MatrixRef& k) {
  // Normalise rows first; a zero row stays zero, so its scores are 0 rather than NaN.
  auto normalised = [](const MatrixRef& m) {
    Matrix out = m;
    for (Eigen::Index r = 0; r < out.rows(); ++r) {
      const float norm = out.row(r).norm();
      if (norm > 0.0f) out.row(r) /= norm;
    }
    return out;
  };
  return dot_scores(normalised(q), normalised(k), 1.0f);
}

}  // namespace

Matrix compute_scores(ScoreFunction function, const MatrixRef& q, const MatrixRef& k,
                      const ScoreParameters& params) {
  switch (function) {
    case ScoreFunction::ScaledDot:
      return dot_scores(q, k, 1.0f / std::sqrt(static_cast<float>(q.cols())));
    case ScoreFunction::Dot:
      return dot_scores(q, k, 1.0f);
    case ScoreFunction::Additive:
      return additive_scores(q, k, params);
    case ScoreFunction::General: {
      const Matrix transformed_q = q * params.w;  // n_q × d_k
      return dot_scores(transformed_q, k, 1.0f);
    }
    case ScoreFunction::Cosine:
      return cosine_scores(q, k);
  }
  return Matrix::Zero(q.rows(), k.rows());
}

}  // namespace attn
