#include "attn/models/model_config.h"

#include <cmath>
#include <optional>
#include <utility>

#include "attn/io/llama2c_file.h"
#include "io/checked_json.h"

namespace attn {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxConfigBytes = 16 << 20;

// Reads fields of one config.json; the first problem sticks and later reads return defaults,
// so a family's parser reads straight through and checks `failed()` once.
class FieldReader {
 public:
  FieldReader(const json& root, const std::string& path) : root_(root), path_(path) {}

  bool failed() const { return error_.has_value(); }
  Error error() const { return *error_; }
  void fail(const std::string& problem) {
    if (!error_) error_ = Error{InputField::Model, path_ + ": " + problem};
  }
  bool present(const char* key) const {
    const auto it = root_.find(key);
    return it != root_.end() && !it->is_null();
  }

  /// An integer in [low, high]; `fallback` when missing or null (required when it has none).
  int integer(const char* key, std::optional<int> fallback, int low, int high) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) {
      if (!fallback) fail(std::string("\"") + key + "\" is missing");
      return fallback.value_or(low);
    }
    std::optional<long long> value = whole_number(*it);
    if (!value) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not a whole number");
      return low;
    }
    if (*value < low || *value > high) {
      fail(std::string(key) + " = " + detail::describe(*it) + " must be between " +
           std::to_string(low) + " and " + std::to_string(high));
      return low;
    }
    return static_cast<int>(*value);
  }

  /// A finite number in (0, high]; `fallback` when missing or null.
  float positive_real(const char* key, std::optional<double> fallback, double high) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) {
      if (!fallback) fail(std::string("\"") + key + "\" is missing");
      return static_cast<float>(fallback.value_or(1.0));
    }
    if (!it->is_number()) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not a number");
      return 1.0f;
    }
    const double value = it->get<double>();
    if (!std::isfinite(value) || value <= 0 || value > high || static_cast<float>(value) <= 0.0f) {
      fail(std::string(key) + " = " + detail::describe(*it) + " must be a positive number up to " +
           detail::describe(json(high)));
      return 1.0f;
    }
    return static_cast<float>(value);
  }

  std::string text(const char* key, const std::string& fallback) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) return fallback;
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not a name");
      return fallback;
    }
    return it->get<std::string>();
  }

  bool flag(const char* key, bool fallback) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not true or false");
      return fallback;
    }
    return it->get<bool>();
  }

  /// A token id below `vocab`, or -1 when missing, null or negative; a list gives its first id
  /// (Llama 3 lists several EOS ids).
  int token_id(const char* key, int vocab, int fallback = -1) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) return fallback;
    const json& value = it->is_array() && !it->empty() ? it->front() : *it;
    std::optional<long long> id = whole_number(value);
    if (!id) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not a token id");
      return -1;
    }
    if (*id < 0) return -1;
    if (*id >= vocab) {
      fail(std::string(key) + " = " + std::to_string(*id) +
           " is not below vocab_size = " + std::to_string(vocab));
      return -1;
    }
    return static_cast<int>(*id);
  }

  const json* object(const char* key) {
    const auto it = root_.find(key);
    if (it == root_.end() || it->is_null()) return nullptr;
    if (!it->is_object()) {
      fail(std::string(key) + " = " + detail::describe(*it) + " is not an object");
      return nullptr;
    }
    return &*it;
  }

 private:
  static std::optional<long long> whole_number(const json& value) {
    if (value.is_number_integer()) {
      if (value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(1LL << 62)) {
        return 1LL << 62;  // out of every range below, and said so by the caller
      }
      return value.get<long long>();
    }
    if (value.is_number_float()) {  // 12.0 is 12; 12.5, NaN and ±Inf are not whole numbers
      const double x = value.get<double>();
      if (std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 1e15) {
        return static_cast<long long>(x);
      }
    }
    return std::nullopt;
  }

  const json& root_;
  const std::string& path_;
  std::optional<Error> error_;
};

// "n_head = 5 does not divide n_embd = 768"
bool check_divides(FieldReader& in, const char* part_name, int part, const char* whole_name,
                   int whole) {
  if (in.failed()) return false;
  if (part <= 0 || whole % part != 0) {
    in.fail(std::string(part_name) + " = " + std::to_string(part) + " does not divide " +
            whole_name + " = " + std::to_string(whole));
    return false;
  }
  return true;
}

void parse_gpt2(FieldReader& in, ModelConfig& c) {
  c.family = Family::Gpt2;
  c.n_layers = in.integer("n_layer", std::nullopt, 1, kMaxConfigLayers);
  c.n_heads = in.integer("n_head", std::nullopt, 1, kMaxConfigHeads);
  c.d_model = in.integer("n_embd", std::nullopt, 1, kMaxConfigDModel);
  c.n_kv_heads = c.n_heads;
  if (!check_divides(in, "n_head", c.n_heads, "n_embd", c.d_model)) return;
  c.head_dim = c.d_model / c.n_heads;
  c.d_ff = in.integer("n_inner", std::min(4 * c.d_model, kMaxConfigDFf), 1, kMaxConfigDFf);
  c.max_positions =
      in.integer(in.present("n_positions") || !in.present("n_ctx") ? "n_positions" : "n_ctx",
                 std::nullopt, 1, kMaxConfigPositions);
  c.vocab_size = in.integer("vocab_size", std::nullopt, 1, kMaxConfigVocab);
  c.norm_eps = in.positive_real("layer_norm_epsilon", 1e-5, 1.0);
  c.activation = in.text("activation_function", "gelu_new");
  c.tie_word_embeddings = in.flag("tie_word_embeddings", true);
  c.attention_bias = true;  // Conv1D c_attn has a bias
  c.bos_id = in.token_id("bos_token_id", c.vocab_size);
  c.eos_id = in.token_id("eos_token_id", c.vocab_size);
  c.pad_id = in.token_id("pad_token_id", c.vocab_size);
  if (in.flag("scale_attn_by_inverse_layer_idx", false)) {
    c.unsupported.push_back(
        "scale_attn_by_inverse_layer_idx: scores are not divided by the "
        "layer number");
  }
  if (!in.flag("scale_attn_weights", true)) {
    c.unsupported.push_back("scale_attn_weights false: scores are still divided by √d_k");
  }
}

void parse_bert(FieldReader& in, ModelConfig& c) {
  c.family = Family::Bert;
  c.n_layers = in.integer("num_hidden_layers", std::nullopt, 1, kMaxConfigLayers);
  c.n_heads = in.integer("num_attention_heads", std::nullopt, 1, kMaxConfigHeads);
  c.d_model = in.integer("hidden_size", std::nullopt, 1, kMaxConfigDModel);
  c.n_kv_heads = c.n_heads;
  if (!check_divides(in, "num_attention_heads", c.n_heads, "hidden_size", c.d_model)) return;
  c.head_dim = c.d_model / c.n_heads;
  c.d_ff = in.integer("intermediate_size", std::nullopt, 1, kMaxConfigDFf);
  c.max_positions = in.integer("max_position_embeddings", std::nullopt, 1, kMaxConfigPositions);
  c.vocab_size = in.integer("vocab_size", std::nullopt, 1, kMaxConfigVocab);
  c.norm_eps = in.positive_real("layer_norm_eps", 1e-12, 1.0);
  c.activation = in.text("hidden_act", "gelu");
  c.type_vocab_size = in.integer("type_vocab_size", 2, 1, 65536);
  c.tie_word_embeddings = in.flag("tie_word_embeddings", true);
  c.attention_bias = true;
  c.pad_id = in.token_id("pad_token_id", c.vocab_size, c.vocab_size > 0 ? 0 : -1);
  c.bos_id = in.token_id("bos_token_id", c.vocab_size);
  c.eos_id = in.token_id("eos_token_id", c.vocab_size);
  const std::string position = in.text("position_embedding_type", "absolute");
  if (position != "absolute") {
    c.unsupported.push_back("position_embedding_type \"" + position +
                            "\": attnviz adds absolute position embeddings");
  }
}

void parse_llama_family(FieldReader& in, ModelConfig& c) {
  c.family = Family::Llama;
  c.n_layers = in.integer("num_hidden_layers", std::nullopt, 1, kMaxConfigLayers);
  c.n_heads = in.integer("num_attention_heads", std::nullopt, 1, kMaxConfigHeads);
  c.d_model = in.integer("hidden_size", std::nullopt, 1, kMaxConfigDModel);
  c.n_kv_heads = in.integer("num_key_value_heads", c.n_heads, 1, kMaxConfigHeads);
  if (!check_divides(in, "num_key_value_heads", c.n_kv_heads, "num_attention_heads", c.n_heads)) {
    return;
  }
  if (in.present("head_dim")) {
    c.head_dim = in.integer("head_dim", std::nullopt, 1, kMaxConfigHeadDim);
  } else {
    if (!check_divides(in, "num_attention_heads", c.n_heads, "hidden_size", c.d_model)) return;
    c.head_dim = c.d_model / c.n_heads;
  }
  if (!in.failed() && c.head_dim % 2 != 0) {
    in.fail("the head size " + std::to_string(c.head_dim) +
            " is odd; rotary position embedding rotates pairs of dimensions");
    return;
  }
  c.d_ff = in.integer("intermediate_size", std::nullopt, 1, kMaxConfigDFf);
  c.max_positions = in.integer("max_position_embeddings", std::nullopt, 1, kMaxConfigPositions);
  c.vocab_size = in.integer("vocab_size", std::nullopt, 1, kMaxConfigVocab);
  c.norm_eps = in.positive_real("rms_norm_eps", 1e-6, 1.0);
  c.rope_theta = in.positive_real("rope_theta", 10000.0, 1e12);
  c.activation = in.text("hidden_act", "silu");
  c.tie_word_embeddings = in.flag("tie_word_embeddings", false);
  // Qwen2 always has q/k/v biases; Llama says so in "attention_bias"; Mistral has none.
  c.attention_bias = c.model_type == "qwen2" ? true : in.flag("attention_bias", false);
  c.bos_id = in.token_id("bos_token_id", c.vocab_size);
  c.eos_id = in.token_id("eos_token_id", c.vocab_size);
  c.pad_id = in.token_id("pad_token_id", c.vocab_size);
  if (const json* scaling = in.object("rope_scaling")) {
    const auto type = scaling->find("rope_type") != scaling->end() ? scaling->find("rope_type")
                                                                   : scaling->find("type");
    if (type == scaling->end() || !type->is_string()) {
      in.fail("rope_scaling has no \"rope_type\" name");
      return;
    }
    c.rope_scaling = type->get<std::string>();
    if (c.rope_scaling != "default") {
      c.unsupported.push_back("rope_scaling \"" + c.rope_scaling +
                              "\": attnviz applies plain RoPE (theta " +
                              std::to_string(static_cast<long long>(c.rope_theta)) +
                              "), so positions are encoded as without the scaling");
    } else {
      c.rope_scaling.clear();
    }
  }
  if (c.model_type == "llama" && in.flag("mlp_bias", false)) {
    c.unsupported.push_back("mlp_bias: the feed-forward biases are not applied");
  }
  const bool window = c.model_type != "qwen2" || in.flag("use_sliding_window", false);
  if (window && in.present("sliding_window")) {
    const int size = in.integer("sliding_window", std::nullopt, 1, kMaxConfigPositions);
    c.unsupported.push_back("sliding_window " + std::to_string(size) +
                            ": every token attends to all earlier ones (the same for inputs "
                            "up to that length)");
  }
}

void parse_marian(FieldReader& in, ModelConfig& c) {
  c.family = Family::Marian;
  c.d_model = in.integer("d_model", std::nullopt, 1, kMaxConfigDModel);
  c.encoder_layers = in.integer("encoder_layers", std::nullopt, 1, kMaxConfigLayers);
  c.n_layers = in.integer("decoder_layers", std::nullopt, 1, kMaxConfigLayers);
  c.encoder_heads = in.integer("encoder_attention_heads", std::nullopt, 1, kMaxConfigHeads);
  c.n_heads = in.integer("decoder_attention_heads", std::nullopt, 1, kMaxConfigHeads);
  c.n_kv_heads = c.n_heads;
  if (!check_divides(in, "encoder_attention_heads", c.encoder_heads, "d_model", c.d_model) ||
      !check_divides(in, "decoder_attention_heads", c.n_heads, "d_model", c.d_model)) {
    return;
  }
  c.head_dim = c.d_model / c.n_heads;
  c.encoder_d_ff = in.integer("encoder_ffn_dim", std::nullopt, 1, kMaxConfigDFf);
  c.d_ff = in.integer("decoder_ffn_dim", std::nullopt, 1, kMaxConfigDFf);
  c.max_positions = in.integer("max_position_embeddings", std::nullopt, 1, kMaxConfigPositions);
  c.vocab_size = in.integer("vocab_size", std::nullopt, 1, kMaxConfigVocab);
  c.norm_eps = 1e-5f;  // torch.nn.LayerNorm's default, which MarianModel uses
  c.activation = in.text("activation_function", "gelu");
  c.scale_embedding = in.flag("scale_embedding", false);
  c.tie_word_embeddings = in.flag("tie_word_embeddings", true);
  c.attention_bias = true;
  c.pad_id = in.token_id("pad_token_id", c.vocab_size);
  c.eos_id = in.token_id("eos_token_id", c.vocab_size);
  c.bos_id = in.token_id("bos_token_id", c.vocab_size);
  c.decoder_start_id = in.token_id("decoder_start_token_id", c.vocab_size, c.pad_id);
  if (in.present("decoder_vocab_size")) {
    const int decoder_vocab = in.integer("decoder_vocab_size", std::nullopt, 1, kMaxConfigVocab);
    if (decoder_vocab != c.vocab_size) {
      c.unsupported.push_back("decoder_vocab_size " + std::to_string(decoder_vocab) +
                              " differs from vocab_size: separate vocabularies are not read");
    }
  }
  if (in.flag("normalize_before", false)) {
    c.unsupported.push_back("normalize_before: attnviz normalises after each sub-layer");
  }
}

}  // namespace

std::string supported_model_types() { return "gpt2, bert, llama, mistral, qwen2, marian"; }

std::string_view to_string(Family family) {
  switch (family) {
    case Family::Toy:
      return "toy";
    case Family::Gpt2:
      return "gpt2";
    case Family::Bert:
      return "bert";
    case Family::Llama:
      return "llama";
    case Family::Llama2c:
      return "llama2.c";
    case Family::Marian:
      return "marian";
  }
  return "?";
}

Expected<ModelConfig> parse_model_config(std::string_view json_text, const std::string& path) {
  if (json_text.size() > kMaxConfigBytes) {
    return Error{InputField::Model, path + ": " + std::to_string(json_text.size()) +
                                        " bytes is too large for a config.json"};
  }
  Expected<json> parsed = detail::parse_json_checked(json_text);
  if (!parsed) return Error{InputField::Model, path + ": " + parsed.error().message};
  const json& root = parsed.value();
  if (!root.is_object()) {
    return Error{InputField::Model, path + ": " + detail::describe(root) + " is not an object"};
  }
  const auto type = root.find("model_type");
  if (type == root.end() || !type->is_string()) {
    return Error{
        InputField::Model,
        path + ": " +
            (type == root.end() ? std::string("\"model_type\" is missing")
                                : "model_type = " + detail::describe(*type) + " is not a name") +
            "; attnviz reads " + supported_model_types()};
  }
  ModelConfig config;
  config.model_type = type->get<std::string>();
  FieldReader in(root, path);
  if (config.model_type == "gpt2") {
    parse_gpt2(in, config);
  } else if (config.model_type == "bert") {
    parse_bert(in, config);
  } else if (config.model_type == "llama" || config.model_type == "mistral" ||
             config.model_type == "qwen2") {
    parse_llama_family(in, config);
  } else if (config.model_type == "marian") {
    parse_marian(in, config);
  } else {
    return Error{InputField::Model,
                 path + ": model_type " + detail::quoted_text(config.model_type) +
                     " is not supported; attnviz reads " + supported_model_types()};
  }
  if (in.failed()) return in.error();
  return config;
}

ModelConfig from_llama2c(const Llama2cHeader& header) {
  ModelConfig c;
  c.family = Family::Llama2c;
  c.model_type = "llama2.c";
  c.n_layers = header.n_layers;
  c.n_heads = header.n_heads;
  c.n_kv_heads = header.n_kv_heads;
  c.d_model = header.dim;
  c.head_dim = header.head_size();
  c.d_ff = header.hidden_dim;
  c.vocab_size = header.vocab_size;
  c.max_positions = header.seq_len;
  c.norm_eps = 1e-5f;
  c.rope_theta = 10000.0f;
  c.activation = "silu";
  c.tie_word_embeddings = header.shared_classifier;
  c.attention_bias = false;
  c.bos_id = header.vocab_size > 1 ? 1 : -1;
  c.eos_id = header.vocab_size > 2 ? 2 : -1;
  return c;
}

}  // namespace attn
