// The shipped gpt2-induction decoder (resources/models/gpt2-induction, trained by
// scripts/train/train_gpt2_induction.py) still has its two heads, on text written here:
//   - a layer-1 previous-token head: mean weight from token i on token i−1 ≥ 0.8 over short
//     stories written for this test;
//   - the induction head attnviz.json focuses (Olsson et al. 2022): on random word spans drawn
//     here with our own generator and written twice, mean weight from each second-copy token
//     on the token after its earlier occurrence ≥ 0.5, and less than half of that on the
//     earlier occurrence itself (it looks one past the match, not at it);
//   - the app's example ("Once upon a time …" written twice) shows the same, ≥ 0.5.
// A model that loses either head fails the build.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "attn/models/model_loader.h"
#include "attn/models/shipped_models.h"
#include "attn/trace_views.h"

namespace attn {
namespace {

const std::string kFolder = std::string(ATTN_MODELS_DIR) + "/gpt2-induction";

// Stories in the model's words, written for this test (not drawn from its generator).
const std::vector<std::string> kStories = {
    "Lily had a red kite. One day the kite went to the sky and Lily was sad.",
    "The old bear and the little fox played in the snow all day, then they ran home.",
    "Tom found a blue boat at the lake. He said yes to the sister and they ate cake.",
    "A shy owl looked at the moon. The moon was cold but the owl was happy.",
    "Mom and dad made food for the friends. Ben sang and Mia jumped on the green hill.",
};

// Lexicon words, each one token after a space.
const std::vector<std::string> kWords = {
    "dog",   "cat",   "bird",   "fish",  "fox",    "bear",  "frog",  "duck",  "horse", "rabbit",
    "mouse", "lion",  "owl",    "pig",   "cow",    "sheep", "happy", "sad",   "old",   "young",
    "red",   "blue",  "green",  "small", "kind",   "brave", "shy",   "funny", "quiet", "fast",
    "slow",  "tall",  "warm",   "cold",  "ball",   "book",  "cake",  "kite",  "hat",   "box",
    "toy",   "apple", "flower", "boat",  "drum",   "car",   "tree",  "star",  "cup",   "shoe",
    "sea",   "park",  "forest", "river", "garden", "house", "town",  "hill",  "farm",  "lake"};

struct Loaded {
  std::shared_ptr<const TransformerModel> model;
  ShippedModel card;
};

Loaded load() {
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(kFolder);
  EXPECT_TRUE(model.ok()) << model.error().message;
  Expected<ShippedModel> card = read_shipped_model(kFolder);
  EXPECT_TRUE(card.ok()) << card.error().message;
  if (!model.ok() || !card.ok()) return {};
  return {model.value(), card.value()};
}

Trace run(const TransformerModel& model, const std::string& text) {
  Scenario scenario;
  scenario.source = text;
  Expected<Trace> trace = model.run(scenario);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  return trace.ok() ? trace.value() : Trace{};
}

// The weights of `head` in `layer`'s block, or nullptr when the trace has no such head.
const Matrix* head_weights(const Trace& trace, int layer, int head) {
  const int block = block_for_layer(trace, layer);
  if (block < 0 || head < 0 || head >= trace.blocks[std::size_t(block)].heads()) return nullptr;
  return &trace.blocks[std::size_t(block)].head[std::size_t(head)].weights;
}

// Weights from each token of the second copy (rows r ≥ n/2 whose id equals the id at r − n/2:
// the second copy's first word follows a space and is another token) on two places of the
// first copy: one past the earlier occurrence, and the occurrence itself.
struct CopyWeights {
  double on_next = 0;
  double on_match = 0;
  int rows = 0;
};

CopyWeights copy_weights(const Trace& trace, const Matrix& w) {
  CopyWeights sum;
  const int n = int(trace.source_tokens.size());
  const int half = n / 2;
  for (int r = half; r < n; ++r) {
    if (trace.source_tokens[std::size_t(r)].id != trace.source_tokens[std::size_t(r - half)].id)
      continue;
    sum.on_next += w(r, r - half + 1);
    sum.on_match += w(r, r - half);
    ++sum.rows;
  }
  return sum;
}

TEST(ShippedGpt2Induction, CardPointsAtTheInductionHeadOnTheStoryExample) {
  const Loaded loaded = load();
  ASSERT_TRUE(loaded.model);
  EXPECT_EQ(loaded.card.family, "gpt2");
  EXPECT_EQ(loaded.card.example.source.rfind("Once upon a time", 0), 0u);
  ASSERT_EQ(loaded.card.focus_layer, 1);  // the induction head needs the layer before it
  ASSERT_GE(loaded.card.focus_head, 0);
  const Trace trace = run(*loaded.model, loaded.card.example.source);
  const Matrix* focus = head_weights(trace, loaded.card.focus_layer, loaded.card.focus_head);
  ASSERT_NE(focus, nullptr);
  const CopyWeights c = copy_weights(trace, *focus);
  ASSERT_GE(c.rows, 10);
  std::printf("example: %.3f one past the earlier occurrence\n", c.on_next / c.rows);
  EXPECT_GE(c.on_next / c.rows, 0.5) << "on the example, one past the earlier occurrence";
}

TEST(ShippedGpt2Induction, LayerOneHasAPreviousTokenHead) {
  const Loaded loaded = load();
  ASSERT_TRUE(loaded.model);
  std::vector<double> sum;  // per head of layer 1
  int count = 0;
  for (const std::string& story : kStories) {
    const Trace trace = run(*loaded.model, story);
    ASSERT_NE(head_weights(trace, 0, 0), nullptr);
    const int n = int(trace.source_tokens.size());
    for (int h = 0; head_weights(trace, 0, h); ++h) {
      const Matrix& w = *head_weights(trace, 0, h);
      ASSERT_EQ(w.rows(), n);
      if (sum.size() <= std::size_t(h)) sum.push_back(0.0);
      for (int i = 1; i < n; ++i) sum[std::size_t(h)] += w(i, i - 1);
    }
    count += n - 1;
  }
  double best = 0;
  for (double s : sum) best = std::max(best, s / count);
  std::printf("previous-token head: %.3f\n", best);
  EXPECT_GE(best, 0.8) << "best layer-1 head's mean weight on the token before";
}

TEST(ShippedGpt2Induction, FocusHeadLooksOnePastTheEarlierOccurrence) {
  const Loaded loaded = load();
  ASSERT_TRUE(loaded.model);
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<std::size_t> pick(0, kWords.size() - 1);
  CopyWeights total;
  for (int sample = 0; sample < 8; ++sample) {
    std::string span;
    for (int i = 0; i < 30; ++i) span += (i ? " " : "") + kWords[pick(rng)];
    const Trace trace = run(*loaded.model, span + " " + span);
    ASSERT_EQ(trace.source_tokens.size(), 60u) << "every word one token: " << span;
    const Matrix* focus = head_weights(trace, loaded.card.focus_layer, loaded.card.focus_head);
    ASSERT_NE(focus, nullptr);
    const CopyWeights c = copy_weights(trace, *focus);
    total.on_next += c.on_next;
    total.on_match += c.on_match;
    total.rows += c.rows;
  }
  ASSERT_GE(total.rows, 8 * 28);
  const double on_next = total.on_next / total.rows;
  const double on_match = total.on_match / total.rows;
  std::printf("random spans: %.3f one past the earlier occurrence, %.3f on it\n", on_next,
              on_match);
  EXPECT_GE(on_next, 0.5) << "mean weight one past the earlier occurrence";
  EXPECT_LT(on_match, on_next / 2) << "it looks past the match, not at it";
}

}  // namespace
}  // namespace attn
