// The real trained stories260K model (llama2.c format, ../shared/data): greedy decoding from BOS
// must reproduce llama2.c's own regression text, which checks the whole Llama path (RMSNorm,
// interleaved rotary positions, grouped-query attention, SwiGLU, the shared classifier and the
// tokenizer) on real weights.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "attn/models/model_loader.h"

namespace attn {
namespace {

namespace fs = std::filesystem;

const fs::path kStories = fs::path(ATTN_SHARED_DATA) / "stories260K";

#define SKIP_WITHOUT_STORIES()                                                             \
  if (!fs::exists(kStories / "stories260K.bin")) {                                         \
    GTEST_SKIP() << "../shared/data/stories260K not found beside the checkout (looked in " \
                 << kStories << "): the real-model test needs it";                         \
  }

TEST(Stories260K, OpensWithItsHeaderAsTheModelCard) {
  SKIP_WITHOUT_STORIES();
  Expected<std::shared_ptr<const TransformerModel>> model =
      load_model((kStories / "stories260K.bin").string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  const ModelInfo info = model.value()->info();
  EXPECT_EQ(info.family, Family::Llama2c);
  EXPECT_EQ(info.layers, 5);
  EXPECT_EQ(info.heads, 8);
  EXPECT_EQ(info.kv_heads, 4);
  EXPECT_EQ(info.d_model, 64);
  EXPECT_EQ(info.vocab_size, 512);
  EXPECT_EQ(info.max_tokens, 512);
  EXPECT_TRUE(info.warnings.empty());
}

TEST(Stories260K, GreedyDecodingFromBosIsLlama2csRegressionText) {
  SKIP_WITHOUT_STORIES();
  Expected<std::shared_ptr<const TransformerModel>> model =
      load_model((kStories / "stories260K.bin").string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  Expected<std::vector<int>> ids = model.value()->generate_greedy({1}, 120, {1});
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  const std::string text = model.value()->tokenizer().decode(ids.value());
  const std::string expected =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
      "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";
  EXPECT_EQ(text.substr(0, expected.size()), expected) << text;
}

TEST(Stories260K, EveryLayerAndHeadOfATypedSentence) {
  SKIP_WITHOUT_STORIES();
  Expected<std::shared_ptr<const TransformerModel>> model =
      load_model((kStories / "stories260K.bin").string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  Scenario scenario;
  scenario.source = "Once upon a time, Lily saw a big red ball.";
  Expected<Trace> trace = model.value()->run(scenario);
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  ASSERT_EQ(trace->blocks.size(), 5u);
  EXPECT_EQ(trace->source_tokens.front().id, 1);  // BOS
  EXPECT_TRUE(trace->source_tokens.front().special);
  for (int layer = 0; layer < 5; ++layer) {
    const AttentionBlock& block = trace->blocks[layer];
    EXPECT_EQ(block.name, "layers." + std::to_string(layer) + ".attention");
    ASSERT_EQ(block.heads(), 8);
    EXPECT_EQ(block.kv_head[5], 2);  // 8 query heads share 4 key/value heads
    const int n = block.n_q();
    for (int h = 0; h < 8; ++h) {
      for (int i = 0; i < n; ++i) {
        EXPECT_NEAR(block.head[h].weights.row(i).sum(), 1.0f, 1e-5f);
        for (int j = i + 1; j < n; ++j) EXPECT_EQ(block.head[h].weights(i, j), 0.0f);
      }
    }
  }
}

}  // namespace
}  // namespace attn
