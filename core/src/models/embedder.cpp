#include "attn/models/embedder.h"

#include <cmath>
#include <string>

#include "attn/random.h"

namespace attn {

RowVector embed_token(std::string_view text, std::uint64_t seed, int d_model) {
  NormalGenerator normal(stream_seed(seed, std::string("token:").append(text)));
  RowVector vector(d_model);
  for (int i = 0; i < d_model; ++i) vector[i] = static_cast<float>(normal.next());
  return vector;
}

Matrix positional_encoding(int n, int d_model) {
  Matrix pe(n, d_model);
  for (int i = 0; i < d_model; i += 2) {
    // Computed in double so the table is the same whatever float maths the compiler picks.
    const double frequency = std::pow(10000.0, -static_cast<double>(i) / d_model);
    for (int pos = 0; pos < n; ++pos) {
      pe(pos, i) = static_cast<float>(std::sin(pos * frequency));
      if (i + 1 < d_model) pe(pos, i + 1) = static_cast<float>(std::cos(pos * frequency));
    }
  }
  return pe;
}

Matrix embed_tokens(const std::vector<Token>& tokens, std::uint64_t seed, int d_model,
                    bool positions) {
  const int n = static_cast<int>(tokens.size());
  Matrix x(n, d_model);
  for (int row = 0; row < n; ++row) x.row(row) = embed_token(tokens[row].text, seed, d_model);
  if (positions) x += positional_encoding(n, d_model);
  return x;
}

}  // namespace attn
