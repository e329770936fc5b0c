#pragma once

namespace attn {

/// Makes engine runs started from the calling thread use that thread alone (no OpenMP team,
/// no Eigen GEMM threads). For a UI thread running small inputs: a team's threads spin after
/// each parallel region and, on a two-core machine, take the CPU the redraw needs. Other threads
/// keep using every core.
void use_only_this_thread_for_engine_runs();

}  // namespace attn
