#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "attn/matrix.h"
#include "attn/text/tokenizer.h"

namespace attn {

/// The vector of one token (1 × d_model): d_model standard normal numbers from the stream
/// named by the token's text under `seed`. A pure function of (text, seed, d_model); the
/// first k entries do not depend on d_model ≥ k.
RowVector embed_token(std::string_view text, std::uint64_t seed, int d_model);

/// Sinusoidal positional encoding (Vaswani et al. 2017, §3.5), n × d_model:
/// PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)).
Matrix positional_encoding(int n, int d_model);

/// X (n × d_model): one embedded token per row, plus the positional encoding when asked.
Matrix embed_tokens(const std::vector<Token>& tokens, std::uint64_t seed, int d_model,
                    bool positions);

}  // namespace attn
