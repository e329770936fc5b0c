#include "attn/threading.h"

#include <omp.h>

namespace attn {

// nthreads-var is a per-thread ICV: this changes the calling thread's parallel regions only, and
// Eigen's GEMM asks omp_get_max_threads() on the thread that calls it.
void use_only_this_thread_for_engine_runs() { omp_set_num_threads(1); }

}  // namespace attn
