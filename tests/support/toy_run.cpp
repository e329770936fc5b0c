#include "toy_run.h"

#include <gtest/gtest.h>

#include "attn/models/attention_model.h"

namespace attn::testing {

ToyRun flatten(const Trace& trace) {
  ToyRun run;
  run.trace = trace;
  run.scenario = trace.scenario;
  if (trace.blocks.size() != 1) {
    ADD_FAILURE() << "a toy trace has one block, this one " << trace.blocks.size();
    return run;
  }
  Expected<BlockDetail> explained = explain_block(trace, 0);
  if (!explained) {
    ADD_FAILURE() << explained.error().message;
    return run;
  }
  run.detail = std::move(explained).value();
  const AttentionBlock& block = trace.blocks.front();
  for (int h = 0; h < block.heads(); ++h) {
    // explain() must reproduce run() bit for bit: the same code made both.
    EXPECT_TRUE(run.detail.head[h].weights == block.head[h].weights) << "head " << h;
    EXPECT_TRUE(run.detail.head[h].scores == block.head[h].scores) << "head " << h;
  }
  run.heads = block.heads();
  run.d_k = trace.model.head_dim;
  run.query_tokens = trace.query_tokens(block);
  run.key_tokens = trace.key_tokens(block);
  run.head = run.detail.head;
  run.x_query = run.detail.x_query;
  run.x_key = run.detail.x_key;
  run.concat = run.detail.concat;
  run.output = run.detail.output;
  run.parameters = run.detail.toy_parameters;
  return run;
}

}  // namespace attn::testing
