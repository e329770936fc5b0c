#pragma once

#include <string>
#include <vector>

#include "attn/matrix.h"
#include "attn/trace.h"

namespace attn {

/// Which part of a BERT sentence pair a view shows, queries → keys (BertViz's filter).
/// Sentence A is segment 0 ([CLS] A [SEP]), sentence B segment 1 (B [SEP]).
enum class PairFilter { All, AToA, BToB, AToB, BToA };

/// How the views show a trace, besides colours. The default shows it as computed.
struct ShownAs {
  bool words = false;         ///< typed words instead of pieces (see word_level)
  bool hide_special = false;  ///< leave out special tokens' rows and columns ([CLS], BOS…)
  PairFilter pair = PairFilter::All;  ///< ignored unless the trace holds a sentence pair

  bool changes_anything() const { return words || hide_special || pair != PairFilter::All; }
};

/// One axis of a shown block: for every computed token the unit it goes into (-1: left out),
/// and the units as display tokens (text = the word or token as typed).
struct ShownAxis {
  std::vector<int> unit;      ///< one per computed token
  std::vector<Token> tokens;  ///< one per unit, in order
  int count() const { return static_cast<int>(tokens.size()); }
};

/// The axis for `tokens` (of `sequence`) under `as`; `segment` ≥ 0 keeps only that BERT
/// segment. `source`/`target` are the typed texts, for word labels.
ShownAxis shown_axis(const std::vector<Token>& tokens, Sequence sequence, const ShownAs& as,
                     int segment, const std::string& source, const std::string& target);

/// Whether `trace` is a BERT sentence pair (segment-1 tokens, no target sequence), where
/// ShownAs::pair applies.
bool has_sentence_pair(const Trace& trace);

/// The query and key axes a block of `trace` is shown with under `as`.
ShownAxis shown_query_axis(const Trace& trace, const AttentionBlock& block, const ShownAs& as);
ShownAxis shown_key_axis(const Trace& trace, const AttentionBlock& block, const ShownAs& as);

/// weights (n_q × n_k) between the axes' units: units_q × units_k (word_level).
Matrix shown_weights(const MatrixRef& weights, const ShownAxis& queries, const ShownAxis& keys);

/// The trace as the views show it under `as`: every block's heads reduced to the shown units,
/// the tokens replaced by them. A pair filter's queries become the target sequence (they differ
/// from its keys). made_by is null: the model's intermediates no longer match these blocks, so
/// the pipeline keeps the computed trace.
Trace shown_trace(const Trace& trace, const ShownAs& as);

}  // namespace attn
