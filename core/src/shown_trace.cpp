#include "attn/shown_trace.h"

#include "attn/trace_views.h"

namespace attn {
namespace {

// The segments a pair filter keeps for queries (first) and keys (second); -1 keeps all.
std::pair<int, int> pair_segments(PairFilter pair) {
  switch (pair) {
    case PairFilter::AToA:
      return {0, 0};
    case PairFilter::BToB:
      return {1, 1};
    case PairFilter::AToB:
      return {0, 1};
    case PairFilter::BToA:
      return {1, 0};
    case PairFilter::All:
      break;
  }
  return {-1, -1};
}

ShownAxis axis_for(const Trace& trace, Sequence sequence, const ShownAs& as, bool queries) {
  int segment = -1;
  if (as.pair != PairFilter::All && has_sentence_pair(trace)) {
    const std::pair<int, int> kept = pair_segments(as.pair);
    segment = queries ? kept.first : kept.second;
  }
  return shown_axis(trace.tokens(sequence), sequence, as, segment, trace.scenario.source,
                    trace.scenario.target);
}

}  // namespace

ShownAxis shown_axis(const std::vector<Token>& tokens, Sequence sequence, const ShownAs& as,
                     int segment, const std::string& source, const std::string& target) {
  int units = static_cast<int>(tokens.size());
  std::vector<int> unit(tokens.size());
  if (as.words) {
    unit = word_units(tokens, &units);
  } else {
    for (std::size_t i = 0; i < tokens.size(); ++i) unit[i] = static_cast<int>(i);
  }
  // A decoder's target is its own typed text: its words are spans of `target`.
  const std::string& first_text = sequence == Sequence::Target ? target : source;
  const std::vector<std::string> labels = word_labels(tokens, unit, units, first_text, target);

  // Units keep their order; a unit is shown when one of its tokens is.
  std::vector<int> renumbered(static_cast<std::size_t>(units), -1);
  ShownAxis axis;
  axis.unit.assign(tokens.size(), -1);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    const bool shown =
        !(as.hide_special && token.special) && (segment < 0 || token.segment == segment);
    if (!shown) continue;
    int& to = renumbered[static_cast<std::size_t>(unit[i])];
    if (to < 0) {
      to = axis.count();
      Token display = token;
      if (as.words) display.text = labels[static_cast<std::size_t>(unit[i])];
      axis.tokens.push_back(std::move(display));
    } else {
      Token& display = axis.tokens[static_cast<std::size_t>(to)];
      display.end = std::max(display.end, token.end);
    }
    axis.unit[i] = to;
  }
  return axis;
}

bool has_sentence_pair(const Trace& trace) {
  if (!trace.target_tokens.empty()) return false;
  for (const Token& token : trace.source_tokens)
    if (token.segment == 1) return true;
  return false;
}

ShownAxis shown_query_axis(const Trace& trace, const AttentionBlock& block, const ShownAs& as) {
  return axis_for(trace, block.queries, as, true);
}

ShownAxis shown_key_axis(const Trace& trace, const AttentionBlock& block, const ShownAs& as) {
  return axis_for(trace, block.keys, as, false);
}

Matrix shown_weights(const MatrixRef& weights, const ShownAxis& queries, const ShownAxis& keys) {
  return word_level(weights, queries.unit, queries.count(), keys.unit, keys.count());
}

Trace shown_trace(const Trace& trace, const ShownAs& as) {
  Trace shown;
  shown.scenario = trace.scenario;
  shown.model = trace.model;
  const bool pair = as.pair != PairFilter::All && has_sentence_pair(trace);
  // Axes per sequence: every block over the same sequences shares them.
  const ShownAxis source_keys = axis_for(trace, Sequence::Source, as, false);
  const ShownAxis source_queries = axis_for(trace, Sequence::Source, as, true);
  const ShownAxis target_axis = axis_for(trace, Sequence::Target, as, true);
  shown.source_tokens = source_keys.tokens;
  shown.target_tokens = pair ? source_queries.tokens : target_axis.tokens;
  shown.blocks.reserve(trace.blocks.size());
  for (const AttentionBlock& block : trace.blocks) {
    AttentionBlock out;
    out.name = block.name;
    out.layer = block.layer;
    out.kind = block.kind;
    out.kv_head = block.kv_head;
    out.keys = block.keys;
    // Under a pair filter a self-attention block's queries differ from its keys: they are
    // given as the target sequence.
    out.queries = pair ? Sequence::Target : block.queries;
    const ShownAxis& keys = block.keys == Sequence::Target ? target_axis : source_keys;
    const ShownAxis& queries = pair                                ? source_queries
                               : block.queries == Sequence::Target ? target_axis
                                                                   : source_queries;
    out.head.reserve(block.head.size());
    for (const HeadWeights& head : block.head) {
      HeadWeights weights;
      weights.weights = shown_weights(head.weights, queries, keys);
      out.head.push_back(std::move(weights));
    }
    shown.blocks.push_back(std::move(out));
  }
  return shown;
}

}  // namespace attn
