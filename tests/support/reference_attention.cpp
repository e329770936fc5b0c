#include "reference_attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attn::testing {
namespace {

using Rows = std::vector<std::vector<double>>;

/// rows × d_k block of X·W, columns [first, first + d_k) of W.
Rows project(const Matrix& x, const Matrix& w, int first, int d_k) {
  Rows out(x.rows(), std::vector<double>(d_k, 0.0));
  for (int r = 0; r < x.rows(); ++r)
    for (int c = 0; c < d_k; ++c)
      for (int m = 0; m < x.cols(); ++m) out[r][c] += double(x(r, m)) * w(m, first + c);
  return out;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

std::vector<double> times(const std::vector<double>& row, const Matrix& w) {
  std::vector<double> out(w.cols(), 0.0);
  for (int c = 0; c < w.cols(); ++c)
    for (int m = 0; m < w.rows(); ++m) out[c] += row[m] * w(m, c);
  return out;
}

double score(ScoreFunction f, const std::vector<double>& q, const std::vector<double>& k,
             const ScoreParameters& p) {
  switch (f) {
    case ScoreFunction::ScaledDot:
      return dot(q, k) / std::sqrt(double(q.size()));
    case ScoreFunction::Dot:
      return dot(q, k);
    case ScoreFunction::General:
      return dot(times(q, p.w), k);
    case ScoreFunction::Cosine: {
      const double norms = std::sqrt(dot(q, q)) * std::sqrt(dot(k, k));
      return norms == 0.0 ? 0.0 : dot(q, k) / norms;
    }
    case ScoreFunction::Additive: {
      const std::vector<double> a = times(q, p.w1), b = times(k, p.w2);
      double sum = 0.0;
      for (std::size_t i = 0; i < a.size(); ++i) sum += std::tanh(a[i] + b[i]) * p.v[i];
      return sum;
    }
  }
  return 0.0;
}

}  // namespace

bool reference_visible(const MaskSpec& mask, int i, int j) {
  switch (mask.kind) {
    case MaskKind::None:
      return true;
    case MaskKind::Causal:
      return j <= i;
    case MaskKind::Padding:
      return std::find(mask.hidden_keys.begin(), mask.hidden_keys.end(), j) ==
             mask.hidden_keys.end();
    case MaskKind::Custom:
      return mask.allowed(i, j);
  }
  return true;
}

ReferenceResult reference_multi_head(const Matrix& x_query, const Matrix& x_key,
                                     const ModelParameters& parameters, int heads,
                                     const AttentionConfig& config) {
  const int n_q = static_cast<int>(x_query.rows()), n_k = static_cast<int>(x_key.rows()),
            d_model = static_cast<int>(x_query.cols());
  const int d_k = d_model / heads;
  ReferenceResult result;
  Eigen::MatrixXd concat = Eigen::MatrixXd::Zero(n_q, d_model);
  const ScoreParameters none;
  for (int h = 0; h < heads; ++h) {
    const Rows q = project(x_query, parameters.w_q, h * d_k, d_k);
    const Rows k = project(x_key, parameters.w_k, h * d_k, d_k);
    const Rows v = project(x_key, parameters.w_v, h * d_k, d_k);
    const ScoreParameters& p = parameters.score.empty() ? none : parameters.score[h];
    Eigen::MatrixXd weights = Eigen::MatrixXd::Zero(n_q, n_k);
    for (int i = 0; i < n_q; ++i) {
      std::vector<double> s(n_k, -std::numeric_limits<double>::infinity());
      double row_max = -std::numeric_limits<double>::infinity();
      for (int j = 0; j < n_k; ++j) {
        if (!reference_visible(config.mask, i, j)) continue;
        s[j] = score(config.score, q[i], k[j], p) / config.temperature;
        row_max = std::max(row_max, s[j]);
      }
      if (std::isinf(row_max)) continue;  // every key hidden: the row stays zero
      double total = 0.0;
      for (int j = 0; j < n_k; ++j) total += std::exp(s[j] - row_max);
      for (int j = 0; j < n_k; ++j) weights(i, j) = std::exp(s[j] - row_max) / total;
      for (int c = 0; c < d_k; ++c)
        for (int j = 0; j < n_k; ++j) concat(i, h * d_k + c) += weights(i, j) * v[j][c];
    }
    result.weights.push_back(weights);
  }
  result.output = Eigen::MatrixXd::Zero(n_q, d_model);
  for (int i = 0; i < n_q; ++i)
    for (int c = 0; c < d_model; ++c)
      for (int m = 0; m < d_model; ++m) result.output(i, c) += concat(i, m) * parameters.w_o(m, c);
  return result;
}

}  // namespace attn::testing
