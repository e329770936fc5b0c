#pragma once

// An independent reference for the real model families, written as plain loops in double
// precision from the papers and from Hugging Face transformers' modeling_gpt2.py,
// modeling_bert.py, modeling_llama.py, modeling_qwen2.py (and llama2.c run.c's forward()).
// It shares no code with core/ (only the plain enums Family and DType): core's fast float32
// families are tested against it, so a mistake made in core cannot be repeated here.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "attn/expected.h"
#include "attn/models/model_config.h"

namespace attn::testing {

/// One tensor as a checkpoint stores it: row-major shape ({} is a scalar) and its values.
struct RefTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;
};

/// Tensors by their exact stored names.
using RefTensors = std::map<std::string, RefTensor>;

/// The configuration values the reference needs (what config.json or a llama2.c header says).
struct RefConfig {
  Family family = Family::Gpt2;
  std::string model_type = "gpt2";  ///< "gpt2", "bert", "llama", "qwen2", "llama2c"
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;  ///< key/value heads (grouped-query attention); = n_heads otherwise
  int d_model = 0;
  int head_dim = 0;  ///< d_model / n_heads
  int d_ff = 0;      ///< feed-forward inner size (GPT-2: 4 · d_model)
  int vocab_size = 0;
  int max_positions = 0;    ///< learned positions (GPT-2, BERT) or llama2.c seq_len
  int type_vocab_size = 0;  ///< BERT token types
  double norm_eps = 1e-5;   ///< layer_norm_epsilon / layer_norm_eps / rms_norm_eps
  double rope_theta = 10000.0;
  std::string activation = "gelu_new";  ///< "gelu_new", "gelu", "silu", "relu"
  bool tie_word_embeddings = true;      ///< Llama: logits through the embedding, no lm_head
  bool attention_bias = false;          ///< q/k/v biases (Qwen2)
  // Marian (encoder–decoder): n_layers, n_heads, d_ff above are the decoder's.
  int encoder_layers = 0;
  int encoder_heads = 0;
  int encoder_d_ff = 0;
  bool scale_embedding = true;
  int decoder_start_id = -1;  ///< = pad_token_id
  int eos_id = -1;            ///< "</s>"
};

/// One attention block: its name as in the checkpoint and, per head, n × n matrices.
struct RefBlock {
  std::string name;                      ///< "h.{i}.attn", "encoder.layer.{i}.attention.self",
                                         ///< "model.layers.{i}.self_attn", "layers.{i}.attention"
  std::vector<Eigen::MatrixXd> weights;  ///< per head: softmax probabilities, query rows
  std::vector<Eigen::MatrixXd> scores;   ///< per head: after scaling and mask (masked = −inf)
};

/// What a forward pass gives: every attention block in model order, the final hidden states
/// (n × d_model, after the final norm for GPT-2 and Llama; BERT's last layer output) and the
/// logits (n × vocab; empty for BERT).
struct RefOutput {
  std::vector<RefBlock> blocks;
  Eigen::MatrixXd hidden;
  Eigen::MatrixXd logits;
};

/// The forward pass of `config.family` over `ids` (n tokens, positions 0..n−1) with the
/// tensors as stored (GPT-2 names with or without "transformer.", BERT with or without "bert."
/// and with .weight/.bias or legacy .gamma/.beta). `token_types` (BERT only) defaults to zeros.
/// An Error (field Model) names a missing or misshaped tensor or a bad id.
Expected<RefOutput> reference_forward(const RefConfig& config, const RefTensors& tensors,
                                      const std::vector<int>& ids,
                                      const std::vector<int>& token_types = {});

/// Marian (transformers modeling_marian.py, MarianMTModel): the encoder over `source_ids`, the
/// decoder over `decoder_ids` (start token first), post-LayerNorm, sinusoidal positions (sin
/// in the first half of each row, cos in the second), embeddings × √d_model when
/// scale_embedding, logits = hidden · sharedᵀ + final_logits_bias. Blocks: every encoder
/// layer's self_attn, then per decoder layer its self_attn (causal) and encoder_attn (target
/// rows × source columns), named "model.encoder.layers.{i}.self_attn" etc. `hidden` is the
/// decoder's output.
Expected<RefOutput> reference_marian(const RefConfig& config, const RefTensors& tensors,
                                     const std::vector<int>& source_ids,
                                     const std::vector<int>& decoder_ids);

/// Greedy translation by full recomputation: from config.decoder_start_id, append the argmax of
/// the last row's logits (the pad token never chosen, as opus-mt's bad_words_ids ask) until
/// config.eos_id or `max_tokens` tokens. Returns the produced ids (without the start token).
Expected<std::vector<int>> reference_marian_greedy(const RefConfig& config,
                                                   const RefTensors& tensors,
                                                   const std::vector<int>& source_ids,
                                                   int max_tokens);

/// Greedy decoding as llama2.c's generate() with temperature 0: from BOS (id 1), `steps`
/// forward passes, each recomputing the whole sequence and appending the argmax of the last
/// row's logits; stops early at BOS, as run.c does. Returns the sequence including BOS.
/// For decoder families only (GPT-2, Llama, llama2.c).
Expected<std::vector<int>> reference_greedy(const RefConfig& config, const RefTensors& tensors,
                                            int steps, int bos = 1);

}  // namespace attn::testing
