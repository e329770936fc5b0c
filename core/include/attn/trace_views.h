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

namespace attn {

/// Attention rollout (Abnar & Zuidema 2020, Eq. 1): per self-attention block of layers
/// 0..up_to_layer over one sequence, Â = rows normalised (mean over heads + I), multiplied
/// through the layers, R = Â_L·…·Â_0. n × n; rows sum to 1. Only the blocks whose queries and
/// keys are both `sequence` count (an encoder's self-attention, or a decoder's). An empty
/// matrix when no such block exists.
Matrix attention_rollout(const Trace& trace, int up_to_layer, Sequence sequence = Sequence::Source);

/// The rollout as a trace of its own, for the views and exports: the source tokens and one
/// block ("rollout", one head, n × n) through layer `up_to_layer`; no blocks when the trace has
/// no self-attention over its source.
Trace rollout_trace(const Trace& trace, int up_to_layer);

/// Typed words instead of pieces: the index of each token's unit, where every typed word (by
/// Token::word and Token::segment) is one unit and every special token is a unit of its own,
/// in order of first appearance. `count` receives the number of units.
std::vector<int> word_units(const std::vector<Token>& tokens, int* count);

/// Attention between units (see word_units): the weight from unit a to unit b is the sum over
/// b's key pieces of the mean over a's query pieces. weights: n_q × n_k → units_q × units_k;
/// rows still sum to 1 (or 0). A unit of -1 leaves that query row or key column out.
Matrix word_level(const MatrixRef& weights, const std::vector<int>& query_units, int query_count,
                  const std::vector<int>& key_units, int key_count);

/// The labels of the units: a word's pieces joined as typed (its bytes in `text`), a special
/// token's own label.
std::vector<std::string> word_labels(const std::vector<Token>& tokens,
                                     const std::vector<int>& units, int count,
                                     const std::string& source, const std::string& target);

}  // namespace attn
