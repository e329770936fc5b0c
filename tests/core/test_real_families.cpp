// Every real family, end to end: a tiny checkpoint in the exact Hugging Face (or llama2.c)
// layout is written to disk, opened by load_model, run on typed text, and every block's
// weights and scores are compared with the independent double-precision reference.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "attn/models/attention_model.h"
#include "attn/models/model_loader.h"
#include "reference_models.h"
#include "tiny_checkpoint.h"
#include "tiny_tokenizers.h"

namespace attn {
namespace {

namespace fs = std::filesystem;
using testing::RefConfig;
using testing::TinyCheckpoint;
using testing::TinyOptions;

struct FamilyCase {
  std::string name;
  RefConfig config;
  TinyOptions options;
  DType dtype = DType::F32;
  std::string target;  // BERT's sentence B
};

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = fs::temp_directory_path() / ("attnviz-family-" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

// Writes the checkpoint and a tokenizer in the family's own format; returns what to open.
std::string write_model(const FamilyCase& c, const TinyCheckpoint& tiny) {
  const fs::path folder = fresh_folder(c.name);
  if (c.config.family == Family::Llama2c) {
    EXPECT_FALSE(tiny.write_llama2c((folder / "model.bin").string()).has_value());
    testing::write_llama2c_tokenizer((folder / "tokenizer.bin").string(), c.config.vocab_size);
    return (folder / "model.bin").string();
  }
  EXPECT_FALSE(tiny.write_hf_folder(folder.string(), c.dtype).has_value());
  if (c.config.family == Family::Bert) {
    testing::write_wordpiece_vocab(folder.string(), c.config.vocab_size);
  } else {
    testing::write_byte_level_bpe(folder.string(), c.config.vocab_size);
  }
  return folder.string();
}

// Near in a relative sense for large scores, absolutely for small weights; −∞ where masked.
void expect_near(const Matrix& got, const Eigen::MatrixXd& want, double tolerance,
                 const std::string& what) {
  ASSERT_EQ(got.rows(), want.rows()) << what;
  ASSERT_EQ(got.cols(), want.cols()) << what;
  for (Eigen::Index r = 0; r < want.rows(); ++r) {
    for (Eigen::Index c = 0; c < want.cols(); ++c) {
      if (std::isinf(want(r, c))) {
        EXPECT_TRUE(std::isinf(got(r, c)) && got(r, c) < 0) << what << " (" << r << "," << c << ")";
        continue;
      }
      EXPECT_NEAR(got(r, c), want(r, c), tolerance * std::max(1.0, std::abs(want(r, c))))
          << what << " (" << r << "," << c << ")";
    }
  }
}

class RealFamily : public ::testing::TestWithParam<FamilyCase> {};

TEST_P(RealFamily, EveryBlockEqualsTheReferenceTo1e4) {
  const FamilyCase& c = GetParam();
  const TinyCheckpoint tiny = testing::make_tiny_checkpoint(c.config, c.options);
  const std::string path = write_model(c, tiny);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(path);
  ASSERT_TRUE(model.ok()) << model.error().message;

  Scenario scenario;
  scenario.source = "the cat sat on the mat";
  scenario.target = c.target;
  Expected<Trace> trace = model.value()->run(scenario);
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  std::vector<int> ids, types;
  for (const Token& token : trace->source_tokens) {
    ids.push_back(token.id);
    types.push_back(token.segment);
  }
  const TinyCheckpoint stored = tiny.as_stored(c.dtype);
  Expected<testing::RefOutput> reference =
      testing::reference_forward(stored.config, stored.tensors, ids, types);
  ASSERT_TRUE(reference.ok()) << reference.error().message;

  ASSERT_EQ(trace->blocks.size(), reference->blocks.size());
  EXPECT_EQ(trace->layers(), c.config.n_layers);
  for (std::size_t b = 0; b < trace->blocks.size(); ++b) {
    const AttentionBlock& block = trace->blocks[b];
    const testing::RefBlock& want = reference->blocks[b];
    EXPECT_EQ(block.name, want.name);
    EXPECT_EQ(block.layer, static_cast<int>(b));
    ASSERT_EQ(block.heads(), c.config.n_heads);
    for (int h = 0; h < block.heads(); ++h) {
      const std::string what = block.name + " head " + std::to_string(h);
      expect_near(block.head[h].weights, want.weights[h], 1e-4, what + " weights");
      EXPECT_EQ(block.kv_head[h], h / (c.config.n_heads / c.config.n_kv_heads));
      for (Eigen::Index r = 0; r < block.head[h].weights.rows(); ++r) {
        EXPECT_NEAR(block.head[h].weights.row(r).sum(), 1.0f, 1e-5f);
      }
    }
    // The intermediates on request come from the same code: bit-identical weights.
    Expected<BlockDetail> detail = explain_block(trace.value(), static_cast<int>(b));
    ASSERT_TRUE(detail.ok()) << detail.error().message;
    ASSERT_EQ(detail->head.size(), block.head.size());
    for (int h = 0; h < block.heads(); ++h) {
      EXPECT_TRUE(detail->head[h].weights == block.head[h].weights) << block.name << " " << h;
      expect_near(detail->head[h].scores, want.scores[h], 1e-4,
                  block.name + " head " + std::to_string(h) + " scores");
      EXPECT_EQ(block.head[h].scores.size(), 0);  // on request only
      EXPECT_EQ(detail->head[h].q.cols(), c.config.head_dim);
    }
    EXPECT_EQ(detail->x_query.rows(), static_cast<Eigen::Index>(ids.size()));
    EXPECT_EQ(detail->output.cols(), c.config.d_model);
  }
  if (reference->logits.size() > 0) {
    Expected<RowVector> logits = model.value()->next_token_logits(ids);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    const Eigen::MatrixXd last = reference->logits.bottomRows(1);
    expect_near(Matrix(logits.value()), last, 1e-4, "logits");
  }
  fs::remove_all(fs::path(path).has_extension() ? fs::path(path).parent_path() : fs::path(path));
}

RefConfig with_vocab(RefConfig config, int vocab) {
  config.vocab_size = vocab;
  return config;
}

std::vector<FamilyCase> family_cases() {
  TinyOptions gpt2_old;  // "transformer." names and the attention buffers of old checkpoints
  gpt2_old.prefix = "transformer.";
  gpt2_old.attn_bias_buffers = true;
  TinyOptions bert_old;  // "bert." names, LayerNorm gamma/beta, a pooler
  bert_old.prefix = "bert.";
  bert_old.legacy_layer_norm_names = true;
  bert_old.pooler = true;
  const RefConfig gpt2 = with_vocab(testing::tiny_gpt2_config(), 300);
  const RefConfig bert = with_vocab(testing::tiny_bert_config(), 120);
  const RefConfig llama = with_vocab(testing::tiny_llama_config(), 300);
  const RefConfig qwen2 = with_vocab(testing::tiny_qwen2_config(), 300);
  const RefConfig llama2c = with_vocab(testing::tiny_llama2c_config(), 300);
  return {
      {"gpt2_f32", gpt2, {}, DType::F32, ""},
      {"gpt2_bf16_prefixed_with_buffers", gpt2, gpt2_old, DType::BF16, ""},
      {"bert_f32", bert, {}, DType::F32, ""},
      {"bert_pair_legacy_names_bf16", bert, bert_old, DType::BF16, "it was tired"},
      {"llama_gqa_f32", llama, {}, DType::F32, ""},
      {"llama_gqa_bf16", llama, {}, DType::BF16, ""},
      {"qwen2_biases", qwen2, {}, DType::F32, ""},
      {"llama2c", llama2c, {}, DType::F32, ""},
  };
}

INSTANTIATE_TEST_SUITE_P(TinyCheckpoints, RealFamily, ::testing::ValuesIn(family_cases()),
                         [](const ::testing::TestParamInfo<FamilyCase>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace attn

namespace attn {
namespace {

// Typing at the end: run_after reuses the earlier run's keys, values and rows; the result
// equals a full run up to float rounding, also when the last word's pieces changed.
TEST(IncrementalRun, EqualsAFullRunForEveryDecoderFamily) {
  for (RefConfig config : {testing::tiny_gpt2_config(), testing::tiny_llama_config(),
                           testing::tiny_llama2c_config()}) {
    config.vocab_size = 300;
    FamilyCase c{"incremental_" + config.model_type, config, {}, DType::F32, ""};
    const TinyCheckpoint tiny = testing::make_tiny_checkpoint(c.config, c.options);
    const std::string path = write_model(c, tiny);
    Expected<std::shared_ptr<const TransformerModel>> model = load_model(path);
    ASSERT_TRUE(model.ok()) << model.error().message;
    Scenario typed;
    typed.source = "the cat sa";
    Expected<Trace> before = model.value()->run(typed);
    ASSERT_TRUE(before.ok()) << before.error().message;
    ASSERT_NE(before->model_state, nullptr);
    for (const char* more : {"the cat sat", "the cat sat on the mat", "the dog"}) {
      typed.source = more;
      Expected<Trace> after = model.value()->run_after(typed, before.value());
      Expected<Trace> full = model.value()->run(typed);
      ASSERT_TRUE(after.ok() && full.ok());
      ASSERT_EQ(after->blocks.size(), full->blocks.size());
      ASSERT_EQ(after->source_tokens.size(), full->source_tokens.size());
      for (std::size_t b = 0; b < full->blocks.size(); ++b) {
        for (int h = 0; h < full->blocks[b].heads(); ++h) {
          const Matrix& got = after->blocks[b].head[h].weights;
          const Matrix& want = full->blocks[b].head[h].weights;
          ASSERT_EQ(got.rows(), want.rows());
          EXPECT_LT((got - want).cwiseAbs().maxCoeff(), 1e-5f)
              << config.model_type << " \"" << more << "\" block " << b << " head " << h;
          EXPECT_TRUE(got.topRightCorner(got.rows() - 1, got.cols() - 1)
                          .triangularView<Eigen::Upper>()
                          .toDenseMatrix()
                          .isZero(0.0f));  // causal zeros, also in the copied rows
        }
      }
      before = std::move(after);
    }
    fs::remove_all(fs::path(path).has_extension() ? fs::path(path).parent_path() : fs::path(path));
  }
}

}  // namespace
}  // namespace attn
