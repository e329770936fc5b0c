#pragma once

#include <string>
#include <vector>

#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn {

/// Mean of the block's heads' weights, n_q × n_k; rows still sum to 1 (or 0 where fully masked).
Matrix mean_weights(const AttentionBlock& block);

/// The token texts of a block's query rows (n_q) and key columns (n_k).
std::vector<std::string> query_labels(const Trace& trace, const AttentionBlock& block);
std::vector<std::string> key_labels(const Trace& trace, const AttentionBlock& block);

/// The block a view shows for `layer` (0-based): its cross-attention block in Cross mode when
/// it has one, else its (first) self-attention block; -1 when no block has that layer.
int block_for_layer(const Trace& trace, int layer);

/// The block a view shows first: layer 0's (the toy model has only that one).
inline int default_block(const Trace& trace) { return block_for_layer(trace, 0); }

}  // namespace attn
