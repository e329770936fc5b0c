#include "attn/models/transformer_model.h"

#include <limits>

#include "attn/attention/head_attention.h"
#include "attn/text/utf8.h"

namespace attn {

Expected<std::vector<Token>> TransformerModel::model_tokens(const Scenario& scenario) const {
  Expected<std::vector<Token>> tokens = tokenizer_->encode(scenario.source);
  if (!tokens) return Error{InputField::Source, "Source text: " + tokens.error().message};
  if (tokens->empty()) return Error{InputField::Source, "Source text is empty: type some text"};
  return tokens;
}

Expected<RowVector> TransformerModel::next_token_logits(const std::vector<int>&) const {
  return Error{InputField::Model, info_.name + " is not a decoder: it predicts no next token"};
}

std::optional<Error> TransformerModel::check_tokens(const std::vector<Token>& tokens,
                                                    InputField field) const {
  const int n = static_cast<int>(tokens.size());
  if (config_.max_positions > 0 && n > config_.max_positions) {
    return Error{field, "The text is " + std::to_string(n) + " tokens long (special tokens " +
                            "included); " + info_.name + " reads at most " +
                            std::to_string(config_.max_positions)};
  }
  for (const Token& token : tokens) {
    if (token.id < 0 || token.id >= config_.vocab_size) {
      return Error{field, "token \"" + token.text + "\" has id " + std::to_string(token.id) +
                              ", outside the model's vocabulary of " +
                              std::to_string(config_.vocab_size) +
                              ": the tokenizer does not belong to this model"};
    }
  }
  return std::nullopt;
}

Expected<std::vector<Token>> TransformerModel::tokens_of_ids(const std::vector<int>& ids) const {
  if (ids.empty()) return Error{InputField::Source, "no tokens to predict from"};
  std::vector<Token> tokens(ids.size());
  for (std::size_t t = 0; t < ids.size(); ++t) tokens[t].id = ids[t];
  if (std::optional<Error> problem = check_tokens(tokens, InputField::Source)) return *problem;
  return tokens;
}

Expected<Translation> TransformerModel::translate(const std::string&,
                                                  const TranslateOptions&) const {
  return Error{InputField::Model, info_.name + " is not a translation model"};
}

Expected<std::vector<int>> TransformerModel::generate_greedy(std::vector<int> prompt, int steps,
                                                             const std::vector<int>& stop) const {
  for (int step = 0; step < steps; ++step) {
    Expected<RowVector> logits = next_token_logits(prompt);
    if (!logits) return logits.error();
    Eigen::Index best = 0;
    logits->maxCoeff(&best);  // the first maximum, as argmax in llama2.c and PyTorch
    prompt.push_back(static_cast<int>(best));
    for (int id : stop) {
      if (id == best) return prompt;
    }
  }
  return prompt;
}

const Matrix& ForwardCapture::keys_for(int layer, const MatrixRef& fresh, bool values) {
  Matrix* all = values ? &scratch_v_ : &scratch_k_;
  if (present != nullptr) {
    std::vector<Matrix>& kept = values ? present->v : present->k;
    if (static_cast<int>(kept.size()) <= layer) kept.resize(layer + 1);
    all = &kept[layer];
  }
  const Matrix* earlier = start > 0 ? &(values ? past->v : past->k).at(layer) : nullptr;
  if (earlier == all) {
    all->conservativeResize(start + fresh.rows(), fresh.cols());  // a translator's own state
  } else {
    all->resize(start + fresh.rows(), fresh.cols());
    if (earlier != nullptr) all->topRows(start) = earlier->topRows(start);
  }
  all->bottomRows(fresh.rows()) = fresh;
  return *all;
}

Expected<Trace> TransformerModel::run(const Scenario& scenario) const {
  Expected<std::vector<Token>> tokens = model_tokens(scenario);
  if (!tokens) return tokens.error();
  if (std::optional<Error> problem = check_tokens(tokens.value(), InputField::Source)) {
    return *problem;
  }
  Trace trace;
  trace.scenario = scenario;
  trace.model = info_;
  trace.source_tokens = std::move(tokens).value();
  ForwardCapture capture;
  capture.weights_only = true;  // a trace shows no hidden states
  auto state = std::make_shared<KeyValueState>();
  if (causal()) capture.present = state.get();
  forward(trace.source_tokens, capture);
  trace.blocks = std::move(capture.blocks);
  trace.made_by = self();
  if (causal()) trace.model_state = std::move(state);
  return trace;
}

Expected<Trace> TransformerModel::run_after(const Scenario& scenario, const Trace& previous) const {
  const auto* past = dynamic_cast<const KeyValueState*>(previous.model_state.get());
  if (!causal() || past == nullptr || previous.made_by.get() != this) return run(scenario);
  Expected<std::vector<Token>> tokens = model_tokens(scenario);
  if (!tokens) return tokens.error();
  if (std::optional<Error> problem = check_tokens(tokens.value(), InputField::Source)) {
    return *problem;
  }
  // Rows of tokens both runs share at the start are unchanged under a causal mask.
  const std::vector<Token>& before = previous.source_tokens;
  const int n = static_cast<int>(tokens->size());
  int shared = 0;
  while (shared < n && shared < static_cast<int>(before.size()) &&
         before[shared].id == (*tokens)[shared].id) {
    ++shared;
  }
  shared = std::min(shared, n - 1);  // at least one row is computed
  if (shared == 0 || static_cast<int>(previous.blocks.size()) != config_.n_layers) {
    return run(scenario);
  }

  Trace trace;
  trace.scenario = scenario;
  trace.model = info_;
  trace.source_tokens = std::move(tokens).value();
  auto state = std::make_shared<KeyValueState>();
  ForwardCapture capture;
  capture.weights_only = true;
  capture.start = shared;
  capture.past = past;
  capture.present = state.get();
  forward(trace.source_tokens, capture);

  // Each block: the previous run's first `shared` rows (their new columns are hidden by the
  // causal mask), then the rows computed now. Bound by memory bandwidth, which two cores have
  // more of than one (144 heads at 500 tokens: 11.9 ms on one, 8.3 on two). Copying only each
  // earlier row's unmasked part (i + 1 weights of row i) moves fewer bytes but took 18 ms.
  const int fresh = n - shared;
  std::vector<std::pair<int, int>> heads;
  for (std::size_t b = 0; b < capture.blocks.size(); ++b) {
    for (int h = 0; h < capture.blocks[b].heads(); ++h) heads.emplace_back(int(b), h);
  }
  // Allocated here, not on the team's threads: glibc gives each thread its own arena, and a
  // worker's arena hands freed memory back to the kernel, so every keystroke page-faulted
  // tens of megabytes in again.
  std::vector<Matrix> whole(heads.size());
  for (Matrix& m : whole) m.resize(n, n);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const auto [b, h] = heads[i];
    const Matrix& old = previous.blocks[b].head[h].weights;
    whole[i].topLeftCorner(shared, shared) = old.topLeftCorner(shared, shared);
    whole[i].topRightCorner(shared, fresh).setZero();
    whole[i].bottomRows(fresh) = capture.blocks[b].head[h].weights;
  }
  for (std::size_t i = 0; i < heads.size(); ++i) {
    capture.blocks[heads[i].first].head[heads[i].second].weights = std::move(whole[i]);
  }
  trace.blocks = std::move(capture.blocks);
  trace.made_by = self();
  trace.model_state = std::move(state);
  return trace;
}

Expected<BlockDetail> TransformerModel::explain(const Trace& trace, int block) const {
  if (block < 0 || block >= static_cast<int>(trace.blocks.size())) {
    return Error{InputField::Layer, "There is no block " + std::to_string(block)};
  }
  ForwardCapture capture;
  capture.keep_weights = false;
  capture.explain_block = block;
  forward(trace.source_tokens, capture);
  capture.detail.block = block;
  return std::move(capture.detail);
}

void note_unused_and_non_finite(const WeightReader& read, const std::vector<std::string>& ignorable,
                                ModelInfo& card) {
  card.parameters = read.parameters_read();
  for (const std::string& name : read.unexpected(ignorable)) {
    card.warnings.push_back("unused tensor " + name);
  }
  if (read.non_finite() > 0) {
    card.warnings.push_back(std::to_string(read.non_finite()) +
                            " weights are NaN or infinite: the attention shown may be NaN");
  }
}

Matrix attend_heads(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v, int heads,
                    int kv_heads, bool causal, const std::string& name, int layer,
                    ForwardCapture& capture) {
  const int d_head = static_cast<int>(q.cols()) / heads;
  const int group = heads / kv_heads;
  const bool explaining = capture.next_block++ == capture.explain_block;
  MaskSpec mask;
  mask.kind = causal ? MaskKind::Causal : MaskKind::None;
  HeadSettings settings;
  settings.score = ScoreFunction::ScaledDot;
  settings.mask = causal ? &mask : nullptr;
  settings.causal_offset = capture.start;
  const ScoreParameters none;

  std::vector<HeadDetail> head(heads);
  Matrix concat(q.rows(), q.cols());
  // Heads are independent: spread them over the cores, but only when there is enough work to
  // pay for waking the team (a millisecond or so): on a loaded two-core machine a small
  // parallel region waits for a descheduled thread far longer than its work takes.
  const double work = double(heads) * double(q.rows()) * double(k.rows()) * double(d_head);
  const bool parallel = heads > 1 && work >= 4e6;
#pragma omp parallel for schedule(dynamic) if (parallel)
  for (int h = 0; h < heads; ++h) {
    const int g = h / group;
    const auto q_h = q.middleCols(h * d_head, d_head);
    const auto k_g = k.middleCols(g * d_head, d_head);
    const auto v_g = v.middleCols(g * d_head, d_head);
    // Decoders skip the masked half of every product (and their copies unless explaining).
    head[h] = causal ? attend_causal_head(q_h, k_g, v_g, capture.start, explaining)
                     : attend_head(q_h, k_g, v_g, none, settings);
    concat.middleCols(h * d_head, d_head) = head[h].output;
  }
  if (capture.keep_weights) {
    AttentionBlock block;
    block.name = name;
    block.layer = layer;
    block.head.resize(heads);
    for (int h = 0; h < heads; ++h) {
      // The explained layer keeps its own copies in the detail; the others give theirs away.
      block.head[h].weights = explaining ? head[h].weights : std::move(head[h].weights);
      block.kv_head.push_back(h / group);
    }
    capture.blocks.push_back(std::move(block));
  }
  if (explaining) {
    capture.detail.head = std::move(head);
    capture.detail.concat = concat;
    capture.detail.score = ScoreFunction::ScaledDot;
    capture.detail.mask = mask;
  }
  return concat;
}

}  // namespace attn
