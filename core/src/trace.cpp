#include "attn/trace.h"

#include <algorithm>

#include "attn/models/attention_model.h"

namespace attn {

int Trace::layers() const {
  int layers = 0;
  for (const AttentionBlock& block : blocks) layers = std::max(layers, block.layer + 1);
  return layers;
}

std::size_t floats_held(const Trace& trace) {
  std::size_t total = 0;
  for (const AttentionBlock& block : trace.blocks) {
    for (const HeadWeights& head : block.head) {
      total += static_cast<std::size_t>(head.scores.size() + head.weights.size());
    }
  }
  return total;
}

Expected<BlockDetail> explain_block(const Trace& trace, int block) {
  if (block < 0 || block >= static_cast<int>(trace.blocks.size())) {
    return Error{InputField::Layer, "There is no attention block " + std::to_string(block) +
                                        "; the trace has " + std::to_string(trace.blocks.size())};
  }
  if (!trace.made_by) {
    return Error{InputField::Other, "The model that made this trace is no longer available"};
  }
  Expected<BlockDetail> detail = trace.made_by->explain(trace, block);
  if (detail) detail.value().block = block;
  return detail;
}

}  // namespace attn
