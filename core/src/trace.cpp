#include "attn/trace.h"

namespace attn {

std::size_t floats_held(const Trace& trace) {
  std::size_t total = static_cast<std::size_t>(trace.x_query.size() + trace.x_key.size() +
                                               trace.concat.size() + trace.output.size());
  for (const HeadTrace& head : trace.head) {
    total +=
        static_cast<std::size_t>(head.q.size() + head.k.size() + head.v.size() +
                                 head.scores.size() + head.weights.size() + head.output.size());
  }
  return total;
}

}  // namespace attn
