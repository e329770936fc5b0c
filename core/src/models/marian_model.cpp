#include "attn/models/marian_model.h"

#include <cmath>
#include <limits>

#include "attn/attention/transformer_ops.h"

namespace attn {
namespace {

std::string encoder_prefix(int i) { return "model.encoder.layers." + std::to_string(i) + "."; }
std::string decoder_prefix(int i) { return "model.decoder.layers." + std::to_string(i) + "."; }

/// Sinusoidal positions as MarianSinusoidalPositionalEmbedding lays them out (not
/// interleaved): row t holds sin(t·ω_j) in columns [0, ⌈D/2⌉) and cos(t·ω_j) in the rest, with
/// ω_j = 10000^(−2j/D); computed in double and rounded once, as the numpy table is.
/// Rows for positions first..first+count−1: count × D.
Matrix sinusoidal_positions(int first, int count, int d) {
  Matrix p(count, d);
  const int sines = d - d / 2;
  for (int r = 0; r < count; ++r) {
    const double position = first + r;
    for (int j = 0; j < sines; ++j) {
      const double angle = position / std::pow(10000.0, 2.0 * j / d);
      p(r, j) = static_cast<float>(std::sin(angle));
      if (sines + j < d) p(r, sines + j) = static_cast<float>(std::cos(angle));
    }
  }
  return p;
}

}  // namespace

MarianModel::MarianModel(ModelConfig config, std::shared_ptr<const MarianTokenizer> tokenizer,
                         ModelInfo info)
    : TransformerModel(std::move(config), tokenizer, std::move(info)),
      marian_tokenizer_(std::move(tokenizer)) {}

MarianModel::Attention MarianModel::read_attention(WeightReader& read, const std::string& layer,
                                                   const std::string& module, int d) {
  const std::string prefix = layer + module + ".";
  Attention a;
  a.q_w = read.matrix(prefix + "q_proj.weight", d, d);
  a.q_b = read.vector(prefix + "q_proj.bias", d);
  a.k_w = read.matrix(prefix + "k_proj.weight", d, d);
  a.k_b = read.vector(prefix + "k_proj.bias", d);
  a.v_w = read.matrix(prefix + "v_proj.weight", d, d);
  a.v_b = read.vector(prefix + "v_proj.bias", d);
  a.out_w = read.matrix(prefix + "out_proj.weight", d, d);
  a.out_b = read.vector(prefix + "out_proj.bias", d);
  a.norm_w = read.vector(layer + module + "_layer_norm.weight", d);
  a.norm_b = read.vector(layer + module + "_layer_norm.bias", d);
  return a;
}

MarianModel::FeedForward MarianModel::read_feed_forward(WeightReader& read,
                                                        const std::string& prefix, int d, int f) {
  // fc1, fc2 and final_layer_norm sit directly in the layer
  FeedForward ffn;
  ffn.fc1_w = read.matrix(prefix + "fc1.weight", f, d);
  ffn.fc1_b = read.vector(prefix + "fc1.bias", f);
  ffn.fc2_w = read.matrix(prefix + "fc2.weight", d, f);
  ffn.fc2_b = read.vector(prefix + "fc2.bias", d);
  ffn.norm_w = read.vector(prefix + "final_layer_norm.weight", d);
  ffn.norm_b = read.vector(prefix + "final_layer_norm.bias", d);
  return ffn;
}

Expected<std::shared_ptr<const MarianModel>> MarianModel::load(
    const ModelConfig& config, std::shared_ptr<const MarianTokenizer> tokenizer,
    std::shared_ptr<const TensorSource> tensors, ModelInfo info) {
  const int D = config.d_model, V = config.vocab_size;
  if (tokenizer->vocab_size() > V) {
    return Error{InputField::Model, info.path + "/vocab.json has ids up to " +
                                        std::to_string(tokenizer->vocab_size() - 1) +
                                        ", beyond the model's vocab_size of " + std::to_string(V) +
                                        ": the tokenizer files do not belong to this model"};
  }
  const int start = config.decoder_start_id >= 0 ? config.decoder_start_id : tokenizer->pad_id();
  if (start < 0) {
    return Error{InputField::Model, info.path +
                                        "/config.json gives no decoder_start_token_id or "
                                        "pad_token_id, and vocab.json has no <pad>: the decoder "
                                        "has no token to start from"};
  }
  // Names as MarianMTModel stores them ("model.encoder…"); MarianModel's lack the "model.".
  WeightReader read(tensors, {"model."});
  std::shared_ptr<MarianModel> model(new MarianModel(config, tokenizer, std::move(info)));
  model->decoder_start_id_ = start;
  model->eos_id_ = config.eos_id >= 0 ? config.eos_id : tokenizer->eos_id();
  model->suppressed_ = {config.pad_id >= 0 ? config.pad_id : start};
  std::vector<std::string> ignorable = {"embed_positions", "final_logits_bias"};
  if (read.has("shared.weight")) {
    model->encoder_embed_ = read.matrix("shared.weight", V, D);
    ignorable.push_back("embed_tokens");  // the same tensor, tied
  } else {
    model->encoder_embed_ = read.matrix("encoder.embed_tokens.weight", V, D);
    model->decoder_embed_ = read.matrix("decoder.embed_tokens.weight", V, D);
  }
  if (config.tie_word_embeddings) {
    ignorable.push_back("lm_head");  // tied to the decoder's embeddings
  } else {
    model->lm_head_ = read.matrix("lm_head.weight", V, D);
  }
  // A buffer (zeros unless a checkpoint says otherwise) that old checkpoints may lack.
  model->final_logits_bias_ = RowVector::Zero(V);
  if (read.has("final_logits_bias")) {
    model->final_logits_bias_ = read.matrix("final_logits_bias", 1, V);
  }
  model->encoder_.resize(config.encoder_layers);
  for (int i = 0; i < config.encoder_layers && read.problems().empty(); ++i) {
    const std::string p = "encoder.layers." + std::to_string(i) + ".";
    model->encoder_[i].self_attn = read_attention(read, p, "self_attn", D);
    model->encoder_[i].ffn = read_feed_forward(read, p, D, config.encoder_d_ff);
  }
  model->decoder_.resize(config.n_layers);
  for (int i = 0; i < config.n_layers && read.problems().empty(); ++i) {
    const std::string p = "decoder.layers." + std::to_string(i) + ".";
    model->decoder_[i].self_attn = read_attention(read, p, "self_attn", D);
    model->decoder_[i].encoder_attn = read_attention(read, p, "encoder_attn", D);
    model->decoder_[i].ffn = read_feed_forward(read, p, D, config.d_ff);
  }
  if (std::optional<Error> problem = read.error()) return *problem;
  note_unused_and_non_finite(read, ignorable, model->info_);
  return std::shared_ptr<const MarianModel>(std::move(model));
}

Matrix MarianModel::embed(const Matrix& table, const std::vector<Token>& tokens, int start) const {
  const int n = static_cast<int>(tokens.size()), D = config_.d_model;
  const float scale = config_.scale_embedding ? static_cast<float>(std::sqrt(double(D))) : 1.0f;
  Matrix x = sinusoidal_positions(start, n - start, D);
  for (int t = start; t < n; ++t) x.row(t - start) += table.row(tokens[t].id) * scale;
  return x;
}

bool MarianModel::attention_sublayer(Matrix& x, const Attention& a, const MatrixRef& x_key,
                                     const MatrixRef& k, const MatrixRef& v, int heads, bool causal,
                                     const std::string& name, int layer, BlockKind kind,
                                     Sequence queries, ForwardCapture& capture) const {
  const bool explaining = capture.next_block == capture.explain_block;
  const Matrix q = linear_out_in(x, a.q_w, a.q_b);
  const Matrix concat = attend_heads(q, k, v, heads, heads, causal, name, layer, capture);
  if (capture.keep_weights) {
    AttentionBlock& block = capture.blocks.back();
    block.kind = kind;
    block.queries = queries;
    block.keys = kind == BlockKind::Cross ? Sequence::Source : queries;
  }
  const Matrix attended = linear_out_in(concat, a.out_w, a.out_b);
  if (explaining) {
    capture.detail.x_query = x;
    capture.detail.x_key = x_key;
    capture.detail.output = attended;
  }
  x = layer_norm(x + attended, a.norm_w, a.norm_b, config_.norm_eps);
  return explaining;
}

void MarianModel::feed_forward(Matrix& x, const FeedForward& f) const {
  Matrix hidden = linear_out_in(x, f.fc1_w, f.fc1_b);
  apply_activation(hidden, config_.activation);
  x = layer_norm(x + linear_out_in(hidden, f.fc2_w, f.fc2_b), f.norm_w, f.norm_b, config_.norm_eps);
}

MarianModel::Encoded MarianModel::encode(const std::vector<Token>& source,
                                         ForwardCapture& capture) const {
  Encoded encoded;
  Matrix x = embed(encoder_embed_, source, 0);
  for (int i = 0; i < config_.encoder_layers; ++i) {
    const Attention& a = encoder_[i].self_attn;
    const Matrix k = linear_out_in(x, a.k_w, a.k_b);
    const Matrix v = linear_out_in(x, a.v_w, a.v_b);
    const Matrix input = x;
    if (attention_sublayer(x, a, input, k, v, config_.encoder_heads, false,
                           encoder_prefix(i) + "self_attn", i, BlockKind::Self, Sequence::Source,
                           capture) &&
        !capture.keep_weights) {
      return encoded;  // explained: nothing later is needed
    }
    feed_forward(x, encoder_[i].ffn);
  }
  // Every decoder layer's cross-attention keys and values, once per source.
  encoded.cross_k.resize(config_.n_layers);
  encoded.cross_v.resize(config_.n_layers);
  for (int i = 0; i < config_.n_layers; ++i) {
    const Attention& a = decoder_[i].encoder_attn;
    encoded.cross_k[i] = linear_out_in(x, a.k_w, a.k_b);
    encoded.cross_v[i] = linear_out_in(x, a.v_w, a.v_b);
  }
  encoded.output = std::move(x);
  return encoded;
}

Matrix MarianModel::forward(const std::vector<Token>& tokens, ForwardCapture& capture) const {
  return encode(tokens, capture).output;
}

Matrix MarianModel::decode(const Encoded& encoded, const std::vector<Token>& target,
                           ForwardCapture& capture) const {
  const Matrix& table = decoder_embed_.size() > 0 ? decoder_embed_ : encoder_embed_;
  Matrix y = embed(table, target, capture.start);
  for (int i = 0; i < config_.n_layers; ++i) {
    const DecoderLayer& l = decoder_[i];
    const Matrix& k =
        capture.keys_for(i, linear_out_in(y, l.self_attn.k_w, l.self_attn.k_b), false);
    const Matrix& v = capture.keys_for(i, linear_out_in(y, l.self_attn.v_w, l.self_attn.v_b), true);
    const Matrix input = y;
    if (attention_sublayer(y, l.self_attn, input, k, v, config_.n_heads, true,
                           decoder_prefix(i) + "self_attn", i, BlockKind::Self, Sequence::Target,
                           capture) &&
        !capture.keep_weights) {
      return y;
    }
    if (attention_sublayer(y, l.encoder_attn, encoded.output, encoded.cross_k[i],
                           encoded.cross_v[i], config_.n_heads, false,
                           decoder_prefix(i) + "encoder_attn", i, BlockKind::Cross,
                           Sequence::Target, capture) &&
        !capture.keep_weights) {
      return y;
    }
    feed_forward(y, l.ffn);
  }
  return y;
}

RowVector MarianModel::logits_of(const MatrixRef& hidden_row) const {
  const Matrix& head = lm_head_.size() > 0         ? lm_head_
                       : decoder_embed_.size() > 0 ? decoder_embed_
                                                   : encoder_embed_;
  RowVector logits = hidden_row * head.transpose();
  logits += final_logits_bias_;
  return logits;
}

Expected<std::vector<Token>> MarianModel::checked(Expected<std::vector<Token>> tokens,
                                                  InputField field) const {
  if (!tokens) return tokens;
  if (std::optional<Error> problem = check_tokens(tokens.value(), field)) return *problem;
  return tokens;
}

Expected<std::vector<Token>> MarianModel::model_tokens(const Scenario& scenario) const {
  Expected<std::vector<Token>> tokens = TransformerModel::model_tokens(scenario);
  if (!tokens) return tokens;
  tokens.value().push_back(
      tokenizer_->special_token(marian_tokenizer_->eos_id(), scenario.source.size()));
  return checked(std::move(tokens), InputField::Source);
}

Expected<std::vector<Token>> MarianModel::decoder_tokens(const Scenario& scenario) const {
  Expected<std::vector<Token>> typed = marian_tokenizer_->encode_target(scenario.target);
  if (!typed) return Error{InputField::Target, "Target text: " + typed.error().message};
  std::vector<Token> tokens;
  tokens.reserve(typed->size() + 1);
  tokens.push_back(tokenizer_->special_token(decoder_start_id_, 0));
  for (Token& token : typed.value()) tokens.push_back(std::move(token));
  return checked(std::move(tokens), InputField::Target);
}

Expected<Trace> MarianModel::run(const Scenario& scenario) const {
  Expected<std::vector<Token>> source = model_tokens(scenario);
  if (!source) return source.error();
  Expected<std::vector<Token>> target = decoder_tokens(scenario);
  if (!target) return target.error();
  Trace trace;
  trace.scenario = scenario;
  trace.model = info_;
  trace.source_tokens = std::move(source).value();
  trace.target_tokens = std::move(target).value();
  ForwardCapture capture;
  const Encoded encoded = encode(trace.source_tokens, capture);
  decode(encoded, trace.target_tokens, capture);
  trace.blocks = std::move(capture.blocks);
  trace.made_by = self();
  return trace;
}

Expected<Trace> MarianModel::run_after(const Scenario& scenario, const Trace&) const {
  return run(scenario);
}

Expected<BlockDetail> MarianModel::explain(const Trace& trace, int block) const {
  if (block < 0 || block >= static_cast<int>(trace.blocks.size())) {
    return Error{InputField::Layer, "There is no block " + std::to_string(block)};
  }
  ForwardCapture capture;
  capture.keep_weights = false;
  capture.explain_block = block;
  const Encoded encoded = encode(trace.source_tokens, capture);
  if (capture.next_block <= block) decode(encoded, trace.target_tokens, capture);
  capture.detail.block = block;
  return std::move(capture.detail);
}

Expected<Matrix> MarianModel::decoder_logits(const std::vector<int>& source_ids,
                                             const std::vector<int>& decoder_ids) const {
  Expected<std::vector<Token>> source = tokens_of_ids(source_ids);
  if (!source) return source.error();
  Expected<std::vector<Token>> target = tokens_of_ids(decoder_ids);
  if (!target) return Error{InputField::Target, target.error().message};
  ForwardCapture capture;
  capture.keep_weights = false;
  const Matrix hidden = decode(encode(source.value(), capture), target.value(), capture);
  Matrix logits(hidden.rows(), config_.vocab_size);
  for (Eigen::Index r = 0; r < hidden.rows(); ++r) logits.row(r) = logits_of(hidden.row(r));
  return logits;
}

Expected<Translation> MarianModel::translate(const std::string& source,
                                             const TranslateOptions& options) const {
  Scenario scenario;
  scenario.source = source;
  Expected<std::vector<Token>> tokens = model_tokens(scenario);
  if (!tokens) return tokens.error();
  ForwardCapture encoder_capture;
  encoder_capture.keep_weights = false;
  const Encoded encoded = encode(tokens.value(), encoder_capture);

  // The decoder reads at most max_positions tokens, the start token included; one more is left
  // free because the translation is shown teacher-forced, and target.spm cuts the decoded text
  // again, which may give one piece more (a leading "▁" of its own).
  const int steps = std::min(options.max_tokens, config_.max_positions - 2);
  Translation result;
  std::vector<Token> decoded = {tokenizer_->special_token(decoder_start_id_, 0)};
  KeyValueState state;  // the decoder's self-attention keys and values so far
  for (int step = 0; step < steps; ++step) {
    if (options.cancel != nullptr && options.cancel->load()) {
      result.cancelled = true;
      break;
    }
    ForwardCapture capture;
    capture.keep_weights = false;
    capture.start = static_cast<int>(decoded.size()) - 1;
    capture.past = &state;
    capture.present = &state;
    const Matrix hidden = decode(encoded, decoded, capture);
    RowVector logits = logits_of(hidden.bottomRows(1));
    for (int id : suppressed_) {
      if (id >= 0 && id < logits.size()) logits(id) = -std::numeric_limits<float>::infinity();
    }
    Eigen::Index best = 0;
    logits.maxCoeff(&best);  // the first maximum, as torch.argmax
    const int id = static_cast<int>(best);
    result.ids.push_back(id);
    decoded.push_back(marian_tokenizer_->token_of_id(id));
    TranslatedToken produced;
    produced.index = step;
    produced.token = decoded.back();
    produced.text_so_far = marian_tokenizer_->decode(result.ids);
    result.finished = id == eos_id_;
    if (options.on_token && !options.on_token(produced)) {
      result.cancelled = !result.finished;
      break;
    }
    if (result.finished) break;
  }
  result.text = marian_tokenizer_->decode(result.ids);
  return result;
}

}  // namespace attn
