// Peak memory of loading a checkpoint: run in a process of its own (bench/compare_pytorch.py
// does), it calls load_model once and prints the peak resident set (VmHWM from
// /proc/self/status), the resident set after loading, and the checkpoint's size on disk.
//   bench_load_peak FOLDER
// Output: "file_bytes F hwm_before_kb B hwm_kb P rss_kb R ratio P*1024/F".
#include <cstdio>

#include "attn/allocator_tuning.h"
#include "attn/models/model_loader.h"
#include "bench_support.h"

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();  // as the app does
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  const std::int64_t before = attn::bench::proc_status_kb("VmHWM");
  auto model = attn::load_model(argv[1]);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 3;
  }
  const std::int64_t peak = attn::bench::proc_status_kb("VmHWM");
  const std::int64_t rss = attn::bench::proc_status_kb("VmRSS");
  const std::uint64_t file = model.value()->info().file_bytes;
  std::printf("file_bytes %llu hwm_before_kb %lld hwm_kb %lld rss_kb %lld ratio %.3f\n",
              static_cast<unsigned long long>(file), static_cast<long long>(before),
              static_cast<long long>(peak), static_cast<long long>(rss),
              file > 0 ? static_cast<double>(peak) * 1024.0 / static_cast<double>(file) : 0.0);
  return 0;
}
