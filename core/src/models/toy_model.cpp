#include "attn/models/toy_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "attn/attention/head_attention.h"
#include "attn/attention/masking.h"
#include "attn/random.h"
#include "attn/text/tokenizer.h"
#include "attn/validation.h"

namespace attn {
namespace {

constexpr std::size_t kCachedParameterSets = 4;

/// rows × cols entries of N(0, scale²), filled row by row from the stream `label`.
Matrix seeded_matrix(std::uint64_t seed, const std::string& label, int rows, int cols,
                     double scale) {
  NormalGenerator normal(stream_seed(seed, label));
  Matrix m(rows, cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) m(r, c) = static_cast<float>(normal.next() * scale);
  return m;
}

std::string input_name(InputField field) {
  return field == InputField::Target ? "Target text" : "Source text";
}

/// Tokens of one input text, or an Error that names that input.
Expected<std::vector<Token>> tokens_of(const std::string& text, InputField field) {
  Expected<std::vector<Token>> tokens = tokenize(text);
  if (!tokens) return Error{field, input_name(field) + ": " + tokens.error().message};
  if (tokens->empty()) {
    return Error{field, input_name(field) + " is empty: type at least one word"};
  }
  if (static_cast<int>(tokens->size()) > kMaxTokens) {
    return Error{field, input_name(field) + " has " + std::to_string(tokens->size()) +
                            " tokens; at most " + std::to_string(kMaxTokens) + " are allowed"};
  }
  return tokens;
}

}  // namespace

ModelParameters make_toy_parameters(std::uint64_t seed, int d_model, int heads,
                                    ScoreFunction score) {
  ModelParameters p;
  const double projection_scale = 1.0 / std::sqrt(static_cast<double>(d_model));
  p.w_q = seeded_matrix(seed, "W_Q", d_model, d_model, projection_scale);
  p.w_k = seeded_matrix(seed, "W_K", d_model, d_model, projection_scale);
  p.w_v = seeded_matrix(seed, "W_V", d_model, d_model, projection_scale);
  p.w_o = seeded_matrix(seed, "W_O", d_model, d_model, projection_scale);
  if (score != ScoreFunction::Additive && score != ScoreFunction::General) return p;

  const int d_k = d_model / heads;
  const double score_scale = 1.0 / std::sqrt(static_cast<double>(d_k));
  p.score.resize(heads);
  for (int h = 0; h < heads; ++h) {
    const std::string suffix = ".head" + std::to_string(h);
    ScoreParameters& s = p.score[h];
    if (score == ScoreFunction::Additive) {
      s.w1 = seeded_matrix(seed, "additive.W1" + suffix, d_k, d_k, score_scale);
      s.w2 = seeded_matrix(seed, "additive.W2" + suffix, d_k, d_k, score_scale);
      s.v = seeded_matrix(seed, "additive.v" + suffix, 1, d_k, score_scale);
    } else {
      s.w = seeded_matrix(seed, "general.W" + suffix, d_k, d_k, score_scale);
    }
  }
  return p;
}

std::shared_ptr<const ModelParameters> ToyModel::parameters(std::uint64_t seed, int d_model,
                                                            int heads, ScoreFunction score) const {
  // Only Additive and General depend on the head count and score function.
  const bool per_head = score == ScoreFunction::Additive || score == ScoreFunction::General;
  const int key_heads = per_head ? heads : 0;
  const ScoreFunction key_score = per_head ? score : ScoreFunction::ScaledDot;

  std::lock_guard<std::mutex> lock(cache_mutex_);
  const auto hit = std::find_if(cache_.begin(), cache_.end(), [&](const CacheEntry& e) {
    return e.seed == seed && e.d_model == d_model && e.heads == key_heads && e.score == key_score;
  });
  if (hit != cache_.end()) {
    std::rotate(hit, hit + 1, cache_.end());  // mark as most recently used
    return cache_.back().parameters;
  }
  auto made =
      std::make_shared<const ModelParameters>(make_toy_parameters(seed, d_model, heads, score));
  if (cache_.size() == kCachedParameterSets) cache_.erase(cache_.begin());
  cache_.push_back({seed, d_model, key_heads, key_score, made});
  return made;
}

Expected<Trace> ToyModel::tokens_and_checks(const Scenario& scenario) const {
  const AttentionConfig& config = scenario.config;
  if (std::optional<Error> problem = validate_settings(config)) return *problem;

  Expected<std::vector<Token>> source = tokens_of(scenario.source, InputField::Source);
  if (!source) return source.error();
  Trace trace;
  trace.scenario = scenario;
  trace.model = info();
  trace.source_tokens = std::move(source).value();
  const bool cross = config.mode == Mode::Cross;
  if (cross) {
    Expected<std::vector<Token>> target = tokens_of(scenario.target, InputField::Target);
    if (!target) return target.error();
    trace.target_tokens = std::move(target).value();
  }
  const int n_q =
      static_cast<int>(trace.tokens(cross ? Sequence::Target : Sequence::Source).size());
  const int n_k = static_cast<int>(trace.source_tokens.size());
  if (std::optional<Error> too_big = validate_size(n_q, n_k, config.effective_heads())) {
    return *too_big;
  }
  if (const std::string problem = check_mask(config.mask, n_q, n_k); !problem.empty()) {
    return Error{InputField::Mask, "Mask: " + problem};
  }
  trace.model.heads = trace.model.kv_heads = config.effective_heads();
  trace.model.d_model = config.d_model;
  trace.model.head_dim = config.d_model / config.effective_heads();
  trace.model.parameters = 4LL * config.d_model * config.d_model;
  return trace;
}

BlockDetail ToyModel::compute(const Trace& trace) const {
  const AttentionConfig& config = trace.scenario.config;
  const bool cross = config.mode == Mode::Cross;
  const int heads = config.effective_heads();
  const int d_k = config.d_model / heads;
  const std::vector<Token>& query_tokens = cross ? trace.target_tokens : trace.source_tokens;
  const int n_q = static_cast<int>(query_tokens.size());
  const int n_k = static_cast<int>(trace.source_tokens.size());

  BlockDetail detail;
  detail.score = config.score;
  detail.temperature = config.temperature;
  detail.mask = config.mask;
  detail.x_key =
      embeddings_.embed(trace.source_tokens, config.seed, config.d_model, config.positions);
  detail.x_query =
      cross ? embeddings_.embed(query_tokens, config.seed, config.d_model, config.positions)
            : detail.x_key;
  detail.toy_parameters = parameters(config.seed, config.d_model, heads, config.score);
  const ModelParameters& p = *detail.toy_parameters;
  detail.score_parameters = p.score;

  Matrix q(n_q, config.d_model), k(n_k, config.d_model), v(n_k, config.d_model);
  q.noalias() = detail.x_query * p.w_q;
  k.noalias() = detail.x_key * p.w_k;
  v.noalias() = detail.x_key * p.w_v;

  HeadSettings settings;
  settings.score = config.score;
  settings.temperature = config.temperature;
  settings.mask = config.mask.kind == MaskKind::None ? nullptr : &config.mask;
  const ScoreParameters no_score_parameters;

  detail.head.resize(heads);
  detail.concat.resize(n_q, config.d_model);
  // Heads are independent: spread them over the cores. With one head, Eigen's own GEMMs use
  // the cores instead (they run single-threaded inside a parallel region).
#pragma omp parallel for schedule(dynamic) if (heads > 1)
  for (int h = 0; h < heads; ++h) {
    const ScoreParameters& score_params = p.score.empty() ? no_score_parameters : p.score[h];
    detail.head[h] = attend_head(q.middleCols(h * d_k, d_k), k.middleCols(h * d_k, d_k),
                                 v.middleCols(h * d_k, d_k), score_params, settings);
    detail.concat.middleCols(h * d_k, d_k) = detail.head[h].output;
  }
  detail.output.resize(n_q, config.d_model);
  detail.output.noalias() = detail.concat * p.w_o;
  return detail;
}

Expected<Trace> ToyModel::run(const Scenario& scenario) const {
  Expected<Trace> checked = tokens_and_checks(scenario);
  if (!checked) return checked.error();
  Trace trace = std::move(checked).value();
  BlockDetail detail = compute(trace);

  const bool cross = scenario.config.mode == Mode::Cross;
  AttentionBlock block;
  block.name = "attention";
  block.kind = cross ? BlockKind::Cross : BlockKind::Self;
  block.queries = cross ? Sequence::Target : Sequence::Source;
  block.keys = Sequence::Source;
  block.head.resize(detail.head.size());
  for (std::size_t h = 0; h < detail.head.size(); ++h) {
    block.head[h].scores = std::move(detail.head[h].scores);
    block.head[h].weights = std::move(detail.head[h].weights);
    block.kv_head.push_back(static_cast<int>(h));
  }
  trace.blocks.push_back(std::move(block));
  trace.made_by = self();
  return trace;
}

Expected<BlockDetail> ToyModel::explain(const Trace& trace, int block) const {
  if (block != 0 || trace.blocks.size() != 1) {
    return Error{InputField::Layer, "The toy model has one attention block (block 0)"};
  }
  return compute(trace);
}

ModelInfo ToyModel::info() const {
  ModelInfo model;
  model.family = Family::Toy;
  model.name = "Toy model (seeded)";
  model.layers = 1;
  model.max_tokens = kMaxTokens;
  model.dtype = "F32";
  return model;
}

Expected<Trace> run(const Scenario& scenario) {
  return std::make_shared<const ToyModel>()->run(scenario);
}

}  // namespace attn
