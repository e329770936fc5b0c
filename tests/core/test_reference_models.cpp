// Tests of the independent reference (tests/support/reference_models.*) and of the tiny
// checkpoints it is run on (tests/support/tiny_checkpoint.*): invariants, one hand-computed
// 1-layer 1-head case per family, the file formats, and llama2.c's own known answer.

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reference_models.h"
#include "tiny_checkpoint.h"

namespace attn::testing {
namespace {

constexpr double kTight = 1e-12;

RefOutput run(const RefConfig& config, const RefTensors& tensors, const std::vector<int>& ids,
              const std::vector<int>& types = {}) {
  Expected<RefOutput> out = reference_forward(config, tensors, ids, types);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  return out.ok() ? std::move(out).value() : RefOutput{};
}

/// This process's scratch folder, removed when the tests end.
std::filesystem::path scratch_folder() {
  return std::filesystem::temp_directory_path() / ("attn_reference_" + std::to_string(::getpid()));
}

std::string temp_path(const std::string& leaf) {
  std::filesystem::create_directories(scratch_folder());
  return (scratch_folder() / leaf).string();
}

class RemoveScratchFolder : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_folder(), ignored);
  }
};
const auto* const kScratch = ::testing::AddGlobalTestEnvironment(new RemoveScratchFolder);

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// ---- invariants on the random tiny checkpoints ----------------------------------------------

struct FamilyCase {
  const char* label;
  RefConfig (*config)();
  const char* first_block;
  bool causal;
};

class ReferenceInvariants : public ::testing::TestWithParam<FamilyCase> {};

TEST_P(ReferenceInvariants, RowsSumToOneMaskHoldsShapesAndNamesAreRight) {
  const FamilyCase& param = GetParam();
  const TinyCheckpoint tiny = make_tiny_checkpoint(param.config());
  const RefConfig& c = tiny.config;
  const std::vector<int> ids = {3, 17, 5, 5, 42, 0, 9};
  const int n = int(ids.size());
  const RefOutput out = run(c, tiny.tensors, ids);
  ASSERT_EQ(int(out.blocks.size()), c.n_layers);
  EXPECT_EQ(out.blocks[0].name, param.first_block);
  double sharpest = 0.0;
  for (const RefBlock& block : out.blocks) {
    ASSERT_EQ(int(block.weights.size()), c.n_heads) << block.name;
    ASSERT_EQ(int(block.scores.size()), c.n_heads) << block.name;
    for (int h = 0; h < c.n_heads; ++h) {
      const Eigen::MatrixXd& w = block.weights[h];
      const Eigen::MatrixXd& s = block.scores[h];
      ASSERT_EQ(w.rows(), n);
      ASSERT_EQ(w.cols(), n);
      for (int i = 0; i < n; ++i) {
        EXPECT_NEAR(w.row(i).sum(), 1.0, kTight) << block.name << " head " << h << " row " << i;
        for (int j = 0; j < n; ++j) {
          if (param.causal && j > i) {
            EXPECT_EQ(w(i, j), 0.0);
            EXPECT_TRUE(std::isinf(s(i, j)) && s(i, j) < 0);
          } else {
            EXPECT_GT(w(i, j), 0.0) << block.name << " head " << h;  // BERT: no zeros at all
            EXPECT_TRUE(std::isfinite(s(i, j)));
          }
          sharpest = std::max(sharpest, w(i, j) - 1.0 / (param.causal ? i + 1 : n));
        }
      }
    }
  }
  // The random weights are large enough to give attention that is far from uniform.
  EXPECT_GT(sharpest, 0.2);
  EXPECT_EQ(out.hidden.rows(), n);
  EXPECT_EQ(out.hidden.cols(), c.d_model);
  EXPECT_TRUE(out.hidden.allFinite());
  if (c.family == Family::Bert) {
    EXPECT_EQ(out.logits.size(), 0);
  } else {
    EXPECT_EQ(out.logits.rows(), n);
    EXPECT_EQ(out.logits.cols(), c.vocab_size);
    EXPECT_TRUE(out.logits.allFinite());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Families, ReferenceInvariants,
    ::testing::Values(FamilyCase{"gpt2", tiny_gpt2_config, "h.0.attn", true},
                      FamilyCase{"bert", tiny_bert_config, "encoder.layer.0.attention.self", false},
                      FamilyCase{"llama", tiny_llama_config, "model.layers.0.self_attn", true},
                      FamilyCase{"qwen2", tiny_qwen2_config, "model.layers.0.self_attn", true},
                      FamilyCase{"llama2c", tiny_llama2c_config, "layers.0.attention", true}),
    [](const ::testing::TestParamInfo<FamilyCase>& family) { return family.param.label; });

TEST(ReferenceModels, CausalModelsIgnoreLaterTokens) {
  // A prefix's attention and hidden states do not change when tokens are appended.
  for (RefConfig (*config)() : {tiny_gpt2_config, tiny_llama_config, tiny_llama2c_config}) {
    const TinyCheckpoint tiny = make_tiny_checkpoint(config());
    const RefOutput short_run = run(tiny.config, tiny.tensors, {4, 8, 15});
    const RefOutput long_run = run(tiny.config, tiny.tensors, {4, 8, 15, 16, 23});
    for (std::size_t b = 0; b < short_run.blocks.size(); ++b)
      for (std::size_t h = 0; h < short_run.blocks[b].weights.size(); ++h)
        EXPECT_LT(
            (long_run.blocks[b].weights[h].topLeftCorner(3, 3) - short_run.blocks[b].weights[h])
                .cwiseAbs()
                .maxCoeff(),
            1e-12);
    EXPECT_LT((long_run.hidden.topRows(3) - short_run.hidden).cwiseAbs().maxCoeff(), 1e-12);
  }
}

TEST(ReferenceModels, GroupedQueryHeadsShareTheirKeyValueHead) {
  // 4 query heads, 2 kv heads: heads 0 and 1 read kv head 0, heads 2 and 3 kv head 1. Giving
  // heads 0, 1 and 2 the same query rows makes 0 and 1 equal and 2 different.
  TinyCheckpoint tiny = make_tiny_checkpoint(tiny_llama_config());
  const int hd = tiny.config.head_dim, d = tiny.config.d_model;
  std::vector<float>& wq = tiny.tensors["model.layers.0.self_attn.q_proj.weight"].values;
  for (int head : {1, 2})
    for (int r = 0; r < hd; ++r)
      for (int col = 0; col < d; ++col) wq[(head * hd + r) * d + col] = wq[r * d + col];
  const RefOutput out = run(tiny.config, tiny.tensors, {1, 2, 3, 4, 5});
  const std::vector<Eigen::MatrixXd>& w = out.blocks[0].weights;
  EXPECT_LT((w[0] - w[1]).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_GT((w[0] - w[2]).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(ReferenceModels, BertTokenTypesChangeTheOutput) {
  const TinyCheckpoint tiny = make_tiny_checkpoint(tiny_bert_config());
  const RefOutput a = run(tiny.config, tiny.tensors, {2, 3, 4, 5}, {0, 0, 0, 0});
  const RefOutput b = run(tiny.config, tiny.tensors, {2, 3, 4, 5}, {0, 0, 1, 1});
  const RefOutput zeros = run(tiny.config, tiny.tensors, {2, 3, 4, 5});
  EXPECT_GT((a.hidden - b.hidden).cwiseAbs().maxCoeff(), 1e-3);
  EXPECT_EQ(a.hidden, zeros.hidden);  // no types given = all type 0
}

TEST(ReferenceModels, RefusesMissingTensorsAndBadIdsWithAMessage) {
  TinyCheckpoint tiny = make_tiny_checkpoint(tiny_gpt2_config());
  Expected<RefOutput> bad_id = reference_forward(tiny.config, tiny.tensors, {1, 80});
  ASSERT_FALSE(bad_id.ok());
  EXPECT_NE(bad_id.error().message.find("80"), std::string::npos);
  Expected<RefOutput> too_long =
      reference_forward(tiny.config, tiny.tensors, std::vector<int>(33, 1));
  EXPECT_FALSE(too_long.ok());
  tiny.tensors.erase("h.1.mlp.c_fc.bias");
  tiny.tensors["h.0.attn.c_proj.weight"].shape = {4, 64};
  Expected<RefOutput> broken = reference_forward(tiny.config, tiny.tensors, {1, 2});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("h.1.mlp.c_fc.bias: missing"), std::string::npos)
      << broken.error().message;
  EXPECT_NE(broken.error().message.find("h.0.attn.c_proj.weight: shape [4, 64], expected [16, 16]"),
            std::string::npos)
      << broken.error().message;
}

// ---- the stored layouts -----------------------------------------------------------------------

TEST(TinyCheckpoint, Gpt2HasTheHuggingFaceNamesAndShapes) {
  const TinyCheckpoint plain = make_tiny_checkpoint(tiny_gpt2_config());
  // wte, wpe, ln_f.{weight,bias} + 12 per layer.
  EXPECT_EQ(plain.tensors.size(), 4u + 12u * 2u);
  EXPECT_EQ(plain.tensors.at("wte.weight").shape, (std::vector<std::int64_t>{80, 16}));
  EXPECT_EQ(plain.tensors.at("wpe.weight").shape, (std::vector<std::int64_t>{32, 16}));
  EXPECT_EQ(plain.tensors.at("h.1.attn.c_attn.weight").shape, (std::vector<std::int64_t>{16, 48}));
  EXPECT_EQ(plain.tensors.at("h.1.attn.c_attn.bias").shape, (std::vector<std::int64_t>{48}));
  EXPECT_EQ(plain.tensors.at("h.0.mlp.c_fc.weight").shape, (std::vector<std::int64_t>{16, 64}));
  EXPECT_EQ(plain.tensors.at("h.0.mlp.c_proj.weight").shape, (std::vector<std::int64_t>{64, 16}));
  EXPECT_EQ(plain.tensors.count("ln_f.bias"), 1u);

  TinyOptions old_style;
  old_style.prefix = "transformer.";
  old_style.attn_bias_buffers = true;
  const TinyCheckpoint old = make_tiny_checkpoint(tiny_gpt2_config(), old_style);
  EXPECT_EQ(old.tensors.size(), 4u + 14u * 2u);
  const RefTensor& causal = old.tensors.at("transformer.h.1.attn.bias");
  EXPECT_EQ(causal.shape, (std::vector<std::int64_t>{1, 1, 32, 32}));
  EXPECT_EQ(causal.values[0 * 32 + 1], 0.0f);
  EXPECT_EQ(causal.values[1 * 32 + 0], 1.0f);
  EXPECT_TRUE(old.tensors.at("transformer.h.0.attn.masked_bias").shape.empty());
  // Same values under either name; the reference reads both the same way.
  EXPECT_EQ(old.tensors.at("transformer.h.1.mlp.c_fc.bias").values,
            plain.tensors.at("h.1.mlp.c_fc.bias").values);
  const RefOutput a = run(plain.config, plain.tensors, {1, 2, 3});
  const RefOutput b = run(old.config, old.tensors, {1, 2, 3});
  EXPECT_EQ(a.logits, b.logits);
}

TEST(TinyCheckpoint, BertHasTheHuggingFaceNamesAndShapesInBothSpellings) {
  const TinyCheckpoint plain = make_tiny_checkpoint(tiny_bert_config());
  EXPECT_EQ(plain.tensors.size(), 5u + 16u * 2u);
  EXPECT_EQ(plain.tensors.at("embeddings.token_type_embeddings.weight").shape,
            (std::vector<std::int64_t>{2, 16}));
  EXPECT_EQ(plain.tensors.at("encoder.layer.1.intermediate.dense.weight").shape,
            (std::vector<std::int64_t>{48, 16}));
  EXPECT_EQ(plain.tensors.at("encoder.layer.1.output.dense.weight").shape,
            (std::vector<std::int64_t>{16, 48}));
  EXPECT_EQ(plain.tensors.count("encoder.layer.0.attention.output.LayerNorm.bias"), 1u);

  TinyOptions legacy;
  legacy.prefix = "bert.";
  legacy.legacy_layer_norm_names = true;
  legacy.pooler = true;
  const TinyCheckpoint old = make_tiny_checkpoint(tiny_bert_config(), legacy);
  EXPECT_EQ(old.tensors.size(), 7u + 16u * 2u);
  EXPECT_EQ(old.tensors.count("bert.embeddings.LayerNorm.gamma"), 1u);
  EXPECT_EQ(old.tensors.count("bert.encoder.layer.1.output.LayerNorm.beta"), 1u);
  EXPECT_EQ(old.tensors.at("bert.pooler.dense.weight").shape, (std::vector<std::int64_t>{16, 16}));
  const RefOutput a = run(plain.config, plain.tensors, {5, 6, 7});
  const RefOutput b = run(old.config, old.tensors, {5, 6, 7});
  EXPECT_EQ(a.hidden, b.hidden);
}

TEST(TinyCheckpoint, LlamaAndQwen2HaveTheHuggingFaceNamesAndShapes) {
  const TinyCheckpoint llama = make_tiny_checkpoint(tiny_llama_config());
  EXPECT_EQ(llama.tensors.size(), 3u + 9u * 2u);
  EXPECT_EQ(llama.tensors.at("model.layers.0.self_attn.q_proj.weight").shape,
            (std::vector<std::int64_t>{32, 32}));
  EXPECT_EQ(llama.tensors.at("model.layers.0.self_attn.k_proj.weight").shape,
            (std::vector<std::int64_t>{16, 32}));  // 2 kv heads × 8
  EXPECT_EQ(llama.tensors.at("model.layers.1.mlp.down_proj.weight").shape,
            (std::vector<std::int64_t>{32, 44}));
  EXPECT_EQ(llama.tensors.at("lm_head.weight").shape, (std::vector<std::int64_t>{96, 32}));

  const TinyCheckpoint qwen = make_tiny_checkpoint(tiny_qwen2_config());
  EXPECT_EQ(qwen.tensors.size(), 2u + 12u * 2u);
  EXPECT_EQ(qwen.tensors.count("lm_head.weight"), 0u);  // tied
  EXPECT_EQ(qwen.tensors.at("model.layers.1.self_attn.v_proj.bias").shape,
            (std::vector<std::int64_t>{16}));
  EXPECT_EQ(qwen.tensors.count("model.layers.1.self_attn.o_proj.bias"), 0u);
}

TEST(TinyCheckpoint, SameSeedSameValuesOtherSeedOthers) {
  TinyOptions other;
  other.seed = 7;
  const TinyCheckpoint a = make_tiny_checkpoint(tiny_llama_config());
  const TinyCheckpoint b = make_tiny_checkpoint(tiny_llama_config());
  const TinyCheckpoint c = make_tiny_checkpoint(tiny_llama_config(), other);
  const std::string name = "model.layers.1.mlp.up_proj.weight";
  EXPECT_EQ(a.tensors.at(name).values, b.tensors.at(name).values);
  EXPECT_NE(a.tensors.at(name).values, c.tensors.at(name).values);
  EXPECT_NE(a.tensors.at(name).values, a.tensors.at("model.layers.1.mlp.gate_proj.weight").values);
}

TEST(Bf16, RoundsToNearestEven) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3F80);
  EXPECT_EQ(float_to_bf16(-2.0f), 0xC000);
  EXPECT_EQ(float_to_bf16(0.0f), 0x0000);
  EXPECT_EQ(float_to_bf16(-0.0f), 0x8000);
  EXPECT_EQ(float_to_bf16(3.14159274f), 0x4049);  // 0x40490FDB: below half, down
  EXPECT_EQ(float_to_bf16(1.00390625f), 0x3F80);  // 1 + 2^-8: a tie, to the even 0x3F80
  EXPECT_EQ(float_to_bf16(1.01171875f), 0x3F82);  // 1 + 3·2^-8: a tie, to the even 0x3F82
  EXPECT_EQ(float_to_bf16(1.00390636f), 0x3F81);  // just above the tie: up
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(float_to_bf16(std::numeric_limits<float>::max()), 0x7F80);  // overflows to inf
  const std::uint16_t nan = float_to_bf16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(nan & 0x7F80, 0x7F80);
  EXPECT_NE(nan & 0x007F, 0);
  EXPECT_EQ(bf16_to_float(0x3F82), 1.015625f);
  EXPECT_EQ(bf16_to_float(0xC000), -2.0f);
}

/// Parses safetensors bytes as the format says, checking every rule on the way.
void expect_valid_safetensors(const std::string& bytes, const RefTensors& tensors, DType dtype) {
  ASSERT_GE(bytes.size(), 8u);
  std::uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | (unsigned char)bytes[i];
  ASSERT_LE(8 + header_length, bytes.size());
  EXPECT_EQ(header_length % 8, 0u);
  const nlohmann::json header =
      nlohmann::json::parse(bytes.substr(8, header_length), nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(header.is_object());
  EXPECT_EQ(header["__metadata__"]["format"], "pt");
  const std::string data = bytes.substr(8 + header_length);
  const std::size_t element = dtype == DType::F32 ? 4 : 2;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& [name, tensor] : tensors) {
    ASSERT_TRUE(header.contains(name)) << name;
    const nlohmann::json& entry = header[name];
    EXPECT_EQ(entry["dtype"], dtype == DType::F32 ? "F32" : "BF16");
    EXPECT_EQ(entry["shape"].get<std::vector<std::int64_t>>(), tensor.shape);
    const auto offsets = entry["data_offsets"].get<std::vector<std::uint64_t>>();
    ASSERT_EQ(offsets.size(), 2u);
    ASSERT_EQ(offsets[1] - offsets[0], tensor.values.size() * element) << name;
    ranges.emplace_back(offsets[0], offsets[1]);
    for (std::size_t i = 0; i < tensor.values.size(); ++i) {
      const std::size_t at = offsets[0] + i * element;
      if (dtype == DType::F32) {
        float v;
        std::memcpy(&v, &data[at], 4);
        ASSERT_EQ(v, tensor.values[i]) << name;
      } else {
        const std::uint16_t b =
            std::uint16_t((unsigned char)data[at] | ((unsigned char)data[at + 1] << 8));
        ASSERT_EQ(b, float_to_bf16(tensor.values[i])) << name;
      }
    }
  }
  EXPECT_EQ(header.size(), tensors.size() + 1);
  // The header lists tensors in offset order, and they tile the data section exactly.
  std::uint64_t previous = 0, expected_begin = 0;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    const auto offsets = (*it)["data_offsets"].get<std::vector<std::uint64_t>>();
    EXPECT_GE(offsets[0], previous) << "header entries not sorted by offset";
    previous = offsets[0];
  }
  std::sort(ranges.begin(), ranges.end());
  for (const auto& [begin, end] : ranges) {
    EXPECT_EQ(begin, expected_begin);
    expected_begin = end;
  }
  EXPECT_EQ(expected_begin, data.size());
}

TEST(SafetensorsWriter, F32AndBf16BytesParseAsTheFormatSays) {
  TinyOptions options;
  options.attn_bias_buffers = true;  // includes a scalar tensor (shape [])
  const TinyCheckpoint tiny = make_tiny_checkpoint(tiny_gpt2_config(), options);
  for (DType dtype : {DType::F32, DType::BF16}) {
    const Expected<std::string> bytes = safetensors_bytes(tiny.tensors, dtype);
    ASSERT_TRUE(bytes.ok());
    expect_valid_safetensors(bytes.value(), tiny.tensors, dtype);
  }
  EXPECT_FALSE(safetensors_bytes(tiny.tensors, DType::F16).ok());
}

TEST(SafetensorsWriter, WritesAHuggingFaceFolder) {
  const TinyCheckpoint tiny = make_tiny_checkpoint(tiny_qwen2_config());
  const std::string folder = temp_path("qwen2-bf16");
  ASSERT_FALSE(tiny.write_hf_folder(folder, DType::BF16).has_value());
  expect_valid_safetensors(read_bytes(folder + "/model.safetensors"), tiny.tensors, DType::BF16);
  const nlohmann::json config = nlohmann::json::parse(read_bytes(folder + "/config.json"));
  EXPECT_EQ(config["model_type"], "qwen2");
  EXPECT_EQ(config["architectures"][0], "Qwen2ForCausalLM");
  EXPECT_EQ(config["hidden_size"], 32);
  EXPECT_EQ(config["num_attention_heads"], 4);
  EXPECT_EQ(config["num_key_value_heads"], 2);
  EXPECT_EQ(config["intermediate_size"], 40);
  EXPECT_EQ(config["rms_norm_eps"], 1e-6);
  EXPECT_EQ(config["rope_theta"], 1e6);
  EXPECT_EQ(config["tie_word_embeddings"], true);
  EXPECT_EQ(config["torch_dtype"], "bfloat16");
  std::filesystem::remove_all(folder);

  const TinyCheckpoint gpt2 = make_tiny_checkpoint(tiny_gpt2_config());
  const nlohmann::json g = nlohmann::json::parse(gpt2.config_json());
  EXPECT_EQ(g["n_embd"], 16);
  EXPECT_EQ(g["n_head"], 4);
  EXPECT_EQ(g["n_layer"], 2);
  EXPECT_EQ(g["n_positions"], 32);
  EXPECT_TRUE(g["n_inner"].is_null());
  EXPECT_EQ(g["activation_function"], "gelu_new");
  EXPECT_EQ(g["layer_norm_epsilon"], 1e-5);
  const nlohmann::json b =
      nlohmann::json::parse(make_tiny_checkpoint(tiny_bert_config()).config_json());
  EXPECT_EQ(b["layer_norm_eps"], 1e-12);
  EXPECT_EQ(b["type_vocab_size"], 2);
  EXPECT_EQ(b["hidden_act"], "gelu");
  // Keys sorted, two-space indent, as transformers writes config.json.
  EXPECT_EQ(gpt2.config_json().substr(0, 37), "{\n  \"activation_function\": \"gelu_new\"");
}

TEST(SafetensorsWriter, AsStoredRoundsLikeTheFile) {
  const TinyCheckpoint tiny = make_tiny_checkpoint(tiny_llama_config());
  const TinyCheckpoint stored = tiny.as_stored(DType::BF16);
  const std::vector<float>& a = tiny.tensors.at("model.norm.weight").values;
  const std::vector<float>& b = stored.tensors.at("model.norm.weight").values;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i], bf16_to_float(float_to_bf16(a[i])));
    EXPECT_LE(std::abs(a[i] - b[i]), std::abs(a[i]) / 256.0f);
  }
  EXPECT_EQ(tiny.as_stored(DType::F32).tensors.at("model.norm.weight").values, a);
}

TEST(Llama2cWriter, WritesRunCsLayoutAndReadsBack) {
  for (bool shared : {true, false}) {
    RefConfig config = tiny_llama2c_config();
    config.tie_word_embeddings = shared;
    const TinyCheckpoint tiny = make_tiny_checkpoint(config);
    EXPECT_EQ(tiny.tensors.count("wcls"), shared ? 0u : 1u);
    const std::string path = temp_path(shared ? "shared.bin" : "wcls.bin");
    ASSERT_FALSE(tiny.write_llama2c(path).has_value());
    const std::string bytes = read_bytes(path);
    std::int32_t header[7];
    std::memcpy(header, bytes.data(), 28);
    EXPECT_EQ(header[0], 32);
    EXPECT_EQ(header[1], 40);
    EXPECT_EQ(header[2], 2);
    EXPECT_EQ(header[3], 4);
    EXPECT_EQ(header[4], 2);
    EXPECT_EQ(header[5], shared ? 64 : -64);
    EXPECT_EQ(header[6], 32);
    // embedding 64·32; per layer 2·32 norms, wq+wo 2·32·32, wk+wv 2·16·32, w1..w3 3·40·32;
    // final norm 32; freq_cis 2·32·4; wcls 64·32 when not shared.
    const std::size_t floats =
        64 * 32 + 2 * (64 + 2048 + 1024 + 3840) + 32 + 256 + (shared ? 0 : 64 * 32);
    EXPECT_EQ(bytes.size(), 28 + 4 * floats);
    // freq_cis_real[t = 1][i = 1] = cos(1 · 10000^(−2/8)) sits after rms_final_weight.
    const std::size_t real_at = 28 + 4 * (floats - 256 - (shared ? 0 : 64 * 32));
    float real_1_1;
    std::memcpy(&real_1_1, &bytes[real_at + 4 * (1 * 4 + 1)], 4);
    EXPECT_FLOAT_EQ(real_1_1, float(std::cos(std::pow(10000.0, -0.25))));
    // The first wq element follows the embedding and both layers' rms_att_weight.
    float wq0;
    std::memcpy(&wq0, &bytes[28 + 4 * (64 * 32 + 2 * 32)], 4);
    EXPECT_EQ(wq0, tiny.tensors.at("layers.0.wq").values[0]);

    const Expected<TinyCheckpoint> back = read_llama2c_bin(path);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->config.tie_word_embeddings, shared);
    EXPECT_EQ(back->config.head_dim, 8);
    ASSERT_EQ(back->tensors.size(), tiny.tensors.size());
    for (const auto& [name, tensor] : tiny.tensors) {
      ASSERT_EQ(back->tensors.count(name), 1u) << name;
      EXPECT_EQ(back->tensors.at(name).shape, tensor.shape) << name;
      EXPECT_EQ(back->tensors.at(name).values, tensor.values) << name;
    }
    // A truncated file or an absurd header is refused with a message, before any allocation.
    const std::string broken = temp_path("broken.bin");
    std::ofstream(broken, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() - 4));
    const Expected<TinyCheckpoint> truncated = read_llama2c_bin(broken);
    ASSERT_FALSE(truncated.ok());
    EXPECT_NE(truncated.error().message.find("file size"), std::string::npos);
    std::string absurd = bytes;
    const std::int32_t huge = 1 << 30;
    std::memcpy(&absurd[4], &huge, 4);
    std::ofstream(broken, std::ios::binary).write(absurd.data(), std::streamsize(absurd.size()));
    EXPECT_FALSE(read_llama2c_bin(broken).ok());
    std::filesystem::remove(broken);
    std::filesystem::remove(path);
  }
  EXPECT_FALSE(read_llama2c_bin(temp_path("absent.bin")).ok());
}

// ---- hand-computed 1-layer 1-head cases ---------------------------------------------------

void put(RefTensors& t, const std::string& name, std::vector<std::int64_t> shape,
         std::vector<float> values) {
  t[name] = RefTensor{std::move(shape), std::move(values)};
}

/// LayerNorm of a 2-vector [a, b] (mean (a+b)/2, deviations ±δ, δ = (a−b)/2), weight w, bias c.
std::array<double, 2> layer_norm_2(double a, double b, double eps, std::array<double, 2> w = {1, 1},
                                   std::array<double, 2> c = {0, 0}) {
  const double delta = (a - b) / 2, scale = 1.0 / std::sqrt(delta * delta + eps);
  return {delta * scale * w[0] + c[0], -delta * scale * w[1] + c[1]};
}

TEST(ReferenceHandComputed, Gpt2OneLayerOneHead) {
  // D 2, 1 head (hd 2), vocab 2, 2 positions, eps 0.75 so that LN([1, 0]) = [.5, −.5].
  RefConfig c = tiny_gpt2_config();
  c.n_layers = 1;
  c.n_heads = c.n_kv_heads = 1;
  c.d_model = c.head_dim = 2;
  c.d_ff = 8;
  c.vocab_size = c.max_positions = 2;
  c.norm_eps = 0.75;
  RefTensors t;
  put(t, "wte.weight", {2, 2}, {1, 0, 0, 1});
  put(t, "wpe.weight", {2, 2}, {0, 0, 0, 0});
  put(t, "h.0.ln_1.weight", {2}, {1, 1});
  put(t, "h.0.ln_1.bias", {2}, {0, 0});
  // Conv1D [in, out], out columns q0 q1 | k0 k1 | v0 v1: q = [u0, 0], k = [2·u0, 0], v = u.
  put(t, "h.0.attn.c_attn.weight", {2, 6}, {1, 0, 2, 0, 1, 0, /**/ 0, 0, 0, 0, 0, 1});
  put(t, "h.0.attn.c_attn.bias", {6}, {0, 0, 0, 0, 0, 0});
  put(t, "h.0.attn.c_proj.weight", {2, 2}, {1, 0, 0, 1});
  put(t, "h.0.attn.c_proj.bias", {2}, {0, 0});
  put(t, "h.0.ln_2.weight", {2}, {1, 1});
  put(t, "h.0.ln_2.bias", {2}, {0, 0});
  // MLP: c_fc weight 0, bias e_0, so only unit 0 is gelu_new(1); c_proj sends it to x[0].
  put(t, "h.0.mlp.c_fc.weight", {2, 8}, std::vector<float>(16, 0.0f));
  put(t, "h.0.mlp.c_fc.bias", {8}, {1, 0, 0, 0, 0, 0, 0, 0});
  std::vector<float> proj(16, 0.0f);
  proj[0] = 1;
  put(t, "h.0.mlp.c_proj.weight", {8, 2}, proj);
  put(t, "h.0.mlp.c_proj.bias", {2}, {0, 0});
  put(t, "ln_f.weight", {2}, {2, 3});
  put(t, "ln_f.bias", {2}, {0.5, 0});
  const RefOutput out = run(c, t, {0, 1});
  ASSERT_EQ(out.blocks.size(), 1u);
  EXPECT_EQ(out.blocks[0].name, "h.0.attn");

  // ln_1: u0 = [.5, −.5], u1 = [−.5, .5]; q0 = [.5, 0], k0 = [1, 0], q1 = [−.5, 0], k1 = [−1, 0].
  const double a = 0.5 / std::sqrt(2.0);  // q0·k0/√2
  const Eigen::MatrixXd& s = out.blocks[0].scores[0];
  EXPECT_NEAR(s(0, 0), a, kTight);
  EXPECT_TRUE(std::isinf(s(0, 1)) && s(0, 1) < 0);
  EXPECT_NEAR(s(1, 0), -a, kTight);
  EXPECT_NEAR(s(1, 1), a, kTight);
  const Eigen::MatrixXd& w = out.blocks[0].weights[0];
  EXPECT_NEAR(w(0, 0), 1.0, kTight);
  EXPECT_EQ(w(0, 1), 0.0);
  EXPECT_NEAR(w(1, 0), 1.0 / (1.0 + std::exp(2 * a)), kTight);
  EXPECT_NEAR(w(1, 1), 1.0 / (1.0 + std::exp(-2 * a)), kTight);
  // Attention output: row 0 = v0 = [.5, −.5]; row 1 = (w10 − w11)·v0 = −tanh(a)·[.5, −.5].
  const double th = std::tanh(a);
  const double g = 0.5 * (1 + std::tanh(std::sqrt(2 / M_PI) * (1 + 0.044715)));  // gelu_new(1)
  const auto h0 = layer_norm_2(1.5 + g, -0.5, 0.75, {2, 3}, {0.5, 0});
  const auto h1 = layer_norm_2(-0.5 * th + g, 1 + 0.5 * th, 0.75, {2, 3}, {0.5, 0});
  EXPECT_NEAR(out.hidden(0, 0), h0[0], kTight);
  EXPECT_NEAR(out.hidden(0, 1), h0[1], kTight);
  EXPECT_NEAR(out.hidden(1, 0), h1[0], kTight);
  EXPECT_NEAR(out.hidden(1, 1), h1[1], kTight);
  // wte = I, so the logits are the hidden states.
  EXPECT_NEAR(out.logits(1, 0), h1[0], kTight);
  EXPECT_NEAR(out.logits(1, 1), h1[1], kTight);
}

TEST(ReferenceHandComputed, BertOneLayerOneHead) {
  RefConfig c = tiny_bert_config();
  c.n_layers = 1;
  c.n_heads = c.n_kv_heads = 1;
  c.d_model = c.head_dim = 2;
  c.d_ff = 2;
  c.vocab_size = c.max_positions = 2;
  c.type_vocab_size = 1;
  c.norm_eps = 0.75;
  RefTensors t;
  put(t, "embeddings.word_embeddings.weight", {2, 2}, {1, 0, 0, 1});
  put(t, "embeddings.position_embeddings.weight", {2, 2}, {0, 0, 0, 0});
  put(t, "embeddings.token_type_embeddings.weight", {1, 2}, {0, 0});
  put(t, "embeddings.LayerNorm.weight", {2}, {1, 1});
  put(t, "embeddings.LayerNorm.bias", {2}, {0, 0});
  const std::string p = "encoder.layer.0.";
  // nn.Linear [out, in]: q = [x0, 0], k = [2·x0, 0], v = x.
  put(t, p + "attention.self.query.weight", {2, 2}, {1, 0, 0, 0});
  put(t, p + "attention.self.key.weight", {2, 2}, {2, 0, 0, 0});
  put(t, p + "attention.self.value.weight", {2, 2}, {1, 0, 0, 1});
  for (const char* part : {"query", "key", "value"})
    put(t, p + "attention.self." + part + ".bias", {2}, {0, 0});
  put(t, p + "attention.output.dense.weight", {2, 2}, {1, 0, 0, 1});
  put(t, p + "attention.output.dense.bias", {2}, {0, 0});
  put(t, p + "attention.output.LayerNorm.weight", {2}, {1, 1});
  put(t, p + "attention.output.LayerNorm.bias", {2}, {0, 0});
  put(t, p + "intermediate.dense.weight", {2, 2}, {0, 0, 0, 0});
  put(t, p + "intermediate.dense.bias", {2}, {1, 0});  // unit 0 = gelu(1), exact erf form
  put(t, p + "output.dense.weight", {2, 2}, {1, 0, 0, 0});
  put(t, p + "output.dense.bias", {2}, {0, 0});
  put(t, p + "output.LayerNorm.weight", {2}, {2, 3});
  put(t, p + "output.LayerNorm.bias", {2}, {0.5, 0});
  const RefOutput out = run(c, t, {0, 1});
  ASSERT_EQ(out.blocks.size(), 1u);
  EXPECT_EQ(out.blocks[0].name, "encoder.layer.0.attention.self");
  // x0 = [.5, −.5], x1 = [−.5, .5]; scores ±a with a = .5/√2, no mask.
  const double a = 0.5 / std::sqrt(2.0);
  const Eigen::MatrixXd& s = out.blocks[0].scores[0];
  EXPECT_NEAR(s(0, 0), a, kTight);
  EXPECT_NEAR(s(0, 1), -a, kTight);
  EXPECT_NEAR(s(1, 0), -a, kTight);
  EXPECT_NEAR(s(1, 1), a, kTight);
  const double sigma = 1.0 / (1.0 + std::exp(-2 * a));
  const Eigen::MatrixXd& w = out.blocks[0].weights[0];
  EXPECT_NEAR(w(0, 0), sigma, kTight);
  EXPECT_NEAR(w(0, 1), 1 - sigma, kTight);
  EXPECT_NEAR(w(1, 0), 1 - sigma, kTight);
  // context0 = tanh(a)·[.5, −.5]; h0 = LN(x0 + context0) = LN((1 + tanh a)·[.5, −.5]).
  const double th = std::tanh(a);
  const auto h0 = layer_norm_2(0.5 * (1 + th), -0.5 * (1 + th), 0.75);
  const auto h1 = layer_norm_2(-0.5 * (1 + th), 0.5 * (1 + th), 0.75);
  const double g = 0.5 * (1 + std::erf(1 / std::sqrt(2.0)));  // gelu(1) = 0.841345
  const auto o0 = layer_norm_2(h0[0] + g, h0[1], 0.75, {2, 3}, {0.5, 0});
  const auto o1 = layer_norm_2(h1[0] + g, h1[1], 0.75, {2, 3}, {0.5, 0});
  EXPECT_NEAR(out.hidden(0, 0), o0[0], kTight);
  EXPECT_NEAR(out.hidden(0, 1), o0[1], kTight);
  EXPECT_NEAR(out.hidden(1, 0), o1[0], kTight);
  EXPECT_NEAR(out.hidden(1, 1), o1[1], kTight);
}

/// One Llama layer with D 4, 1 head (hd 4), F 2, vocab 2 and identity attention projections:
/// token 0 = [0, 2, 0, 0], token 1 = [1, 0, 0, 0], tied embedding; gate row 0 = [0, .5, 0, 0],
/// up row 0 = [0, 1, 0, 0], down column 0 = e_0.
RefTensors llama_hand_tensors(bool llama2c, bool gate) {
  auto name = [&](const std::string& hf, const std::string& run_c) {
    return llama2c ? "layers.0." + run_c : "model.layers.0." + hf;
  };
  const std::vector<float> identity = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  RefTensors t;
  put(t, llama2c ? "token_embedding_table" : "model.embed_tokens.weight", {2, 4},
      {0, 2, 0, 0, 1, 0, 0, 0});
  put(t, name("input_layernorm.weight", "rms_att_weight"), {4}, {1, 1, 1, 1});
  put(t, name("self_attn.q_proj.weight", "wq"), {4, 4}, identity);
  put(t, name("self_attn.k_proj.weight", "wk"), {4, 4}, identity);
  put(t, name("self_attn.v_proj.weight", "wv"), {4, 4}, identity);
  put(t, name("self_attn.o_proj.weight", "wo"), {4, 4}, identity);
  put(t, name("post_attention_layernorm.weight", "rms_ffn_weight"), {4}, {1, 1, 1, 1});
  put(t, name("mlp.gate_proj.weight", "w1"), {2, 4}, {0, gate ? 0.5f : 0.0f, 0, 0, 0, 0, 0, 0});
  put(t, name("mlp.up_proj.weight", "w3"), {2, 4}, {0, 1, 0, 0, 0, 0, 0, 0});
  put(t, name("mlp.down_proj.weight", "w2"), {4, 2}, {1, 0, 0, 0, 0, 0, 0, 0});
  put(t, llama2c ? "rms_final_weight" : "model.norm.weight", {4}, {1, 1, 1, 1});
  return t;
}

RefConfig llama_hand_config(RefConfig c) {
  c.n_layers = 1;
  c.n_heads = c.n_kv_heads = 1;
  c.d_model = c.head_dim = 4;
  c.d_ff = 2;
  c.vocab_size = 2;
  c.tie_word_embeddings = true;
  return c;
}

double silu(double x) { return x / (1 + std::exp(-x)); }

TEST(ReferenceHandComputed, LlamaOneLayerOneHeadRotatesSplitHalfPairs) {
  RefConfig c = llama_hand_config(tiny_llama_config());
  c.norm_eps = 0.0;
  const RefOutput out = run(c, llama_hand_tensors(false, true), {0, 0});
  ASSERT_EQ(out.blocks.size(), 1u);
  EXPECT_EQ(out.blocks[0].name, "model.layers.0.self_attn");
  // u = [0, 2, 0, 0] (rms 1). Index 1 pairs with index 3 (split half) at frequency
  // 10000^(−2·1/4) = 0.01: q1 = [0, 2cos .01, 0, 2sin .01], so q1·k0/2 = 2cos(.01).
  const Eigen::MatrixXd& s = out.blocks[0].scores[0];
  EXPECT_NEAR(s(0, 0), 2.0, kTight);
  EXPECT_NEAR(s(1, 0), 2.0 * std::cos(0.01), kTight);
  EXPECT_NEAR(s(1, 1), 2.0, kTight);
  EXPECT_TRUE(std::isinf(s(0, 1)) && s(0, 1) < 0);
  EXPECT_NEAR(out.blocks[0].weights[0](1, 0), 1 / (1 + std::exp(2 - 2 * std::cos(0.01))), kTight);
  // v rows are both u, so x = [0, 4, 0, 0]; rms_norm → [0, 2, 0, 0]; gate 1, up 2:
  // x[0] += 2·silu(1). Final norm: x / sqrt(mean(x²)).
  const double m = 2 * silu(1.0), r = std::sqrt((m * m + 16) / 4);
  EXPECT_NEAR(out.hidden(1, 0), m / r, kTight);
  EXPECT_NEAR(out.hidden(1, 1), 4 / r, kTight);
  EXPECT_NEAR(out.hidden(1, 2), 0.0, kTight);
  // Tied: logits = [hidden·[0, 2, 0, 0], hidden·[1, 0, 0, 0]].
  EXPECT_NEAR(out.logits(1, 0), 8 / r, kTight);
  EXPECT_NEAR(out.logits(1, 1), m / r, kTight);
}

TEST(ReferenceHandComputed, Qwen2BiasesAndRopeTheta) {
  RefConfig c = llama_hand_config(tiny_qwen2_config());
  c.norm_eps = 0.0;
  RefTensors t = llama_hand_tensors(false, /*gate=*/false);  // no MLP: silu(0)·up = 0
  put(t, "model.layers.0.self_attn.q_proj.bias", {4}, {0, 0, 0, 0});
  put(t, "model.layers.0.self_attn.k_proj.bias", {4}, {0, 0, 0, 1});
  put(t, "model.layers.0.self_attn.v_proj.bias", {4}, {1, 0, 0, 0});
  const RefOutput out = run(c, t, {0, 0});
  // θ = 10⁶: index 1 pairs with 3 at frequency 10⁶^(−1/2) = 0.001. k0 = [0, 2, 0, 1] (not
  // rotated at position 0), q1 = [0, 2cos φ, 0, 2sin φ]: q1·k0/2 = 2cos φ + sin φ.
  const double phi = 0.001;
  const Eigen::MatrixXd& s = out.blocks[0].scores[0];
  EXPECT_NEAR(s(0, 0), 2.0, kTight);
  EXPECT_NEAR(s(1, 0), 2 * std::cos(phi) + std::sin(phi), kTight);
  EXPECT_NEAR(s(1, 1), 2.0, kTight);  // rotation keeps q1·k1 = u·(u + b_k)
  // v = [1, 2, 0, 0] for both tokens, so x = [1, 4, 0, 0] and hidden = x / sqrt(17/4).
  const double r = std::sqrt(17.0 / 4);
  EXPECT_NEAR(out.hidden(0, 0), 1 / r, kTight);
  EXPECT_NEAR(out.hidden(1, 1), 4 / r, kTight);
  // Missing biases are refused for qwen2.
  t.erase("model.layers.0.self_attn.v_proj.bias");
  Expected<RefOutput> refused = reference_forward(c, t, {0});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("v_proj.bias"), std::string::npos);
}

TEST(ReferenceHandComputed, Llama2cRotatesInterleavedPairsWithItsOwnEpsilon) {
  RefConfig c = llama_hand_config(tiny_llama2c_config());
  c.max_positions = 2;
  c.norm_eps = 0.5;  // ignored: run.c hard-codes 1e-5
  const RefOutput out = run(c, llama_hand_tensors(true, true), {0, 0});
  ASSERT_EQ(out.blocks.size(), 1u);
  EXPECT_EQ(out.blocks[0].name, "layers.0.attention");
  // u = [0, 2k, 0, 0], k = 1/sqrt(1 + 1e-5). Index 1 pairs with index 0 (interleaved) at
  // frequency 10000^(−0/4) = 1: q1·k0/2 = 2k²·cos(1).
  const double k = 1 / std::sqrt(1 + 1e-5);
  const Eigen::MatrixXd& s = out.blocks[0].scores[0];
  EXPECT_NEAR(s(0, 0), 2 * k * k, kTight);
  EXPECT_NEAR(s(1, 0), 2 * k * k * std::cos(1.0), kTight);
  EXPECT_NEAR(s(1, 1), 2 * k * k, kTight);
  // x = [0, 2 + 2k, 0, 0]; rms_norm → u2 = [0, q, 0, 0], q = r/sqrt(r²/4 + 1e-5); gate .5q,
  // up q; x[0] += silu(.5q)·q; the final norm divides by sqrt(mean(x²) + 1e-5).
  const double r = 2 + 2 * k, q = r / std::sqrt(r * r / 4 + 1e-5), m = silu(0.5 * q) * q;
  const double norm = std::sqrt((m * m + r * r) / 4 + 1e-5);
  EXPECT_NEAR(out.hidden(0, 0), m / norm, kTight);
  EXPECT_NEAR(out.hidden(0, 1), r / norm, kTight);
  EXPECT_NEAR(out.logits(0, 0), 2 * r / norm, kTight);
  EXPECT_NEAR(out.logits(0, 1), m / norm, kTight);
}

// ---- llama2.c's own known answer --------------------------------------------------------------

/// llama2.c's tokenizer.bin: max_token_length, then per token score, length, bytes.
std::vector<std::string> read_llama2c_vocab(const std::string& path, int vocab_size) {
  std::vector<std::string> vocab;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return vocab;
  std::int32_t max_length = 0;
  if (std::fread(&max_length, 4, 1, f.get()) != 1) return {};
  for (int i = 0; i < vocab_size; ++i) {
    float score;
    std::int32_t length;
    if (std::fread(&score, 4, 1, f.get()) != 1 || std::fread(&length, 4, 1, f.get()) != 1 ||
        length < 0 || length > max_length)
      return {};
    std::string piece(std::size_t(length), '\0');
    if (length > 0 && std::fread(piece.data(), 1, piece.size(), f.get()) != piece.size()) return {};
    vocab.push_back(piece);
  }
  return vocab;
}

/// run.c's decode(): after BOS a leading space is dropped; "<0xNN>" pieces are raw bytes.
std::string decode(const std::vector<std::string>& vocab, const std::vector<int>& ids) {
  std::string text;
  for (std::size_t i = 1; i < ids.size(); ++i) {
    std::string piece = vocab.at(ids[i]);
    if (ids[i - 1] == 1 && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
    unsigned byte = 0;
    if (piece.size() == 6 && std::sscanf(piece.c_str(), "<0x%02X>", &byte) == 1)
      piece = std::string(1, char(byte));
    text += piece;
  }
  return text;
}

TEST(ReferenceStories260K, GreedyFromBosTellsTheKnownStory) {
  const std::string folder = std::string(ATTN_SHARED_DATA) + "/stories260K";
  if (!std::filesystem::exists(folder + "/stories260K.bin"))
    GTEST_SKIP() << "../shared/data not found: " << folder << " (the real llama2.c model)";
  const Expected<TinyCheckpoint> model = read_llama2c_bin(folder + "/stories260K.bin");
  ASSERT_TRUE(model.ok()) << model.error().message;
  const RefConfig& c = model->config;
  EXPECT_EQ(c.d_model, 64);
  EXPECT_EQ(c.d_ff, 172);
  EXPECT_EQ(c.n_layers, 5);
  EXPECT_EQ(c.n_heads, 8);
  EXPECT_EQ(c.n_kv_heads, 4);
  EXPECT_EQ(c.vocab_size, 512);
  EXPECT_EQ(c.max_positions, 512);
  EXPECT_TRUE(c.tie_word_embeddings);
  const std::vector<std::string> vocab = read_llama2c_vocab(folder + "/tok512.bin", 512);
  ASSERT_EQ(vocab.size(), 512u);
  EXPECT_EQ(vocab[3], "<0x00>");

  // The README's whole known passage; 70 steps (≈ 0.5 s in Release) cover it.
  const Expected<std::vector<int>> ids = reference_greedy(c, model->tensors, 70);
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  const std::string text = decode(vocab, ids.value());
  const std::string known =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
      "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.";
  EXPECT_EQ(text.substr(0, known.size()), known) << "greedy text: " << text;
}

}  // namespace
}  // namespace attn::testing
