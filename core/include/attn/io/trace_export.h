#pragma once

#include <string>
#include <vector>

#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn {

/// One weight matrix as CSV (RFC 4180): the header row holds "query \ key" and the n_k key
/// labels, then one row per query: its label and n_k values. Floats are written with 9
/// significant digits, so reading them back gives the same float. Labels containing a comma,
/// quote or line break are quoted.
std::string matrix_to_csv(const MatrixRef& values /* n_q × n_k */,
                          const std::vector<std::string>& row_labels /* n_q */,
                          const std::vector<std::string>& column_labels /* n_k */);

/// The whole trace as JSON: config, tokens, X, the projections, score parameters, every head's
/// Q, K, V, scores, weights and output, the concatenation and the output, each matrix an array
/// of rows. Floats round-trip exactly (9 significant digits); a masked score (−∞) is written as
/// null because JSON has no infinity.
std::string trace_to_json(const Trace& trace);

}  // namespace attn
