#pragma once

#include <memory>
#include <vector>

#include "attn/io/tensor_source.h"
#include "attn/models/transformer_model.h"

namespace attn {

/// GPT-2 (Radford et al. 2019) as Hugging Face's GPT2Model computes it, float32:
///   x = wte[ids] + wpe[0..n)                                   n × D
///   per layer i (h.i):  a = ln_1(x); [q|k|v] = a·c_attn + b     (Conv1D, stored [D, 3D])
///                       x += c_proj(causal attention of q, k, v) heads = consecutive D/H slices
///                       x += c_proj(gelu_new(c_fc(ln_2(x))))
///   ln_f(x); logits = ln_f(x)·wteᵀ (tied)
/// Blocks are named "h.<i>.attn", as in the checkpoint.
class Gpt2Model final : public TransformerModel {
 public:
  /// Reads every tensor (prefix "transformer." accepted) and checks its shape against config.
  static Expected<std::shared_ptr<const Gpt2Model>> load(
      const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
      std::shared_ptr<const TensorSource> tensors, ModelInfo info);

  Expected<RowVector> next_token_logits(const std::vector<int>& ids) const override;

 protected:
  Matrix forward(const std::vector<Token>& tokens, ForwardCapture& capture) const override;
  bool causal() const override { return true; }

 private:
  struct Layer {
    RowVector ln_1_w, ln_1_b;
    Matrix c_attn_w;  // D × 3D
    RowVector c_attn_b;
    Matrix c_proj_w;  // D × D
    RowVector c_proj_b;
    RowVector ln_2_w, ln_2_b;
    Matrix c_fc_w;  // D × F
    RowVector c_fc_b;
    Matrix mlp_proj_w;  // F × D
    RowVector mlp_proj_b;
  };
  using TransformerModel::TransformerModel;
  Matrix wte_;  // V × D
  Matrix wpe_;  // P × D
  std::vector<Layer> layers_;
  RowVector ln_f_w_, ln_f_b_;
};

}  // namespace attn
