#pragma once

#include <memory>
#include <vector>

#include "attn/io/tensor_source.h"
#include "attn/models/transformer_model.h"

namespace attn {

/// BERT (Devlin et al. 2019) as Hugging Face's BertModel computes it, float32, post-LayerNorm:
///   x = LN(word[ids] + position[0..n) + token_type[types])          n × D
///   per layer i (encoder.layer.i):
///     q, k, v = x·W_qᵀ + b (nn.Linear, stored [out, in])           heads = D/H slices
///     x = LN(x + dense(attention(q, k, v)))                          no mask
///     x = LN(x + dense₂(gelu(dense₁(x))))                            gelu = erf form
/// A sentence pair reads [CLS] A [SEP] B [SEP] with token types 0 … 0 1 … 1 (A = the source,
/// B = the target). Blocks are named "encoder.layer.<i>.attention.self".
class BertModel final : public TransformerModel {
 public:
  static Expected<std::shared_ptr<const BertModel>> load(
      const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
      std::shared_ptr<const TensorSource> tensors, ModelInfo info);

  Expected<std::vector<Token>> model_tokens(const Scenario& scenario) const override;

 protected:
  Matrix forward(const std::vector<Token>& tokens, ForwardCapture& capture) const override;
  bool causal() const override { return false; }

 private:
  struct Layer {
    Matrix q_w, k_w, v_w;  // D × D, [out, in]
    RowVector q_b, k_b, v_b;
    Matrix out_w;  // D × D
    RowVector out_b, ln_1_w, ln_1_b;
    Matrix inter_w;  // F × D
    RowVector inter_b;
    Matrix ffn_out_w;  // D × F
    RowVector ffn_out_b, ln_2_w, ln_2_b;
  };
  using TransformerModel::TransformerModel;
  Matrix word_, position_, token_type_;
  RowVector emb_ln_w_, emb_ln_b_;
  std::vector<Layer> layers_;
  int cls_id_ = -1;
  int sep_id_ = -1;
};

}  // namespace attn
