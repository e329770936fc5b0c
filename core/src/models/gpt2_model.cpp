#include "attn/models/gpt2_model.h"

#include "attn/attention/transformer_ops.h"

namespace attn {

Expected<std::shared_ptr<const Gpt2Model>> Gpt2Model::load(
    const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
    std::shared_ptr<const TensorSource> tensors, ModelInfo info) {
  const int D = config.d_model, F = config.d_ff, V = config.vocab_size, P = config.max_positions;
  WeightReader read(tensors, {"transformer."});
  std::shared_ptr<Gpt2Model> model(new Gpt2Model(config, std::move(tokenizer), std::move(info)));
  model->wte_ = read.matrix("wte.weight", V, D);
  model->wpe_ = read.matrix("wpe.weight", P, D);
  model->layers_.resize(config.n_layers);
  for (int i = 0; i < config.n_layers; ++i) {
    const std::string p = "h." + std::to_string(i) + ".";
    Layer& l = model->layers_[i];
    l.ln_1_w = read.vector(p + "ln_1.weight", D);
    l.ln_1_b = read.vector(p + "ln_1.bias", D);
    l.c_attn_w = read.matrix(p + "attn.c_attn.weight", D, 3 * D);
    l.c_attn_b = read.vector(p + "attn.c_attn.bias", 3 * D);
    l.c_proj_w = read.matrix(p + "attn.c_proj.weight", D, D);
    l.c_proj_b = read.vector(p + "attn.c_proj.bias", D);
    l.ln_2_w = read.vector(p + "ln_2.weight", D);
    l.ln_2_b = read.vector(p + "ln_2.bias", D);
    l.c_fc_w = read.matrix(p + "mlp.c_fc.weight", D, F);
    l.c_fc_b = read.vector(p + "mlp.c_fc.bias", F);
    l.mlp_proj_w = read.matrix(p + "mlp.c_proj.weight", F, D);
    l.mlp_proj_b = read.vector(p + "mlp.c_proj.bias", D);
    if (!read.problems().empty()) break;  // a wrong config: one layer's problems say enough
  }
  model->ln_f_w_ = read.vector("ln_f.weight", D);
  model->ln_f_b_ = read.vector("ln_f.bias", D);
  if (std::optional<Error> problem = read.error()) return *problem;
  note_unused_and_non_finite(read, {"attn.bias", "attn.masked_bias", "lm_head"}, model->info_);
  return std::shared_ptr<const Gpt2Model>(std::move(model));
}

Matrix Gpt2Model::forward(const std::vector<Token>& tokens, ForwardCapture& capture) const {
  const int n = static_cast<int>(tokens.size());
  const int start = capture.start;  // rows before it come from capture.past
  const int D = config_.d_model;
  Matrix x(n - start, D);
  for (int t = start; t < n; ++t) x.row(t - start) = wte_.row(tokens[t].id) + wpe_.row(t);

  for (int i = 0; i < config_.n_layers; ++i) {
    const Layer& l = layers_[i];
    const Matrix a = layer_norm(x, l.ln_1_w, l.ln_1_b, config_.norm_eps);
    const Matrix qkv = linear_in_out(a, l.c_attn_w, l.c_attn_b);  // n × 3D: q | k | v
    const Matrix& k = capture.keys_for(i, qkv.middleCols(D, D), false);
    const Matrix& v = capture.keys_for(i, qkv.rightCols(D), true);
    const Matrix heads = attend_heads(qkv.leftCols(D), k, v, config_.n_heads, config_.n_heads, true,
                                      "h." + std::to_string(i) + ".attn", i, capture);
    if (capture.done_after_attention(i, config_.n_layers)) return x;
    const Matrix attended = linear_in_out(heads, l.c_proj_w, l.c_proj_b);
    if (capture.explain_block == i) {
      capture.detail.x_query = a;
      capture.detail.x_key = a;
      capture.detail.output = attended;
      if (!capture.keep_weights) return x;  // nothing later is needed
    }
    x += attended;
    Matrix hidden =
        linear_in_out(layer_norm(x, l.ln_2_w, l.ln_2_b, config_.norm_eps), l.c_fc_w, l.c_fc_b);
    apply_activation(hidden, config_.activation);
    x += linear_in_out(hidden, l.mlp_proj_w, l.mlp_proj_b);
  }
  return layer_norm(x, ln_f_w_, ln_f_b_, config_.norm_eps);
}

Expected<RowVector> Gpt2Model::next_token_logits(const std::vector<int>& ids) const {
  Expected<std::vector<Token>> tokens = tokens_of_ids(ids);
  if (!tokens) return tokens.error();
  ForwardCapture capture;
  capture.keep_weights = false;
  const Matrix hidden = forward(tokens.value(), capture);
  RowVector logits = hidden.bottomRows(1) * wte_.transpose();
  return logits;
}

}  // namespace attn
