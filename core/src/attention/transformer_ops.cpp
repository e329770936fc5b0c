#include "attn/attention/transformer_ops.h"

#include <cmath>

namespace attn {

Matrix layer_norm(const MatrixRef& x, const RowVector& gamma, const RowVector& beta, float eps) {
  Matrix out(x.rows(), x.cols());
  const float inv_d = 1.0f / static_cast<float>(x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float mean = x.row(r).sum() * inv_d;
    const RowVector centred = x.row(r).array() - mean;
    const float variance = centred.squaredNorm() * inv_d;
    const float scale = 1.0f / std::sqrt(variance + eps);
    out.row(r) = (centred * scale).cwiseProduct(gamma) + beta;
  }
  return out;
}

Matrix rms_norm(const MatrixRef& x, const RowVector& weight, float eps) {
  Matrix out(x.rows(), x.cols());
  const float inv_d = 1.0f / static_cast<float>(x.cols());
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const float scale = 1.0f / std::sqrt(x.row(r).squaredNorm() * inv_d + eps);
    out.row(r) = (x.row(r) * scale).cwiseProduct(weight);
  }
  return out;
}

namespace {

// Up to this many rows (the few tokens typed at the end of a decoder's text) a product streams
// the weight once instead of going through GEMM, which packs all of it for a handful of rows.
constexpr Eigen::Index kFewRows = 8;

// out += x·w for a few rows, x: m × in, w: in × out, out: m × out. out.row(r) += x(r, i)·w.row(i)
// for every weight row i in order: w streams past once and each of its rows serves every row of
// x while in cache. Four weight rows a pass, so out is loaded and stored a quarter as often.
// (Strips of columns kept in L1 were slower: the strided reads of w cost more than they saved.)
void add_product_streaming_weight(const MatrixRef& x, const MatrixRef& w, Matrix& out) {
  const Eigen::Index in = w.rows();
  Eigen::Index i = 0;
  for (; i + 4 <= in; i += 4) {
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      out.row(r) += x(r, i) * w.row(i) + x(r, i + 1) * w.row(i + 1) + x(r, i + 2) * w.row(i + 2) +
                    x(r, i + 3) * w.row(i + 3);
    }
  }
  for (; i < in; ++i) {
    for (Eigen::Index r = 0; r < x.rows(); ++r) out.row(r) += x(r, i) * w.row(i);
  }
}

}  // namespace

Matrix linear_in_out(const MatrixRef& x, const MatrixRef& w, const RowVector& b) {
  Matrix out(x.rows(), w.cols());
  if (x.rows() <= kFewRows) {
    out.setZero();
    add_product_streaming_weight(x, w, out);
  } else {
    out.noalias() = x * w;
  }
  if (b.size() > 0) out.rowwise() += b;
  return out;
}

Matrix linear_out_in(const MatrixRef& x, const MatrixRef& w, const RowVector& b) {
  Matrix out(x.rows(), w.rows());
  out.noalias() = x * w.transpose();
  if (b.size() > 0) out.rowwise() += b;
  return out;
}

bool is_known_activation(const std::string& name) {
  return name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast" ||
         name == "gelu" || name == "silu" || name == "swish" || name == "relu";
}

bool apply_activation(Matrix& x, const std::string& name) {
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") {
    // Hendrycks & Gimpel 2016, the tanh approximation GPT-2 was trained with.
    const float k = std::sqrt(2.0f / 3.14159265358979323846f);
    // Eigen's vectorised tanh (within 3e-7 of tanh in double): std::tanh one value at a time
    // took a sixth of GPT-2 small's forward pass at 1024 tokens.
    x.array() = 0.5f * x.array() *
                (1.0f + (k * (x.array() + 0.044715f * x.array() * x.array() * x.array())).tanh());
    return true;
  }
  if (name == "gelu") {
    x = x.unaryExpr([](float v) { return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f)); });
    return true;
  }
  if (name == "silu" || name == "swish") {
    x.array() = x.array() / (1.0f + (-x.array()).exp());  // vectorised exp
    return true;
  }
  if (name == "relu") {
    x = x.cwiseMax(0.0f);
    return true;
  }
  return false;
}

void apply_rotary(Matrix& x, int first_position, float theta, RotaryPairs pairs) {
  const Eigen::Index d = x.cols();
  const Eigen::Index half = d / 2;
  for (Eigen::Index i = 0; i < half; ++i) {
    // As the frameworks compute it in float32: inv_freq, then position · inv_freq.
    const float inv_freq =
        1.0f / std::pow(theta, static_cast<float>(2 * i) / static_cast<float>(d));
    const Eigen::Index a = pairs == RotaryPairs::SplitHalf ? i : 2 * i;
    const Eigen::Index b = pairs == RotaryPairs::SplitHalf ? i + half : 2 * i + 1;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      const float angle = static_cast<float>(first_position + r) * inv_freq;
      const float c = std::cos(angle);
      const float s = std::sin(angle);
      const float x0 = x(r, a);
      const float x1 = x(r, b);
      x(r, a) = x0 * c - x1 * s;
      x(r, b) = x1 * c + x0 * s;
    }
  }
}

}  // namespace attn
