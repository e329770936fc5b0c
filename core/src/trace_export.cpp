#include "attn/trace_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

void append_config(std::string& out, const Trace& trace) {
  const AttentionConfig& config = trace.scenario.config;
  out += "{\"mode\":";
  append_json_string(out, std::string(to_string(config.mode)));
  out += ",\"heads\":" + std::to_string(trace.heads);
  out += ",\"d_model\":" + std::to_string(config.d_model);
  out += ",\"d_k\":" + std::to_string(trace.d_k);
  out += ",\"seed\":" + std::to_string(config.seed);
  out += ",\"score\":";
  append_json_string(out, std::string(to_string(config.score)));
  out += ",\"temperature\":";
  append_float(out, config.temperature);
  out += ",\"mask\":";
  append_json_string(out, std::string(to_string(config.mask.kind)));
  out += ",\"positions\":";
  out += config.positions ? "true" : "false";
  out += ",\"source\":";
  append_json_string(out, trace.scenario.source);
  out += ",\"target\":";
  append_json_string(out, trace.scenario.target);
  out += '}';
}

void append_score_parameters(std::string& out, const Trace& trace) {
  const ScoreFunction score = trace.scenario.config.score;
  out += "{\"function\":";
  append_json_string(out, std::string(to_string(score)));
  out += ",\"heads\":[";
  const auto& per_head = trace.parameters->score;
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
  out += "{\"format\":\"attnviz-trace\",\"version\":1,\n\"config\":";
  append_config(out, trace);
  out += ",\n\"tokens\":{\"query\":";
  append_strings(out, query_labels(trace));
  out += ",\"key\":";
  append_strings(out, key_labels(trace));
  out += '}';
  append_member(out, "x_query", trace.x_query);
  append_member(out, "x_key", trace.x_key);
  const ModelParameters& p = *trace.parameters;
  append_member(out, "w_q", p.w_q);
  append_member(out, "w_k", p.w_k);
  append_member(out, "w_v", p.w_v);
  append_member(out, "w_o", p.w_o);
  out += ",\n\"score_params\":";
  append_score_parameters(out, trace);
  out += ",\n\"heads\":[";
  for (std::size_t i = 0; i < trace.head.size(); ++i) {
    const HeadTrace& head = trace.head[i];
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
  append_member(out, "concat", trace.concat);
  append_member(out, "output", trace.output);
  out += "}\n";
  return out;
}

std::uint64_t trace_json_numbers(const AttentionConfig& config, int n_q, int n_k) {
  const std::uint64_t h = std::uint64_t(config.effective_heads());
  const std::uint64_t d = std::uint64_t(std::max(config.d_model, 0));
  const std::uint64_t d_k = h > 0 ? d / h : 0;
  const std::uint64_t q = std::uint64_t(n_q), k = std::uint64_t(n_k);
  std::uint64_t score_parameters = 0;
  if (config.score == ScoreFunction::Additive) score_parameters = h * (2 * d_k * d_k + d_k);
  if (config.score == ScoreFunction::General) score_parameters = h * d_k * d_k;
  return (5 * q + 3 * k) * d + 2 * h * q * k + 4 * d * d + score_parameters;
}

}  // namespace attn
