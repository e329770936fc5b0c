#pragma once

#include <string>
#include <vector>

#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn {

/// Mean of every head's weights, n_q × n_k; rows still sum to 1 (or 0 where fully masked).
Matrix mean_weights(const Trace& trace);

/// The token texts of a trace's query rows (n_q) and key columns (n_k).
std::vector<std::string> query_labels(const Trace& trace);
std::vector<std::string> key_labels(const Trace& trace);

}  // namespace attn
