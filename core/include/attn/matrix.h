#pragma once

#include <Eigen/Core>

namespace attn {

/// Every matrix in attnviz is float32 (as in the frameworks people compare against) and
/// row-major: query rows, key columns, and a softmax over a contiguous row.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;

/// Read-only view of a Matrix (or a block of one) passed into a function without a copy.
using MatrixRef = Eigen::Ref<const Matrix>;

}  // namespace attn
