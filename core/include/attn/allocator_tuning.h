#pragma once

namespace attn {

/// Asks the C library to keep freed memory for reuse instead of returning large blocks to the
/// operating system. A trace holds 2·h·n_q·n_k floats (128 MiB at n = 1024, h = 16); without
/// this, every recompute page-faults that memory in afresh, which costs more than the maths.
/// Process-wide, so an executable (app, benchmark) calls it once at start. No-op off glibc.
void keep_freed_memory_for_reuse();

}  // namespace attn
