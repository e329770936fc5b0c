#include "attn/attention/transformer_ops.h"

#include <algorithm>
#include <cmath>

#include <omp.h>

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

// out += x.middleCols(i0, i1 − i0) · w.middleRows(i0, i1 − i0) for a few rows; x: m × in,
// w: in × cols, out: m × cols with rows out_stride apart. Eight weight rows a pass, taken in
// column tiles that stay in L1 with the matching strip of every out row: each out element is
// loaded and stored once per eight weight rows, and w streams past once in order.
void add_rows_product(const MatrixRef& x, const MatrixRef& w, Eigen::Index i0, Eigen::Index i1,
                      float* out, Eigen::Index out_stride) {
  constexpr Eigen::Index kTile = 512;  // floats: 8 weight strips + 1 out strip = 18 KB
  const Eigen::Index cols = w.cols();
  const Eigen::Index ld = w.outerStride();
  Eigen::Index i = i0;
  for (; i + 8 <= i1; i += 8) {
    const float* w_row[8];
    for (int k = 0; k < 8; ++k) w_row[k] = w.data() + (i + k) * ld;
    for (Eigen::Index c0 = 0; c0 < cols; c0 += kTile) {
      const Eigen::Index c1 = std::min(cols, c0 + kTile);
      for (Eigen::Index r = 0; r < x.rows(); ++r) {
        float a[8];
        for (int k = 0; k < 8; ++k) a[k] = x(r, i + k);
        float* o = out + r * out_stride;
#pragma omp simd
        for (Eigen::Index c = c0; c < c1; ++c) {
          o[c] += a[0] * w_row[0][c] + a[1] * w_row[1][c] + a[2] * w_row[2][c] +
                  a[3] * w_row[3][c] + a[4] * w_row[4][c] + a[5] * w_row[5][c] +
                  a[6] * w_row[6][c] + a[7] * w_row[7][c];
        }
      }
    }
  }
  for (; i < i1; ++i) {  // the last in % 8 rows of this part
    const float* w_row = w.data() + i * ld;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      const float a = x(r, i);
      float* o = out + r * out_stride;
      for (Eigen::Index c = 0; c < cols; ++c) o[c] += a * w_row[c];
    }
  }
}

// A weight of at least 2^18 floats (1 MB) is worth a second thread: one core alone does not
// reach the memory bandwidth two do (21 against 28 GB/s on the development VM). Asked of the
// caller's thread count, since num_threads(2) alone would override a caller's one thread (the
// UI thread's small runs).
bool worth_two_threads(const MatrixRef& w) {
  return w.size() >= (Eigen::Index{1} << 18) && omp_get_max_threads() > 1;
}

// out = x·w for a few rows (x: m × in, w: in × cols, out: m × cols). w's rows are split into
// two fixed halves, each summed on its own (on two threads when there are), then added: the
// same sums in the same order on one thread or two.
void few_rows_product(const MatrixRef& x, const MatrixRef& w, Matrix& out) {
  const Eigen::Index in = w.rows();
  const Eigen::Index half = in / 2 / 8 * 8;
  out.setZero();
  Matrix lower = Matrix::Zero(x.rows(), w.cols());
#pragma omp parallel sections num_threads(2) if (worth_two_threads(w))
  {
#pragma omp section
    add_rows_product(x, w, 0, half, out.data(), out.cols());
#pragma omp section
    add_rows_product(x, w, half, in, lower.data(), lower.cols());
  }
  out += lower;
}

// out.middleCols(o0, o1 − o0) = x · w.middleRows(o0, o1 − o0)ᵀ for a few rows; x: m × in,
// w: cols × in, out: m × cols. One dot product an output: w's rows stream past once, in
// order, each serving every row of x from L1.
void dot_rows_product(const MatrixRef& x, const MatrixRef& w, Eigen::Index o0, Eigen::Index o1,
                      Matrix& out) {
  for (Eigen::Index o = o0; o < o1; ++o) {
    const auto w_row = w.row(o);
    for (Eigen::Index r = 0; r < x.rows(); ++r) out(r, o) = x.row(r).dot(w_row);
  }
}

// out = x·wᵀ for a few rows (x: m × in, w: cols × in, out: m × cols), the outputs in two
// halves on two threads when there are; each output is one dot product either way.
void few_rows_product_transposed(const MatrixRef& x, const MatrixRef& w, Matrix& out) {
  const Eigen::Index half = w.rows() / 2;
#pragma omp parallel sections num_threads(2) if (worth_two_threads(w))
  {
#pragma omp section
    dot_rows_product(x, w, 0, half, out);
#pragma omp section
    dot_rows_product(x, w, half, w.rows(), out);
  }
}

}  // namespace

Matrix linear_in_out(const MatrixRef& x, const MatrixRef& w, const RowVector& b) {
  Matrix out(x.rows(), w.cols());
  if (x.rows() <= kFewRows) {
    few_rows_product(x, w, out);
  } else {
    out.noalias() = x * w;
  }
  if (b.size() > 0) out.rowwise() += b;
  return out;
}

Matrix linear_out_in(const MatrixRef& x, const MatrixRef& w, const RowVector& b) {
  Matrix out(x.rows(), w.rows());
  if (x.rows() <= kFewRows) {
    few_rows_product_transposed(x, w, out);  // GEMM would pack all of w for a few rows
  } else {
    out.noalias() = x * w.transpose();
  }
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
