#include "attn/trace_views.h"

namespace attn {
namespace {

std::vector<std::string> texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const Token& token : tokens) out.push_back(token.text);
  return out;
}

}  // namespace

Matrix mean_weights(const Trace& trace) {
  Matrix mean = Matrix::Zero(trace.n_q(), trace.n_k());
  if (trace.head.empty()) return mean;
  for (const HeadTrace& head : trace.head) mean += head.weights;
  mean /= static_cast<float>(trace.head.size());
  return mean;
}

std::vector<std::string> query_labels(const Trace& trace) { return texts(trace.query_tokens); }
std::vector<std::string> key_labels(const Trace& trace) { return texts(trace.key_tokens); }

}  // namespace attn
