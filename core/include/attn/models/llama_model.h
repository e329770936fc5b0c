#pragma once

#include <memory>
#include <vector>

#include "attn/attention/transformer_ops.h"
#include "attn/io/llama2c_file.h"
#include "attn/io/tensor_source.h"
#include "attn/models/transformer_model.h"

namespace attn {

/// The Llama family (Touvron et al. 2023; Llama, Mistral, Qwen2, SmolLM, …) as Hugging Face's
/// LlamaForCausalLM computes it, and llama2.c's `.bin` models as its run.c does, float32:
///   x = embed[ids]                                                       n × D
///   per layer i:  a = RMSNorm(x)
///                 q = a·W_qᵀ (+b), k = a·W_kᵀ (+b), v = a·W_vᵀ (+b)       n × H·d, n × KV·d
///                 rotate q and k by position (Su et al. 2021; split-half pairs for Hugging
///                 Face checkpoints, interleaved pairs for llama2.c)
///                 x += (causal grouped-query attention)·W_oᵀ              head h reads KV head
///                                                                         h ÷ (H ÷ KV)
///                 x += W_down·(silu(W_gate·RMSNorm(x)) ⊙ W_up·RMSNorm(x))  (SwiGLU)
///   RMSNorm(x); logits = x·W_lmᵀ (or the embedding when tied)
/// Blocks are named "model.layers.<i>.self_attn" (llama2.c: "layers.<i>.attention").
class LlamaModel final : public TransformerModel {
 public:
  /// A Hugging Face folder's tensors (prefix "model." as stored).
  static Expected<std::shared_ptr<const LlamaModel>> load(
      const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
      std::shared_ptr<const TensorSource> tensors, ModelInfo info);
  /// A llama2.c checkpoint (config from its header, see from_llama2c).
  static Expected<std::shared_ptr<const LlamaModel>> load_llama2c(
      const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
      std::shared_ptr<const Llama2cFile> file, ModelInfo info);

  Expected<std::vector<Token>> model_tokens(const Scenario& scenario) const override;
  Expected<RowVector> next_token_logits(const std::vector<int>& ids) const override;

 protected:
  Matrix forward(const std::vector<Token>& tokens, ForwardCapture& capture) const override;
  bool causal() const override { return true; }

 private:
  struct Layer {
    RowVector attn_norm;
    Matrix wq, wk, wv, wo;     // [out, in]: H·d × D, KV·d × D, KV·d × D, D × H·d
    RowVector bq, bk, bv, bo;  // empty when the checkpoint has none
    RowVector ffn_norm;
    Matrix w_gate, w_up;  // F × D
    Matrix w_down;        // D × F
  };
  using TransformerModel::TransformerModel;
  std::string block_name(int layer) const;

  RotaryPairs pairs_ = RotaryPairs::SplitHalf;
  bool llama2c_ = false;
  bool add_bos_ = true;
  Matrix embed_;  // V × D
  std::vector<Layer> layers_;
  RowVector final_norm_;
  Matrix lm_head_;  // V × D; empty when tied to embed_
};

}  // namespace attn
