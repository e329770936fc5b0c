#pragma once

#include <cstdio>

#include "attn/trace.h"

namespace attn {

/// Writes a one-line summary of the settings and, per head, the n_q × n_k weight table
/// (query tokens down the side, key tokens across the top) as aligned text.
void print_weights(const Trace& trace, std::FILE* out);

}  // namespace attn
