#pragma once

#include <cstdint>
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

/// How many numbers trace_to_json writes for `config` over n_q query and n_k key tokens, known
/// before anything is computed: (5·n_q + 3·n_k)·d_model + 2·h·n_q·n_k for the trace,
/// 4·d_model² for W_Q, W_K, W_V, W_O, h·(2·d_k² + d_k) (additive) or h·d_k² (general)
/// score parameters, and h·n_q·n_k + h + n_q + n_k for the block list and the token ids.
std::uint64_t trace_json_numbers(const AttentionConfig& config, int n_q, int n_k);

/// How many numbers trace_to_json(trace) writes, from the shapes alone: the formula above for
/// the toy model; for a real model Σ_blocks (h·n_q·n_k + h) + n_q + n_k.
std::uint64_t trace_json_numbers(const Trace& trace);

/// Bytes a number takes in trace.json on average ("-0.123456789," and row breaks), measured.
inline constexpr double kTraceJsonBytesPerNumber = 14;
/// The most numbers a trace.json may hold: some 220 MB, written in a few seconds. One token at
/// d_model = 4096 is 67 million (the four 4096² projections).
inline constexpr std::uint64_t kMaxTraceJsonNumbers = 16'000'000;

}  // namespace attn
