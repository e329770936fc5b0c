#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"

namespace attn {

/// The model families attnviz computes.
enum class Family { Toy, Gpt2, Bert, Llama, Llama2c, Marian };

/// What config.json (or a llama2.c header) says about a checkpoint's shape, checked.
struct ModelConfig {
  Family family = Family::Toy;
  std::string model_type;  ///< as config.json spells it: "gpt2", "bert", "llama", "qwen2", …
  int n_layers = 0;        ///< decoder layers (Marian: see encoder_layers too)
  int n_heads = 0;         ///< query heads
  int n_kv_heads = 0;      ///< key/value heads (grouped-query attention); = n_heads otherwise
  int d_model = 0;         ///< hidden size
  int head_dim = 0;        ///< d_model / n_heads unless config.json gives "head_dim"
  int d_ff = 0;            ///< feed-forward inner size
  int vocab_size = 0;
  int max_positions = 0;        ///< context: n_positions / max_position_embeddings
  float norm_eps = 1e-5f;       ///< layer_norm_epsilon / layer_norm_eps / rms_norm_eps
  float rope_theta = 10000.0f;  ///< Llama family
  std::string activation;       ///< "gelu_new", "gelu", "silu", "relu", …
  bool tie_word_embeddings = true;
  bool attention_bias = false;  ///< q/k/v projections have biases (Qwen2; "attention_bias")
  int type_vocab_size = 0;      ///< BERT token types
  int bos_id = -1;
  int eos_id = -1;
  int pad_id = -1;
  // Marian (encoder–decoder): n_layers, n_heads and d_ff above are the decoder's
  int encoder_layers = 0;
  int encoder_heads = 0;
  int encoder_d_ff = 0;
  bool scale_embedding = false;
  int decoder_start_id = -1;
  /// rope_scaling's "rope_type" (or "type") when config.json gives one ("llama3", "linear",
  /// "yarn", …); empty for plain RoPE. attnviz computes plain RoPE only: see `unsupported`.
  std::string rope_scaling;
  /// What config.json asks for that attnviz does not compute, one sentence each (a scaled RoPE,
  /// a sliding window, MLP biases, …): the model still loads; a front end should show these
  /// because attention weights may then differ from Hugging Face's.
  std::vector<std::string> unsupported;
};

/// Limits parse_model_config enforces (the llama2.c reader uses the same).
inline constexpr int kMaxConfigLayers = 1000;
inline constexpr int kMaxConfigDModel = 65536;
inline constexpr int kMaxConfigHeads = 1024;
inline constexpr int kMaxConfigHeadDim = 1024;
inline constexpr int kMaxConfigDFf = 1 << 20;
inline constexpr int kMaxConfigVocab = 1 << 22;
inline constexpr int kMaxConfigPositions = 1 << 24;

struct Llama2cHeader;

/// Parses config.json text. The family comes from "model_type" (an unknown or missing one gives
/// a message listing supported_model_types()); every size is checked: positive, within sane
/// limits (e.g. at most 1,000 layers, d_model at most 65,536), heads dividing d_model (unless
/// head_dim is given), kv_heads dividing heads. Errors (field Model) name `path` and the field.
Expected<ModelConfig> parse_model_config(std::string_view json_text, const std::string& path);

/// The ModelConfig of a llama2.c checkpoint (family Llama2c, model_type "llama2.c"): RMSNorm
/// eps 1e-5, RoPE theta 10000, SiLU (SwiGLU), no biases, BOS 1, EOS 2 as llama2.c's tokenizer.
ModelConfig from_llama2c(const Llama2cHeader& header);

/// "gpt2, bert, llama, mistral, qwen2, marian" — for messages.
std::string supported_model_types();

std::string_view to_string(Family family);

}  // namespace attn
