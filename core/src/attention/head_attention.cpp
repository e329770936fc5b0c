#include "attn/attention/head_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/attention/masking.h"

namespace attn {

HeadDetail attend_head(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v,
                       const ScoreParameters& params, const HeadSettings& settings) {
  HeadDetail head;
  head.q = q;
  head.k = k;
  head.v = v;
  head.scores = compute_scores(settings.score, q, k, params);
  if (settings.temperature != 1.0f) head.scores /= settings.temperature;
  if (settings.mask != nullptr) apply_mask(head.scores, *settings.mask, settings.causal_offset);
  head.weights = softmax_rows(head.scores);
  head.output.noalias() = head.weights * v;
  return head;
}

HeadDetail attend_causal_head(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v,
                              int offset, bool keep_all) {
  // Rows per band: large enough for Eigen's blocked GEMM, small enough that the band's
  // rectangle wastes little of the masked triangle.
  constexpr Eigen::Index kBand = 32;
  const Eigen::Index m = q.rows();
  const Eigen::Index n = k.rows();
  const float scale = 1.0f / std::sqrt(static_cast<float>(q.cols()));
  HeadDetail head;
  head.weights = Matrix::Zero(m, n);
  head.output.resize(m, v.cols());
  if (keep_all) {
    head.q = q;
    head.k = k;
    head.v = v;
    head.scores = Matrix::Constant(m, n, -std::numeric_limits<float>::infinity());
  }
  Matrix band;
  for (Eigen::Index r0 = 0; r0 < m; r0 += kBand) {
    const Eigen::Index rows = std::min(kBand, m - r0);
    const Eigen::Index seen = std::min(n, offset + r0 + rows);  // keys the band's last row sees
    band.resize(rows, seen);
    band.noalias() = q.middleRows(r0, rows) * k.topRows(seen).transpose();
    band *= scale;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const Eigen::Index visible = std::min(seen, offset + r0 + i + 1);
      auto scores = band.row(i).head(visible);
      if (keep_all) head.scores.row(r0 + i).head(visible) = scores;
      const float row_max = scores.maxCoeff();
      auto weights = head.weights.row(r0 + i).head(visible);
      if (std::isfinite(row_max)) {
        weights = (scores.array() - row_max).exp().matrix();
        weights /= weights.sum();
      } else {
        weights = softmax_rows(scores);  // overflowed scores: its limits, as everywhere
      }
      band.row(i).tail(seen - visible).setZero();
      band.row(i).head(visible) = weights;
    }
    head.output.middleRows(r0, rows).noalias() = band * v.topRows(seen);
  }
  return head;
}

}  // namespace attn
