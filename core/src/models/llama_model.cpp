#include "attn/models/llama_model.h"

namespace attn {
Expected<std::shared_ptr<const LlamaModel>> LlamaModel::load(
    const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
    std::shared_ptr<const TensorSource> tensors, ModelInfo info) {
  const int D = config.d_model, F = config.d_ff, V = config.vocab_size;
  const int Hd = config.n_heads * config.head_dim, KVd = config.n_kv_heads * config.head_dim;
  WeightReader read(tensors, {});
  std::shared_ptr<LlamaModel> model(new LlamaModel(config, std::move(tokenizer), std::move(info)));
  model->pairs_ = RotaryPairs::SplitHalf;
  model->add_bos_ = config.bos_id >= 0 && config.model_type != "qwen2";
  model->embed_ = read.matrix("model.embed_tokens.weight", V, D);
  model->layers_.resize(config.n_layers);
  for (int i = 0; i < config.n_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    Layer& l = model->layers_[i];
    l.attn_norm = read.vector(p + "input_layernorm.weight", D);
    l.wq = read.matrix(p + "self_attn.q_proj.weight", Hd, D);
    l.wk = read.matrix(p + "self_attn.k_proj.weight", KVd, D);
    l.wv = read.matrix(p + "self_attn.v_proj.weight", KVd, D);
    l.wo = read.matrix(p + "self_attn.o_proj.weight", D, Hd);
    if (config.attention_bias || read.has(p + "self_attn.q_proj.bias")) {
      l.bq = read.vector(p + "self_attn.q_proj.bias", Hd);
      l.bk = read.vector(p + "self_attn.k_proj.bias", KVd);
      l.bv = read.vector(p + "self_attn.v_proj.bias", KVd);
    }
    if (read.has(p + "self_attn.o_proj.bias")) l.bo = read.vector(p + "self_attn.o_proj.bias", D);
    l.ffn_norm = read.vector(p + "post_attention_layernorm.weight", D);
    l.w_gate = read.matrix(p + "mlp.gate_proj.weight", F, D);
    l.w_up = read.matrix(p + "mlp.up_proj.weight", F, D);
    l.w_down = read.matrix(p + "mlp.down_proj.weight", D, F);
    if (!read.problems().empty()) break;
  }
  model->final_norm_ = read.vector("model.norm.weight", D);
  if (!config.tie_word_embeddings || read.has("lm_head.weight")) {
    model->lm_head_ = read.matrix("lm_head.weight", V, D);
  }
  if (std::optional<Error> problem = read.error()) return *problem;
  note_unused_and_non_finite(read, {"rotary_emb.inv_freq"}, model->info_);
  return std::shared_ptr<const LlamaModel>(std::move(model));
}

Expected<std::shared_ptr<const LlamaModel>> LlamaModel::load_llama2c(
    const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
    std::shared_ptr<const Llama2cFile> file, ModelInfo info) {
  const int D = config.d_model, F = config.d_ff, V = config.vocab_size;
  const int KVd = config.n_kv_heads * config.head_dim;
  const bool shared_classifier = file->header().shared_classifier;
  WeightReader read(file, {});
  std::shared_ptr<LlamaModel> model(new LlamaModel(config, std::move(tokenizer), std::move(info)));
  model->pairs_ = RotaryPairs::Interleaved;
  model->llama2c_ = true;
  model->add_bos_ = true;
  model->embed_ = read.matrix("token_embedding_table", V, D);
  model->layers_.resize(config.n_layers);
  for (int i = 0; i < config.n_layers; ++i) {
    const std::string p = "layers." + std::to_string(i) + ".";
    Layer& l = model->layers_[i];
    l.attn_norm = read.vector(p + "rms_att_weight", D);
    l.wq = read.matrix(p + "wq", D, D);
    l.wk = read.matrix(p + "wk", KVd, D);
    l.wv = read.matrix(p + "wv", KVd, D);
    l.wo = read.matrix(p + "wo", D, D);
    l.ffn_norm = read.vector(p + "rms_ffn_weight", D);
    l.w_gate = read.matrix(p + "w1", F, D);
    l.w_down = read.matrix(p + "w2", D, F);
    l.w_up = read.matrix(p + "w3", F, D);
    if (!read.problems().empty()) break;
  }
  model->final_norm_ = read.vector("rms_final_weight", D);
  if (!shared_classifier) model->lm_head_ = read.matrix("wcls", V, D);
  if (std::optional<Error> problem = read.error()) return *problem;
  note_unused_and_non_finite(read, {}, model->info_);
  return std::shared_ptr<const LlamaModel>(std::move(model));
}

std::string LlamaModel::block_name(int layer) const {
  return llama2c_ ? "layers." + std::to_string(layer) + ".attention"
                  : "model.layers." + std::to_string(layer) + ".self_attn";
}

Expected<std::vector<Token>> LlamaModel::model_tokens(const Scenario& scenario) const {
  Expected<std::vector<Token>> typed = TransformerModel::model_tokens(scenario);
  if (!typed || !add_bos_) return typed;
  const int bos = config_.bos_id >= 0 ? config_.bos_id : 1;
  std::vector<Token> tokens;
  tokens.reserve(typed->size() + 1);
  tokens.push_back(tokenizer_->special_token(bos, 0));
  for (Token& token : typed.value()) tokens.push_back(std::move(token));
  return tokens;
}

Matrix LlamaModel::forward(const std::vector<Token>& tokens, ForwardCapture& capture) const {
  const int n = static_cast<int>(tokens.size());
  const int start = capture.start;  // rows before it come from capture.past
  const int D = config_.d_model, H = config_.n_heads, KV = config_.n_kv_heads;
  const int d = config_.head_dim;
  const float eps = config_.norm_eps;
  Matrix x(n - start, D);
  for (int t = start; t < n; ++t) x.row(t - start) = embed_.row(tokens[t].id);

  for (int i = 0; i < config_.n_layers; ++i) {
    const Layer& l = layers_[i];
    const Matrix a = rms_norm(x, l.attn_norm, eps);
    Matrix q = linear_out_in(a, l.wq, l.bq);  // n × H·d
    Matrix k = linear_out_in(a, l.wk, l.bk);  // n × KV·d
    const Matrix v = linear_out_in(a, l.wv, l.bv);
    const bool explaining = capture.explain_block == i;
    if (explaining) {
      capture.detail.rotary = true;
      capture.detail.q_unrotated.clear();
      capture.detail.k_unrotated.clear();
      for (int h = 0; h < H; ++h) capture.detail.q_unrotated.push_back(q.middleCols(h * d, d));
      for (int h = 0; h < H; ++h) {
        capture.detail.k_unrotated.push_back(k.middleCols((h / (H / KV)) * d, d));
      }
    }
    for (int h = 0; h < H; ++h) {
      Matrix head = q.middleCols(h * d, d);
      apply_rotary(head, start, config_.rope_theta, pairs_);
      q.middleCols(h * d, d) = head;
    }
    for (int g = 0; g < KV; ++g) {
      Matrix head = k.middleCols(g * d, d);
      apply_rotary(head, start, config_.rope_theta, pairs_);
      k.middleCols(g * d, d) = head;
    }
    const Matrix heads =
        attend_heads(q, capture.keys_for(i, k, false), capture.keys_for(i, v, true), H, KV, true,
                     block_name(i), i, capture);
    if (capture.done_after_attention(i, config_.n_layers)) return x;
    const Matrix attended = linear_out_in(heads, l.wo, l.bo);
    if (explaining) {
      capture.detail.x_query = a;
      capture.detail.x_key = a;
      capture.detail.output = attended;
      if (!capture.keep_weights) return x;
    }
    x += attended;
    const Matrix b = rms_norm(x, l.ffn_norm, eps);
    Matrix gate = linear_out_in(b, l.w_gate, RowVector());
    apply_activation(gate, config_.activation.empty() ? "silu" : config_.activation);
    const Matrix up = linear_out_in(b, l.w_up, RowVector());
    const Matrix gated = gate.cwiseProduct(up);
    x += linear_out_in(gated, l.w_down, RowVector());
  }
  return rms_norm(x, final_norm_, eps);
}

Expected<RowVector> LlamaModel::next_token_logits(const std::vector<int>& ids) const {
  Expected<std::vector<Token>> tokens = tokens_of_ids(ids);
  if (!tokens) return tokens.error();
  ForwardCapture capture;
  capture.keep_weights = false;
  const Matrix hidden = forward(tokens.value(), capture);
  const Matrix& head = lm_head_.size() > 0 ? lm_head_ : embed_;
  RowVector logits = hidden.bottomRows(1) * head.transpose();
  return logits;
}

}  // namespace attn
