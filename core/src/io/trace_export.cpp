#include "attn/io/trace_export.h"

#include "attn/attention/masking.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/models/attention_model.h"
#include "attn/trace_views.h"

namespace attn {
namespace {

// %.9g is the shortest printf format that round-trips every float (FLT_DECIMAL_DIG = 9).
void append_float(std::string& out, float value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  out += buffer;
}

void append_csv_field(std::string& out, const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_json_string(std::string& out, const std::string& text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through: the tokenizer validated it
        }
    }
  }
  out += '"';
}

void append_matrix(std::string& out, const MatrixRef& m) {
  out += '[';
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    out += r == 0 ? "[" : ",\n  [";
    for (Eigen::Index c = 0; c < m.cols(); ++c) {
      if (c > 0) out += ',';
      append_float(out, m(r, c));
    }
    out += ']';
  }
  out += ']';
}

// ",\n"name":[[...]]": one named matrix member after an earlier one.
void append_member(std::string& out, const char* name, const MatrixRef& m) {
  out += ",\n\"";
  out += name;
  out += "\":";
  append_matrix(out, m);
}

void append_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

// The keys a padding mask hides, or the cells a custom mask hides ([query, key], 0-based), of
// the first block's shape (the toy model has one block; real models take no mask).
void append_mask_positions(std::string& out, const Trace& trace) {
  const MaskSpec& mask = trace.scenario.config.mask;
  if (trace.blocks.empty()) return;
  const int n_q = trace.blocks.front().n_q();
  const int n_k = trace.blocks.front().n_k();
  if (mask.kind == MaskKind::Padding) {
    out += ",\"hidden_keys\":[";
    const std::vector<int> hidden = hidden_key_positions(mask, n_k);
    for (std::size_t i = 0; i < hidden.size(); ++i)
      out += (i ? "," : "") + std::to_string(hidden[i]);
    out += ']';
  }
  if (mask.kind == MaskKind::Custom) {
    out += ",\"hidden_cells\":[";
    const BoolMatrix visible = visible_cells(mask, n_q, n_k);
    bool first = true;
    for (int i = 0; i < n_q; ++i)
      for (int j = 0; j < n_k; ++j)
        if (!visible(i, j)) {
          out += (first ? "[" : ",[") + std::to_string(i) + "," + std::to_string(j) + "]";
          first = false;
        }
    out += ']';
  }
}

void append_config(std::string& out, const Trace& trace) {
  const AttentionConfig& config = trace.scenario.config;
  out += "{\"mode\":";
  append_json_string(out, std::string(to_string(config.mode)));
  out += ",\"heads\":" + std::to_string(trace.model.heads);
  out += ",\"d_model\":" + std::to_string(trace.model.d_model);
  out += ",\"d_k\":" + std::to_string(trace.model.head_dim);
  out += ",\"seed\":" + std::to_string(config.seed);
  out += ",\"score\":";
  append_json_string(out, std::string(to_string(config.score)));
  out += ",\"temperature\":";
  append_float(out, config.temperature);
  out += ",\"mask\":";
  append_json_string(out, std::string(to_string(config.mask.kind)));
  append_mask_positions(out, trace);
  out += ",\"positions\":";
  out += config.positions ? "true" : "false";
  out += ",\"source\":";
  append_json_string(out, trace.scenario.source);
  out += ",\"target\":";
  append_json_string(out, trace.scenario.target);
  out += '}';
}

void append_score_parameters(std::string& out, const BlockDetail& detail) {
  const ScoreFunction score = detail.score;
  out += "{\"function\":";
  append_json_string(out, std::string(to_string(score)));
  out += ",\"heads\":[";
  const auto& per_head = detail.score_parameters;
  for (std::size_t i = 0; i < per_head.size(); ++i) {
    if (i > 0) out += ",\n";
    if (score == ScoreFunction::Additive) {
      out += "{\"w1\":";
      append_matrix(out, per_head[i].w1);
      out += ",\"w2\":";
      append_matrix(out, per_head[i].w2);
      out += ",\"v\":";
      append_matrix(out, per_head[i].v);
      out += '}';
    } else {
      out += "{\"w\":";
      append_matrix(out, per_head[i].w);
      out += '}';
    }
  }
  out += "]}";
}

void append_ids(std::string& out, const std::vector<Token>& tokens) {
  out += '[';
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(tokens[i].id);
  }
  out += ']';
}

void append_token_texts(std::string& out, const std::vector<Token>& tokens) {
  std::vector<std::string> texts;
  texts.reserve(tokens.size());
  for (const Token& token : tokens) texts.push_back(token.text);
  append_strings(out, texts);
}

void append_model(std::string& out, const ModelInfo& model) {
  out += "{\"family\":";
  append_json_string(out, std::string(to_string(model.family)));
  out += ",\"name\":";
  append_json_string(out, model.name);
  out += ",\"layers\":" + std::to_string(model.layers);
  out += ",\"heads\":" + std::to_string(model.heads);
  out += ",\"kv_heads\":" + std::to_string(model.kv_heads);
  out += ",\"d_model\":" + std::to_string(model.d_model);
  out += ",\"vocab_size\":" + std::to_string(model.vocab_size);
  out += ",\"path\":";
  append_json_string(out, model.path);
  out += '}';
}

void append_block(std::string& out, const AttentionBlock& block) {
  out += "\n{\"name\":";
  append_json_string(out, block.name);
  out += ",\"layer\":" + std::to_string(block.layer);
  out += ",\"kind\":";
  out += block.kind == BlockKind::Cross ? "\"cross\"" : "\"self\"";
  out += ",\"queries\":";
  out += block.queries == Sequence::Target ? "\"target\"" : "\"source\"";
  out += ",\"keys\":";
  out += block.keys == Sequence::Target ? "\"target\"" : "\"source\"";
  out += ",\"kv_heads\":[";
  for (std::size_t h = 0; h < block.kv_head.size(); ++h) {
    if (h > 0) out += ',';
    out += std::to_string(block.kv_head[h]);
  }
  out += "],\"heads\":[";
  for (std::size_t h = 0; h < block.head.size(); ++h) {
    out += h == 0 ? "\n{\"weights\":" : ",\n{\"weights\":";
    append_matrix(out, block.head[h].weights);
    out += '}';
  }
  out += "]}";
}

// The toy model's whole computation (version 1's members), recomputed by the model that made
// the trace: X, the projections, score parameters, and every head's Q, K, V, scores, weights
// and output.
void append_toy_detail(std::string& out, const Trace& trace) {
  Expected<BlockDetail> explained = explain_block(trace, 0);
  if (!explained || !explained->toy_parameters) return;
  const BlockDetail& detail = explained.value();
  append_member(out, "x_query", detail.x_query);
  append_member(out, "x_key", detail.x_key);
  const ModelParameters& p = *detail.toy_parameters;
  append_member(out, "w_q", p.w_q);
  append_member(out, "w_k", p.w_k);
  append_member(out, "w_v", p.w_v);
  append_member(out, "w_o", p.w_o);
  out += ",\n\"score_params\":";
  append_score_parameters(out, detail);
  out += ",\n\"heads\":[";
  for (std::size_t i = 0; i < detail.head.size(); ++i) {
    const HeadDetail& head = detail.head[i];
    out += i == 0 ? "\n{" : ",\n{";
    out += "\"q\":";
    append_matrix(out, head.q);
    append_member(out, "k", head.k);
    append_member(out, "v", head.v);
    append_member(out, "scores", head.scores);
    append_member(out, "weights", head.weights);
    append_member(out, "output", head.output);
    out += '}';
  }
  out += ']';
  append_member(out, "concat", detail.concat);
  append_member(out, "output", detail.output);
}

}  // namespace

std::string matrix_to_csv(const MatrixRef& values, const std::vector<std::string>& row_labels,
                          const std::vector<std::string>& column_labels) {
  std::string out;
  append_csv_field(out, "query \\ key");
  for (const std::string& label : column_labels) {
    out += ',';
    append_csv_field(out, label);
  }
  out += "\r\n";
  for (Eigen::Index r = 0; r < values.rows(); ++r) {
    append_csv_field(out, static_cast<std::size_t>(r) < row_labels.size() ? row_labels[r] : "");
    for (Eigen::Index c = 0; c < values.cols(); ++c) {
      out += ',';
      append_float(out, values(r, c));
    }
    out += "\r\n";
  }
  return out;
}

std::string trace_to_json(const Trace& trace) {
  std::string out;
  out += "{\"format\":\"attnviz-trace\",\"version\":2,\n\"config\":";
  append_config(out, trace);
  out += ",\n\"model\":";
  append_model(out, trace.model);
  const int shown = default_block(trace);
  out += ",\n\"tokens\":{\"query\":";
  append_strings(
      out, shown >= 0 ? query_labels(trace, trace.blocks[shown]) : std::vector<std::string>{});
  out += ",\"key\":";
  append_strings(out,
                 shown >= 0 ? key_labels(trace, trace.blocks[shown]) : std::vector<std::string>{});
  out += ",\"source\":";
  append_token_texts(out, trace.source_tokens);
  out += ",\"target\":";
  append_token_texts(out, trace.target_tokens);
  out += "},\n\"token_ids\":{\"query\":";
  append_ids(out, shown >= 0 ? trace.query_tokens(trace.blocks[shown]) : std::vector<Token>{});
  out += ",\"key\":";
  append_ids(out, shown >= 0 ? trace.key_tokens(trace.blocks[shown]) : std::vector<Token>{});
  if (!trace.target_tokens.empty() && trace.model.family != Family::Toy) {
    // An encoder–decoder: each block's "queries" and "keys" name one of these.
    out += ",\"source\":";
    append_ids(out, trace.source_tokens);
    out += ",\"target\":";
    append_ids(out, trace.target_tokens);
  }
  out += '}';
  if (trace.model.family == Family::Toy) append_toy_detail(out, trace);
  out += ",\n\"blocks\":[";
  for (std::size_t b = 0; b < trace.blocks.size(); ++b) {
    if (b > 0) out += ',';
    append_block(out, trace.blocks[b]);
  }
  out += "]}\n";
  return out;
}

std::uint64_t trace_json_numbers(const Trace& trace) {
  const int shown = default_block(trace);
  const int n_q = shown >= 0 ? trace.blocks[shown].n_q() : 0;
  const int n_k = shown >= 0 ? trace.blocks[shown].n_k() : 0;
  if (trace.model.family == Family::Toy) return trace_json_numbers(trace.scenario.config, n_q, n_k);
  std::uint64_t numbers = std::uint64_t(n_q) + std::uint64_t(n_k);
  for (const AttentionBlock& block : trace.blocks) {
    const std::uint64_t h = std::uint64_t(block.heads());
    numbers += h * std::uint64_t(block.n_q()) * std::uint64_t(block.n_k()) + h;
  }
  return numbers;
}

std::uint64_t trace_json_numbers(const AttentionConfig& config, int n_q, int n_k) {
  const std::uint64_t h = std::uint64_t(config.effective_heads());
  const std::uint64_t d = std::uint64_t(std::max(config.d_model, 0));
  const std::uint64_t d_k = h > 0 ? d / h : 0;
  const std::uint64_t q = std::uint64_t(n_q), k = std::uint64_t(n_k);
  std::uint64_t score_parameters = 0;
  if (config.score == ScoreFunction::Additive) score_parameters = h * (2 * d_k * d_k + d_k);
  if (config.score == ScoreFunction::General) score_parameters = h * d_k * d_k;
  // Version 1's members, then the blocks' weights (h·n_q·n_k), their kv_heads (h) and the
  // token ids (n_q + n_k).
  return (5 * q + 3 * k) * d + 2 * h * q * k + 4 * d * d + score_parameters + h * q * k + h + q + k;
}

}  // namespace attn
