#include "attn/models/bert_model.h"

#include "attn/attention/transformer_ops.h"

namespace attn {

Expected<std::shared_ptr<const BertModel>> BertModel::load(
    const ModelConfig& config, std::shared_ptr<const SubwordTokenizer> tokenizer,
    std::shared_ptr<const TensorSource> tensors, ModelInfo info) {
  const int D = config.d_model, F = config.d_ff, V = config.vocab_size, P = config.max_positions;
  const int T = config.type_vocab_size;
  const int cls = tokenizer->special_id("[CLS]");
  const int sep = tokenizer->special_id("[SEP]");
  if (cls < 0 || sep < 0) {
    return Error{InputField::Model, info.path +
                                        ": the tokenizer has no [CLS] or [SEP] token, "
                                        "which BERT puts around every sentence"};
  }
  WeightReader read(tensors, {"bert."});
  std::shared_ptr<BertModel> model(new BertModel(config, std::move(tokenizer), std::move(info)));
  model->cls_id_ = cls;
  model->sep_id_ = sep;
  model->word_ = read.matrix("embeddings.word_embeddings.weight", V, D);
  model->position_ = read.matrix("embeddings.position_embeddings.weight", P, D);
  model->token_type_ = read.matrix("embeddings.token_type_embeddings.weight", T, D);
  model->emb_ln_w_ = read.vector("embeddings.LayerNorm.weight", D);
  model->emb_ln_b_ = read.vector("embeddings.LayerNorm.bias", D);
  model->layers_.resize(config.n_layers);
  for (int i = 0; i < config.n_layers; ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    Layer& l = model->layers_[i];
    l.q_w = read.matrix(p + "attention.self.query.weight", D, D);
    l.q_b = read.vector(p + "attention.self.query.bias", D);
    l.k_w = read.matrix(p + "attention.self.key.weight", D, D);
    l.k_b = read.vector(p + "attention.self.key.bias", D);
    l.v_w = read.matrix(p + "attention.self.value.weight", D, D);
    l.v_b = read.vector(p + "attention.self.value.bias", D);
    l.out_w = read.matrix(p + "attention.output.dense.weight", D, D);
    l.out_b = read.vector(p + "attention.output.dense.bias", D);
    l.ln_1_w = read.vector(p + "attention.output.LayerNorm.weight", D);
    l.ln_1_b = read.vector(p + "attention.output.LayerNorm.bias", D);
    l.inter_w = read.matrix(p + "intermediate.dense.weight", F, D);
    l.inter_b = read.vector(p + "intermediate.dense.bias", F);
    l.ffn_out_w = read.matrix(p + "output.dense.weight", D, F);
    l.ffn_out_b = read.vector(p + "output.dense.bias", D);
    l.ln_2_w = read.vector(p + "output.LayerNorm.weight", D);
    l.ln_2_b = read.vector(p + "output.LayerNorm.bias", D);
    if (!read.problems().empty()) break;
  }
  if (std::optional<Error> problem = read.error()) return *problem;
  note_unused_and_non_finite(read, {"pooler.", "cls.", "position_ids", "embeddings.position_ids"},
                             model->info_);
  return std::shared_ptr<const BertModel>(std::move(model));
}

Expected<std::vector<Token>> BertModel::model_tokens(const Scenario& scenario) const {
  Expected<std::vector<Token>> a = tokenizer_->encode(scenario.source);
  if (!a) return Error{InputField::Source, "Source text: " + a.error().message};
  if (a->empty()) return Error{InputField::Source, "Source text is empty: type some text"};
  std::vector<Token> tokens;
  tokens.push_back(tokenizer_->special_token(cls_id_, 0));
  for (Token& token : a.value()) tokens.push_back(std::move(token));
  tokens.push_back(tokenizer_->special_token(sep_id_, scenario.source.size()));
  if (scenario.target.empty()) return tokens;

  Expected<std::vector<Token>> b = tokenizer_->encode(scenario.target);
  if (!b) return Error{InputField::Target, "Sentence B: " + b.error().message};
  for (Token& token : b.value()) {
    token.segment = 1;
    tokens.push_back(std::move(token));
  }
  Token last = tokenizer_->special_token(sep_id_, scenario.target.size());
  last.segment = 1;
  tokens.push_back(std::move(last));
  return tokens;
}

Matrix BertModel::forward(const std::vector<Token>& tokens, ForwardCapture& capture) const {
  const int n = static_cast<int>(tokens.size());
  const int D = config_.d_model;
  const float eps = config_.norm_eps;
  Matrix x(n, D);
  for (int t = 0; t < n; ++t) {
    x.row(t) = word_.row(tokens[t].id) + position_.row(t) + token_type_.row(tokens[t].segment);
  }
  x = layer_norm(x, emb_ln_w_, emb_ln_b_, eps);

  for (int i = 0; i < config_.n_layers; ++i) {
    const Layer& l = layers_[i];
    const Matrix q = linear_out_in(x, l.q_w, l.q_b);
    const Matrix k = linear_out_in(x, l.k_w, l.k_b);
    const Matrix v = linear_out_in(x, l.v_w, l.v_b);
    const Matrix heads =
        attend_heads(q, k, v, config_.n_heads, config_.n_heads, false,
                     "encoder.layer." + std::to_string(i) + ".attention.self", i, capture);
    if (capture.done_after_attention(i, config_.n_layers)) return x;
    const Matrix attended = linear_out_in(heads, l.out_w, l.out_b);
    if (capture.explain_block == i) {
      capture.detail.x_query = x;
      capture.detail.x_key = x;
      capture.detail.output = attended;
      if (!capture.keep_weights) return x;
    }
    x = layer_norm(x + attended, l.ln_1_w, l.ln_1_b, eps);
    Matrix hidden = linear_out_in(x, l.inter_w, l.inter_b);
    apply_activation(hidden, config_.activation);
    x = layer_norm(x + linear_out_in(hidden, l.ffn_out_w, l.ffn_out_b), l.ln_2_w, l.ln_2_b, eps);
  }
  return x;
}

}  // namespace attn
