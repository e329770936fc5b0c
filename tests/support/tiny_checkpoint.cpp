#include "tiny_checkpoint.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

namespace attn::testing {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;

/// Vigna's SplitMix64, and standard normals from it by Box–Muller (the cosine branch only, so
/// every value depends on exactly two draws).
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in (0, 1]: 53 random bits.
  double unit() { return (double(next() >> 11) + 1.0) * 0x1.0p-53; }
  double normal() {
    const double u1 = unit(), u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }

 private:
  std::uint64_t state_;
};

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001B3ULL;
  return hash;
}

/// Builds one family's tensors: values depend on the seed and the unprefixed name only.
class TensorMaker {
 public:
  TensorMaker(const TinyOptions& options, RefTensors& out) : options_(options), out_(out) {}

  /// mean + std · N(0, 1) for every element.
  /// `seed_name` (default: `name`) picks the values, so legacy spellings hold the same ones.
  void normal(const std::string& name, std::vector<std::int64_t> shape, double mean, double std_dev,
              const std::string& seed_name = {}) {
    Generator g(options_.seed ^ fnv1a(seed_name.empty() ? name : seed_name));
    RefTensor t;
    t.values.resize(count(shape));
    for (float& v : t.values) v = float(mean + std_dev * g.normal());
    t.shape = std::move(shape);
    out_[stored(name)] = std::move(t);
  }
  /// A weight matrix [rows, cols] whose products with unit-variance inputs have unit variance.
  void weight(const std::string& name, std::int64_t rows, std::int64_t cols, std::int64_t fan_in) {
    normal(name, {rows, cols}, 0.0, 1.0 / std::sqrt(double(fan_in)));
  }
  void bias(const std::string& name, std::int64_t n) { normal(name, {n}, 0.0, 0.1); }
  void norm(const std::string& name, std::int64_t n) { normal(name, {n}, 1.0, 0.1); }
  void fixed(const std::string& name, std::vector<std::int64_t> shape, std::vector<float> values) {
    out_[stored(name)] = RefTensor{std::move(shape), std::move(values)};
  }
  /// LayerNorm weight and bias, under the legacy gamma/beta names when asked (BERT).
  void layer_norm(const std::string& base, std::int64_t n) {
    const bool legacy = options_.legacy_layer_norm_names;
    normal(base + (legacy ? ".gamma" : ".weight"), {n}, 1.0, 0.1, base + ".weight");
    normal(base + (legacy ? ".beta" : ".bias"), {n}, 0.0, 0.1, base + ".bias");
  }

  static std::size_t count(const std::vector<std::int64_t>& shape) {
    std::size_t n = 1;
    for (std::int64_t d : shape) n *= std::size_t(d);
    return n;
  }

 private:
  std::string stored(const std::string& name) const { return options_.prefix + name; }
  const TinyOptions& options_;
  RefTensors& out_;
};

void make_gpt2(const RefConfig& c, TensorMaker& m, const TinyOptions& options) {
  const std::int64_t d = c.d_model, f = c.d_ff, p = c.max_positions;
  m.normal("wte.weight", {c.vocab_size, d}, 0.0, 0.5);
  m.normal("wpe.weight", {p, d}, 0.0, 0.3);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    m.norm(h + "ln_1.weight", d);
    m.bias(h + "ln_1.bias", d);
    if (options.attn_bias_buffers) {
      std::vector<float> causal(std::size_t(p * p), 0.0f);
      for (std::int64_t i = 0; i < p; ++i)
        for (std::int64_t j = 0; j <= i; ++j) causal[std::size_t(i * p + j)] = 1.0f;
      m.fixed(h + "attn.bias", {1, 1, p, p}, std::move(causal));
      m.fixed(h + "attn.masked_bias", {}, {-1e4f});
    }
    m.weight(h + "attn.c_attn.weight", d, 3 * d, d);  // Conv1D: [in, out]
    m.bias(h + "attn.c_attn.bias", 3 * d);
    m.weight(h + "attn.c_proj.weight", d, d, d);
    m.bias(h + "attn.c_proj.bias", d);
    m.norm(h + "ln_2.weight", d);
    m.bias(h + "ln_2.bias", d);
    m.weight(h + "mlp.c_fc.weight", d, f, d);
    m.bias(h + "mlp.c_fc.bias", f);
    m.weight(h + "mlp.c_proj.weight", f, d, f);
    m.bias(h + "mlp.c_proj.bias", d);
  }
  m.norm("ln_f.weight", d);
  m.bias("ln_f.bias", d);
}

void make_bert(const RefConfig& c, TensorMaker& m, const TinyOptions& options) {
  const std::int64_t d = c.d_model, f = c.d_ff;
  m.normal("embeddings.word_embeddings.weight", {c.vocab_size, d}, 0.0, 1.0);
  m.normal("embeddings.position_embeddings.weight", {c.max_positions, d}, 0.0, 0.5);
  m.normal("embeddings.token_type_embeddings.weight", {c.type_vocab_size, d}, 0.0, 0.5);
  m.layer_norm("embeddings.LayerNorm", d);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string e = "encoder.layer." + std::to_string(l) + ".";
    for (const char* part : {"query", "key", "value"}) {
      m.weight(e + "attention.self." + part + ".weight", d, d, d);  // nn.Linear: [out, in]
      m.bias(e + "attention.self." + part + ".bias", d);
    }
    m.weight(e + "attention.output.dense.weight", d, d, d);
    m.bias(e + "attention.output.dense.bias", d);
    m.layer_norm(e + "attention.output.LayerNorm", d);
    m.weight(e + "intermediate.dense.weight", f, d, d);
    m.bias(e + "intermediate.dense.bias", f);
    m.weight(e + "output.dense.weight", d, f, f);
    m.bias(e + "output.dense.bias", d);
    m.layer_norm(e + "output.LayerNorm", d);
  }
  if (options.pooler) {
    m.weight("pooler.dense.weight", d, d, d);
    m.bias("pooler.dense.bias", d);
  }
}

void make_llama(const RefConfig& c, TensorMaker& m) {
  const std::int64_t d = c.d_model, f = c.d_ff, q = std::int64_t(c.n_heads) * c.head_dim,
                     kv = std::int64_t(c.n_kv_heads) * c.head_dim;
  m.normal("model.embed_tokens.weight", {c.vocab_size, d}, 0.0, 1.0);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    m.norm(p + "input_layernorm.weight", d);
    m.weight(p + "self_attn.q_proj.weight", q, d, d);
    m.weight(p + "self_attn.k_proj.weight", kv, d, d);
    m.weight(p + "self_attn.v_proj.weight", kv, d, d);
    if (c.attention_bias) {
      m.bias(p + "self_attn.q_proj.bias", q);
      m.bias(p + "self_attn.k_proj.bias", kv);
      m.bias(p + "self_attn.v_proj.bias", kv);
    }
    m.weight(p + "self_attn.o_proj.weight", d, q, q);
    m.norm(p + "post_attention_layernorm.weight", d);
    m.weight(p + "mlp.gate_proj.weight", f, d, d);
    m.weight(p + "mlp.up_proj.weight", f, d, d);
    m.weight(p + "mlp.down_proj.weight", d, f, f);
  }
  m.norm("model.norm.weight", d);
  if (!c.tie_word_embeddings) m.weight("lm_head.weight", c.vocab_size, d, d);
}

void make_llama2c(const RefConfig& c, TensorMaker& m) {
  const std::int64_t d = c.d_model, f = c.d_ff, kv = std::int64_t(c.n_kv_heads) * c.head_dim;
  m.normal("token_embedding_table", {c.vocab_size, d}, 0.0, 1.0);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "layers." + std::to_string(l) + ".";
    m.norm(p + "rms_att_weight", d);
    m.weight(p + "wq", d, d, d);  // [out, in], as run.c's matmul reads it
    m.weight(p + "wk", kv, d, d);
    m.weight(p + "wv", kv, d, d);
    m.weight(p + "wo", d, d, d);
    m.norm(p + "rms_ffn_weight", d);
    m.weight(p + "w1", f, d, d);
    m.weight(p + "w2", d, f, f);
    m.weight(p + "w3", f, d, d);
  }
  m.norm("rms_final_weight", d);
  if (!c.tie_word_embeddings) m.weight("wcls", c.vocab_size, d, d);
}

void make_marian(const RefConfig& c, TensorMaker& m, const TinyOptions& options) {
  const std::int64_t d = c.d_model;
  m.normal("model.shared.weight", {c.vocab_size, d}, 0.0, 0.3);
  m.normal("final_logits_bias", {1, c.vocab_size}, 0.0, 0.5);
  if (options.marian_tied_copies) {
    // The same values under every tied name (seeded by the shared name).
    for (const char* copy : {"model.encoder.embed_tokens.weight",
                             "model.decoder.embed_tokens.weight", "lm_head.weight"})
      m.normal(copy, {c.vocab_size, d}, 0.0, 0.3, "model.shared.weight");
    for (const char* side : {"encoder", "decoder"}) {
      std::vector<float> table(std::size_t(c.max_positions * d));
      for (std::int64_t t = 0; t < c.max_positions; ++t)
        for (std::int64_t j = 0; j < d / 2; ++j) {
          const double angle = double(t) / std::pow(10000.0, 2.0 * double(j) / double(d));
          table[std::size_t(t * d + j)] = float(std::sin(angle));
          table[std::size_t(t * d + d / 2 + j)] = float(std::cos(angle));
        }
      m.fixed(std::string("model.") + side + ".embed_positions.weight", {c.max_positions, d},
              std::move(table));
    }
  }
  auto attention = [&](const std::string& layer, const std::string& module) {
    for (const char* part : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      m.weight(layer + module + "." + part + ".weight", d, d, d);
      m.bias(layer + module + "." + part + ".bias", d);
    }
    m.norm(layer + module + "_layer_norm.weight", d);
    m.bias(layer + module + "_layer_norm.bias", d);
  };
  auto feed_forward = [&](const std::string& layer, std::int64_t f) {
    m.weight(layer + "fc1.weight", f, d, d);
    m.bias(layer + "fc1.bias", f);
    m.weight(layer + "fc2.weight", d, f, f);
    m.bias(layer + "fc2.bias", d);
    m.norm(layer + "final_layer_norm.weight", d);
    m.bias(layer + "final_layer_norm.bias", d);
  };
  for (int l = 0; l < c.encoder_layers; ++l) {
    const std::string p = "model.encoder.layers." + std::to_string(l) + ".";
    attention(p, "self_attn");
    feed_forward(p, c.encoder_d_ff);
  }
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "model.decoder.layers." + std::to_string(l) + ".";
    attention(p, "self_attn");
    attention(p, "encoder_attn");
    feed_forward(p, c.d_ff);
  }
}

std::optional<Error> write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) return Error{InputField::Model, "cannot write " + path};
  return std::nullopt;
}

void append_floats(std::string& bytes, const std::vector<float>& values) {
  const std::size_t at = bytes.size();
  bytes.resize(at + values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(&bytes[at], values.data(), values.size() * sizeof(float));
}

void append_int32(std::string& bytes, std::int32_t value) {
  char raw[4];
  std::memcpy(raw, &value, 4);
  bytes.append(raw, 4);
}

}  // namespace

std::uint16_t float_to_bf16(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, 4);
  if ((bits & 0x7F800000u) == 0x7F800000u && (bits & 0x007FFFFFu) != 0)
    return std::uint16_t((bits >> 16) | 0x0040u);  // NaN: keep the sign, make it quiet
  const std::uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);  // ties to even
  return std::uint16_t((bits + rounding) >> 16);
}

float bf16_to_float(std::uint16_t bits) {
  const std::uint32_t wide = std::uint32_t(bits) << 16;
  float value;
  std::memcpy(&value, &wide, 4);
  return value;
}

RefConfig tiny_gpt2_config() {
  RefConfig c;
  c.family = Family::Gpt2;
  c.model_type = "gpt2";
  c.n_layers = 2;
  c.n_heads = c.n_kv_heads = 4;
  c.d_model = 16;
  c.head_dim = 4;
  c.d_ff = 64;
  c.vocab_size = 80;
  c.max_positions = 32;
  c.norm_eps = 1e-5;
  c.activation = "gelu_new";
  return c;
}

RefConfig tiny_bert_config() {
  RefConfig c;
  c.family = Family::Bert;
  c.model_type = "bert";
  c.n_layers = 2;
  c.n_heads = c.n_kv_heads = 4;
  c.d_model = 16;
  c.head_dim = 4;
  c.d_ff = 48;
  c.vocab_size = 90;
  c.max_positions = 32;
  c.type_vocab_size = 2;
  c.norm_eps = 1e-12;
  c.activation = "gelu";
  return c;
}

RefConfig tiny_llama_config() {
  RefConfig c;
  c.family = Family::Llama;
  c.model_type = "llama";
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.d_model = 32;
  c.head_dim = 8;
  c.d_ff = 44;
  c.vocab_size = 96;
  c.max_positions = 64;
  c.norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.activation = "silu";
  c.tie_word_embeddings = false;
  return c;
}

RefConfig tiny_qwen2_config() {
  RefConfig c = tiny_llama_config();
  c.model_type = "qwen2";
  c.d_ff = 40;
  c.vocab_size = 100;
  c.norm_eps = 1e-6;
  c.rope_theta = 1000000.0;
  c.tie_word_embeddings = true;
  c.attention_bias = true;
  return c;
}

RefConfig tiny_llama2c_config() {
  RefConfig c = tiny_llama_config();
  c.family = Family::Llama2c;
  c.model_type = "llama2c";
  c.d_ff = 40;
  c.vocab_size = 64;
  c.max_positions = 32;
  c.tie_word_embeddings = true;
  return c;
}

RefConfig tiny_marian_config() {
  RefConfig c;
  c.family = Family::Marian;
  c.model_type = "marian";
  c.n_layers = 2;
  c.n_heads = c.n_kv_heads = 2;
  c.d_model = 16;
  c.head_dim = 8;
  c.d_ff = 24;
  c.encoder_layers = 2;
  c.encoder_heads = 4;
  c.encoder_d_ff = 40;
  c.vocab_size = 66;
  c.max_positions = 32;
  c.norm_eps = 1e-5;
  c.activation = "swish";
  c.scale_embedding = true;
  c.decoder_start_id = 65;
  c.eos_id = 0;
  return c;
}

TinyCheckpoint make_tiny_checkpoint(const RefConfig& config, const TinyOptions& options) {
  TinyCheckpoint checkpoint;
  checkpoint.config = config;
  checkpoint.options = options;
  TensorMaker maker(options, checkpoint.tensors);
  switch (config.family) {
    case Family::Gpt2:
      make_gpt2(config, maker, options);
      break;
    case Family::Bert:
      make_bert(config, maker, options);
      break;
    case Family::Llama:
      make_llama(config, maker);
      break;
    case Family::Llama2c:
      make_llama2c(config, maker);
      break;
    case Family::Marian:
      make_marian(config, maker, options);
      break;
    default:
      break;
  }
  return checkpoint;
}

std::string TinyCheckpoint::config_json(DType dtype) const {
  const RefConfig& c = config;
  using nlohmann::json;
  json j;  // std::map-backed: keys sorted, as transformers writes them (sort_keys=True)
  j["torch_dtype"] = dtype == DType::BF16 ? "bfloat16" : "float32";
  j["transformers_version"] = "4.44.2";
  j["initializer_range"] = 0.02;
  j["vocab_size"] = c.vocab_size;
  j["use_cache"] = true;
  switch (c.family) {
    case Family::Gpt2:
      j["activation_function"] = c.activation;
      j["architectures"] = {"GPT2LMHeadModel"};
      j["attn_pdrop"] = 0.1;
      j["bos_token_id"] = c.vocab_size - 1;
      j["embd_pdrop"] = 0.1;
      j["eos_token_id"] = c.vocab_size - 1;
      j["layer_norm_epsilon"] = c.norm_eps;
      j["model_type"] = "gpt2";
      j["n_ctx"] = c.max_positions;
      j["n_embd"] = c.d_model;
      j["n_head"] = c.n_heads;
      j["n_inner"] = nullptr;
      j["n_layer"] = c.n_layers;
      j["n_positions"] = c.max_positions;
      j["reorder_and_upcast_attn"] = false;
      j["resid_pdrop"] = 0.1;
      j["scale_attn_by_inverse_layer_idx"] = false;
      j["scale_attn_weights"] = true;
      j["summary_activation"] = nullptr;
      j["summary_first_dropout"] = true;
      j["summary_proj_to_labels"] = true;
      j["summary_type"] = "cls_index";
      j["summary_use_proj"] = true;
      break;
    case Family::Bert:
      j["architectures"] = {options.prefix == "bert." ? "BertForMaskedLM" : "BertModel"};
      j["attention_probs_dropout_prob"] = 0.1;
      j["classifier_dropout"] = nullptr;
      j["hidden_act"] = c.activation;
      j["hidden_dropout_prob"] = 0.1;
      j["hidden_size"] = c.d_model;
      j["intermediate_size"] = c.d_ff;
      j["layer_norm_eps"] = c.norm_eps;
      j["max_position_embeddings"] = c.max_positions;
      j["model_type"] = "bert";
      j["num_attention_heads"] = c.n_heads;
      j["num_hidden_layers"] = c.n_layers;
      j["pad_token_id"] = 0;
      j["position_embedding_type"] = "absolute";
      j["type_vocab_size"] = c.type_vocab_size;
      break;
    case Family::Llama:
      j["attention_dropout"] = 0.0;
      j["hidden_act"] = c.activation;
      j["hidden_size"] = c.d_model;
      j["intermediate_size"] = c.d_ff;
      j["max_position_embeddings"] = c.max_positions;
      j["model_type"] = c.model_type;
      j["num_attention_heads"] = c.n_heads;
      j["num_hidden_layers"] = c.n_layers;
      j["num_key_value_heads"] = c.n_kv_heads;
      j["rms_norm_eps"] = c.norm_eps;
      j["rope_scaling"] = nullptr;
      j["rope_theta"] = c.rope_theta;
      j["tie_word_embeddings"] = c.tie_word_embeddings;
      if (c.model_type == "qwen2") {  // Qwen2 has q/k/v biases by design: no config key
        j["architectures"] = {"Qwen2ForCausalLM"};
        j["bos_token_id"] = c.vocab_size - 2;
        j["eos_token_id"] = c.vocab_size - 1;
        j["max_window_layers"] = c.n_layers;
        j["sliding_window"] = c.max_positions;
        j["use_sliding_window"] = false;
      } else {
        j["architectures"] = {"LlamaForCausalLM"};
        j["attention_bias"] = c.attention_bias;
        j["bos_token_id"] = 1;
        j["eos_token_id"] = 2;
        j["head_dim"] = c.head_dim;
        j["mlp_bias"] = false;
        j["pretraining_tp"] = 1;
      }
      break;
    case Family::Marian:  // as Helsinki-NLP/opus-mt-* config.json, sizes shrunk
      j["_name_or_path"] = "tiny-opus-mt";
      j["activation_dropout"] = 0.0;
      j["activation_function"] = c.activation;
      j["add_bias_logits"] = false;
      j["add_final_layer_norm"] = false;
      j["architectures"] = {"MarianMTModel"};
      j["attention_dropout"] = 0.0;
      j["bad_words_ids"] = {{c.decoder_start_id}};
      j["bos_token_id"] = 0;
      j["classif_dropout"] = 0.0;
      j["classifier_dropout"] = 0.0;
      j["d_model"] = c.d_model;
      j["decoder_attention_heads"] = c.n_heads;
      j["decoder_ffn_dim"] = c.d_ff;
      j["decoder_layerdrop"] = 0.0;
      j["decoder_layers"] = c.n_layers;
      j["decoder_start_token_id"] = c.decoder_start_id;
      j["decoder_vocab_size"] = c.vocab_size;
      j["dropout"] = 0.1;
      j["encoder_attention_heads"] = c.encoder_heads;
      j["encoder_ffn_dim"] = c.encoder_d_ff;
      j["encoder_layerdrop"] = 0.0;
      j["encoder_layers"] = c.encoder_layers;
      j["eos_token_id"] = c.eos_id;
      j["forced_eos_token_id"] = c.eos_id;
      j["init_std"] = 0.02;
      j["is_encoder_decoder"] = true;
      j["max_length"] = 512;
      j["max_position_embeddings"] = c.max_positions;
      j["model_type"] = "marian";
      j["normalize_before"] = false;
      j["normalize_embedding"] = false;
      j["num_beams"] = 4;
      j["num_hidden_layers"] = c.encoder_layers;
      j["pad_token_id"] = c.decoder_start_id;
      j["scale_embedding"] = c.scale_embedding;
      j["share_encoder_decoder_embeddings"] = true;
      j["static_position_embeddings"] = true;
      break;
    default:
      return {};
  }
  return j.dump(2) + "\n";
}

Expected<std::string> safetensors_bytes(const RefTensors& tensors, DType dtype) {
  if (dtype != DType::F32 && dtype != DType::BF16)
    return Error{InputField::Model, "the tiny-checkpoint writer supports F32 and BF16 only"};
  const std::size_t element = dtype == DType::F32 ? 4 : 2;
  nlohmann::ordered_json header;
  header["__metadata__"] = {{"format", "pt"}};
  std::string data;
  for (const auto& [name, tensor] : tensors) {
    if (TensorMaker::count(tensor.shape) != tensor.values.size())
      return Error{InputField::Model, name + ": shape and value count differ"};
    const std::size_t begin = data.size();
    if (dtype == DType::F32) {
      append_floats(data, tensor.values);
    } else {
      for (float v : tensor.values) {
        const std::uint16_t b = float_to_bf16(v);
        data.push_back(char(b & 0xFF));
        data.push_back(char(b >> 8));
      }
    }
    header[name] = {{"dtype", dtype == DType::F32 ? "F32" : "BF16"},
                    {"shape", tensor.shape},
                    {"data_offsets", {begin, begin + tensor.values.size() * element}}};
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text.push_back(' ');  // as the safetensors writer pads
  std::string bytes;
  const std::uint64_t length = text.size();
  for (int i = 0; i < 8; ++i) bytes.push_back(char((length >> (8 * i)) & 0xFF));
  return bytes + text + data;
}

std::optional<Error> TinyCheckpoint::write_hf_folder(const std::string& folder, DType dtype) const {
  if (config.family == Family::Llama2c)
    return Error{InputField::Model, "a llama2.c checkpoint has no Hugging Face folder"};
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Error{InputField::Model, "cannot create " + folder + ": " + ec.message()};
  Expected<std::string> bytes = safetensors_bytes(tensors, dtype);
  if (!bytes) return bytes.error();
  if (auto e = write_file(folder + "/config.json", config_json(dtype))) return e;
  return write_file(folder + "/model.safetensors", bytes.value());
}

std::optional<Error> TinyCheckpoint::write_llama2c(const std::string& path) const {
  const RefConfig& c = config;
  if (c.family != Family::Llama2c)
    return Error{InputField::Model, "write_llama2c needs a llama2.c checkpoint"};
  std::string bytes;
  for (int v : {c.d_model, c.d_ff, c.n_layers, c.n_heads, c.n_kv_heads,
                c.tie_word_embeddings ? c.vocab_size : -c.vocab_size, c.max_positions})
    append_int32(bytes, v);
  auto put = [&](const std::string& name) -> bool {
    const auto it = tensors.find(name);
    if (it == tensors.end()) return false;
    append_floats(bytes, it->second.values);
    return true;
  };
  // run.c's order: each kind of weight for all layers before the next kind.
  if (!put("token_embedding_table"))
    return Error{InputField::Model, "token_embedding_table missing"};
  for (const char* kind :
       {"rms_att_weight", "wq", "wk", "wv", "wo", "rms_ffn_weight", "w1", "w2", "w3"})
    for (int l = 0; l < c.n_layers; ++l)
      if (!put("layers." + std::to_string(l) + "." + kind))
        return Error{InputField::Model, std::string(kind) + " missing"};
  if (!put("rms_final_weight")) return Error{InputField::Model, "rms_final_weight missing"};
  // freq_cis_real then freq_cis_imag, seq_len × head_size/2 each, as the old export wrote them.
  const int half = c.head_dim / 2;
  for (int part = 0; part < 2; ++part) {
    std::vector<float> table(std::size_t(c.max_positions) * half, 0.0f);
    if (options.freq_cis)
      for (int t = 0; t < c.max_positions; ++t)
        for (int i = 0; i < half; ++i) {
          const double angle = t * std::pow(10000.0, -2.0 * i / c.head_dim);
          table[std::size_t(t) * half + i] = float(part == 0 ? std::cos(angle) : std::sin(angle));
        }
    append_floats(bytes, table);
  }
  if (!c.tie_word_embeddings && !put("wcls")) return Error{InputField::Model, "wcls missing"};
  return write_file(path, bytes);
}

TinyCheckpoint TinyCheckpoint::as_stored(DType dtype) const {
  TinyCheckpoint copy = *this;
  if (dtype == DType::BF16)
    for (auto& [name, tensor] : copy.tensors)
      for (float& v : tensor.values) v = bf16_to_float(float_to_bf16(v));
  return copy;
}

Expected<TinyCheckpoint> read_llama2c_bin(const std::string& path) {
  const auto fail = [&](const std::string& problem) {
    return Error{InputField::Model, path + ": " + problem};
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) return fail("cannot open");
  std::int32_t h[7];
  if (std::fread(h, sizeof(std::int32_t), 7, file.get()) != 7) return fail("shorter than 28 bytes");
  RefConfig c;
  c.family = Family::Llama2c;
  c.model_type = "llama2c";
  c.d_model = h[0];
  c.d_ff = h[1];
  c.n_layers = h[2];
  c.n_heads = h[3];
  c.n_kv_heads = h[4];
  c.tie_word_embeddings = h[5] > 0;
  c.vocab_size = h[5] > 0 ? h[5] : (h[5] == INT32_MIN ? 0 : -h[5]);
  c.max_positions = h[6];
  c.norm_eps = 1e-5;
  c.activation = "silu";
  // Positive and bounded (dim, hidden ≤ 2^16, layers ≤ 2^10, vocab, seq_len ≤ 2^21), so the
  // size below cannot overflow 64 bits and nothing is allocated before it matches the file.
  const int sizes[] = {c.d_model,    c.d_ff,       c.n_layers,     c.n_heads,
                       c.n_kv_heads, c.vocab_size, c.max_positions};
  const int limits[] = {1 << 16, 1 << 16, 1 << 10, 1 << 16, 1 << 16, 1 << 21, 1 << 21};
  for (int i = 0; i < 7; ++i)
    if (sizes[i] <= 0 || sizes[i] > limits[i])
      return fail("header value " + std::to_string(i) + " (" + std::to_string(sizes[i]) +
                  ") out of range");
  if (c.d_model % c.n_heads != 0 || c.n_heads % c.n_kv_heads != 0 ||
      (c.d_model / c.n_heads) % 2 != 0)
    return fail("heads do not divide dim (or kv heads the heads, or head size is odd)");
  c.head_dim = c.d_model / c.n_heads;
  const std::uint64_t d = std::uint64_t(c.d_model), f = std::uint64_t(c.d_ff),
                      L = std::uint64_t(c.n_layers), kv = std::uint64_t(c.n_kv_heads) * c.head_dim,
                      v = std::uint64_t(c.vocab_size), seq = std::uint64_t(c.max_positions);
  const std::uint64_t floats = v * d + L * (2 * d + 2 * d * d + 2 * kv * d + 3 * d * f) + d +
                               seq * std::uint64_t(c.head_dim) +
                               (c.tie_word_embeddings ? 0 : v * d);
  if (std::fseek(file.get(), 0, SEEK_END) != 0) return fail("cannot seek");
  const long size = std::ftell(file.get());
  if (size < 0 || std::uint64_t(size) != 28 + floats * 4)
    return fail("file size " + std::to_string(size) + " differs from the header's " +
                std::to_string(28 + floats * 4) + " bytes");
  std::fseek(file.get(), 28, SEEK_SET);
  TinyCheckpoint checkpoint;
  checkpoint.config = c;
  auto take = [&](const std::string& name, std::vector<std::int64_t> shape) -> bool {
    RefTensor t;
    t.values.resize(TensorMaker::count(shape));
    t.shape = std::move(shape);
    if (std::fread(t.values.data(), sizeof(float), t.values.size(), file.get()) != t.values.size())
      return false;
    checkpoint.tensors[name] = std::move(t);
    return true;
  };
  const std::int64_t D = c.d_model, F = c.d_ff, KV = std::int64_t(kv), V = c.vocab_size;
  bool ok = take("token_embedding_table", {V, D});
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> kinds = {
      {"rms_att_weight", {D}}, {"wq", {D, D}}, {"wk", {KV, D}}, {"wv", {KV, D}}, {"wo", {D, D}},
      {"rms_ffn_weight", {D}}, {"w1", {F, D}}, {"w2", {D, F}},  {"w3", {F, D}}};
  for (const auto& [kind, shape] : kinds)
    for (int l = 0; l < c.n_layers; ++l)
      ok = ok && take("layers." + std::to_string(l) + "." + kind, shape);
  ok = ok && take("rms_final_weight", {D});
  const std::int64_t half = c.head_dim / 2;
  ok = ok && take("freq_cis_real", {c.max_positions, half}) &&
       take("freq_cis_imag", {c.max_positions, half});
  if (!c.tie_word_embeddings) ok = ok && take("wcls", {V, D});
  if (!ok) return fail("read failed");
  checkpoint.tensors.erase("freq_cis_real");  // run.c skips them too
  checkpoint.tensors.erase("freq_cis_imag");
  return checkpoint;
}

}  // namespace attn::testing
