#include "attn/trace_views.h"

#include <algorithm>

namespace attn {
namespace {

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const Token& token : tokens) out.push_back(token.text);
  return out;
}

}  // namespace

Matrix mean_weights(const AttentionBlock& block) {
  Matrix mean = Matrix::Zero(block.n_q(), block.n_k());
  if (block.head.empty()) return mean;
  for (const HeadWeights& head : block.head) mean += head.weights;
  mean /= static_cast<float>(block.head.size());
  return mean;
}

std::vector<std::string> query_labels(const Trace& trace, const AttentionBlock& block) {
  return texts(trace.query_tokens(block));
}

std::vector<std::string> key_labels(const Trace& trace, const AttentionBlock& block) {
  return texts(trace.key_tokens(block));
}

int block_for_layer(const Trace& trace, int layer) {
  const bool want_cross = trace.scenario.config.mode == Mode::Cross;
  int self = -1;
  for (int i = 0; i < static_cast<int>(trace.blocks.size()); ++i) {
    const AttentionBlock& block = trace.blocks[i];
    if (block.layer != layer) continue;
    if (want_cross && block.kind == BlockKind::Cross) return i;
    if (block.kind == BlockKind::Self && self < 0) self = i;
  }
  if (self >= 0) return self;
  // A layer with only a cross block (not in Cross mode): show that one.
  for (int i = 0; i < static_cast<int>(trace.blocks.size()); ++i) {
    if (trace.blocks[i].layer == layer) return i;
  }
  return -1;
}

}  // namespace attn

namespace attn {

Matrix attention_rollout(const Trace& trace, int up_to_layer, Sequence sequence) {
  Matrix rollout;
  for (const AttentionBlock& block : trace.blocks) {
    if (block.layer > up_to_layer || block.kind != BlockKind::Self || block.queries != sequence ||
        block.keys != sequence || block.head.empty()) {
      continue;
    }
    const int n = block.n_q();
    Matrix mixed = mean_weights(block) + Matrix::Identity(n, n);
    for (int r = 0; r < n; ++r) mixed.row(r) /= mixed.row(r).sum();  // ≥ 1: never 0
    rollout = rollout.size() == 0 ? mixed : Matrix(mixed * rollout);
  }
  return rollout;
}

Trace rollout_trace(const Trace& trace, int up_to_layer) {
  Trace out;
  out.scenario = trace.scenario;
  out.model = trace.model;
  out.source_tokens = trace.source_tokens;
  Matrix rollout = attention_rollout(trace, up_to_layer, Sequence::Source);
  if (rollout.size() == 0) return out;
  AttentionBlock block;
  block.name = "rollout";
  block.layer = up_to_layer;
  block.kv_head = {0};
  block.head.push_back({Matrix(), std::move(rollout)});
  out.blocks.push_back(std::move(block));
  return out;
}

std::vector<int> word_units(const std::vector<Token>& tokens, int* count) {
  std::vector<int> units(tokens.size(), 0);
  int next = 0;
  int last_word = -2, last_segment = -1;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    const bool same_word = !token.special && token.word >= 0 && token.word == last_word &&
                           token.segment == last_segment && i > 0 && !tokens[i - 1].special;
    units[i] = same_word ? next - 1 : next++;
    last_word = token.special ? -2 : token.word;
    last_segment = token.segment;
  }
  if (count != nullptr) *count = next;
  return units;
}

Matrix word_level(const MatrixRef& weights, const std::vector<int>& query_units, int query_count,
                  const std::vector<int>& key_units, int key_count) {
  Matrix summed = Matrix::Zero(weights.rows(), key_count);  // key pieces summed per unit
  for (Eigen::Index k = 0; k < weights.cols(); ++k) {
    const int unit = key_units[static_cast<std::size_t>(k)];
    if (unit >= 0) summed.col(unit) += weights.col(k);
  }
  Matrix out = Matrix::Zero(query_count, key_count);
  std::vector<int> pieces(static_cast<std::size_t>(query_count), 0);
  for (Eigen::Index q = 0; q < weights.rows(); ++q) {
    const int unit = query_units[static_cast<std::size_t>(q)];
    if (unit < 0) continue;
    out.row(unit) += summed.row(q);
    ++pieces[static_cast<std::size_t>(unit)];
  }
  for (int u = 0; u < query_count; ++u) {
    if (pieces[static_cast<std::size_t>(u)] > 0) out.row(u) /= float(pieces[std::size_t(u)]);
  }
  return out;
}

std::vector<std::string> word_labels(const std::vector<Token>& tokens,
                                     const std::vector<int>& units, int count,
                                     const std::string& source, const std::string& target) {
  std::vector<std::string> labels(static_cast<std::size_t>(count));
  std::vector<std::size_t> begin(labels.size(), std::string::npos), end(labels.size(), 0);
  std::vector<int> segment(labels.size(), 0);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::size_t u = static_cast<std::size_t>(units[i]);
    if (tokens[i].special) {
      labels[u] = tokens[i].text;
      continue;
    }
    begin[u] = std::min(begin[u], tokens[i].begin);
    end[u] = std::max(end[u], tokens[i].end);
    segment[u] = tokens[i].segment;
  }
  for (std::size_t u = 0; u < labels.size(); ++u) {
    if (begin[u] == std::string::npos) continue;
    const std::string& text = segment[u] == 1 ? target : source;
    if (end[u] > text.size() || begin[u] >= end[u]) continue;
    std::string word = text.substr(begin[u], end[u] - begin[u]);
    const std::size_t first = word.find_first_not_of(" \t\r\n");
    const std::size_t last = word.find_last_not_of(" \t\r\n");
    labels[u] = first == std::string::npos ? word : word.substr(first, last - first + 1);
  }
  return labels;
}

}  // namespace attn
