#include "attn/trace_views.h"

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
