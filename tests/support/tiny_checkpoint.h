#pragma once

// Tiny random checkpoints in the real on-disk layouts: a Hugging Face folder (config.json +
// model.safetensors with the exact tensor names and shapes) or a llama2.c version-0 .bin.
// Weights come from a seeded SplitMix64 + Box–Muller generator written here (not core's), so
// every machine writes the same bytes.

#include <cstdint>
#include <optional>
#include <string>

#include "attn/expected.h"
#include "attn/io/safetensors.h"
#include "reference_models.h"

namespace attn::testing {

/// How the tensors are named and what extra tensors are stored.
struct TinyOptions {
  std::uint64_t seed = 20240611;
  std::string prefix;  ///< in front of every name: "transformer." (GPT-2) or "bert." (BERT)
  /// GPT-2: old checkpoints' buffers h.{i}.attn.bias [1,1,P,P] (lower triangle of ones) and
  /// h.{i}.attn.masked_bias [] (−10⁴).
  bool attn_bias_buffers = false;
  bool legacy_layer_norm_names = false;  ///< BERT: LayerNorm.gamma / LayerNorm.beta
  bool pooler = false;                   ///< BERT: pooler.dense.{weight [D,D], bias [D]}
  bool freq_cis = true;                  ///< llama2.c: run.c-export cos/sin tables (false: zeros)
  /// Marian: the embeddings under encoder/decoder.embed_tokens and lm_head too (as older
  /// exports stored every tied copy), and the sinusoidal embed_positions tables.
  bool marian_tied_copies = false;
};

/// A tiny checkpoint of one family: its config, its tensors by exact stored name.
struct TinyCheckpoint {
  RefConfig config;
  TinyOptions options;
  RefTensors tensors;

  /// config.json as transformers writes it (sorted keys, two-space indent); "torch_dtype"
  /// follows `dtype`. Empty for llama2.c.
  std::string config_json(DType dtype = DType::F32) const;
  /// Writes `folder`/config.json and `folder`/model.safetensors (F32 or BF16), creating the
  /// folder. An Error (field Model) names the path when something cannot be written.
  std::optional<Error> write_hf_folder(const std::string& folder, DType dtype = DType::F32) const;
  /// Writes a llama2.c version-0 .bin (family Llama2c only); the vocab size is written negative
  /// when the classifier is not shared (config.tie_word_embeddings false).
  std::optional<Error> write_llama2c(const std::string& path) const;
  /// The same checkpoint with every value as a reader gets it back from a file of `dtype`
  /// (BF16: rounded to nearest even); compare core against the reference of this.
  TinyCheckpoint as_stored(DType dtype) const;
};

/// Tiny configs, fast to run: 2 layers, 4 heads, vocab 64–100, 32–64 positions.
RefConfig tiny_gpt2_config();   ///< D 16, gelu_new, eps 1e-5
RefConfig tiny_bert_config();   ///< D 16, F 48, 2 token types, gelu, eps 1e-12
RefConfig tiny_llama_config();  ///< D 32, 4 heads, 2 kv heads, F 44, untied lm_head
RefConfig tiny_qwen2_config();  ///< as Llama with q/k/v biases, tied, eps 1e-6, θ 10⁶
RefConfig tiny_llama2c_config();
/// Marian: D 16, 2 encoder layers with 4 heads and F 40, 2 decoder layers with 2 heads and
/// F 24, swish, vocab 66 (the ids of tests/data/marian-tiny/vocab.json: </s> 0, <unk> 1,
/// <pad> 65 = decoder start), 32 positions.
RefConfig tiny_marian_config();  ///< D 32, 4 heads, 2 kv heads, F 40, seq_len 32, shared

/// Seeded random weights for `config` with the family's exact names and shapes. Each tensor's
/// values depend only on the seed and its unprefixed name, not on options or order.
TinyCheckpoint make_tiny_checkpoint(const RefConfig& config, const TinyOptions& options = {});

/// The bytes of a safetensors file holding `tensors` (by name, contiguous from offset 0, the
/// header padded with spaces to a multiple of 8, "__metadata__" {"format": "pt"}).
Expected<std::string> safetensors_bytes(const RefTensors& tensors, DType dtype);

/// Reads a llama2.c version-0 .bin with plain fread (independently of core's loader) into
/// llama2.c names (token_embedding_table, layers.L.wq, …, wcls when not shared).
Expected<TinyCheckpoint> read_llama2c_bin(const std::string& path);

/// bfloat16 of a float, rounded to nearest even (NaN stays a quiet NaN); and back, exactly.
std::uint16_t float_to_bf16(float value);
float bf16_to_float(std::uint16_t bits);

}  // namespace attn::testing
