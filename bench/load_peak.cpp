// Peak memory of loading a checkpoint: run in a process of its own (bench/compare_pytorch.py
// does), it calls load_model once and prints the peak resident set (VmHWM from
// /proc/self/status), the resident set after loading, and the checkpoint's size on disk.
//   bench_load_peak FOLDER [--tokenizer-only]
// Output: "file_bytes F weight_bytes W hwm_before_kb B hwm_kb P rss_kb R ratio P*1024/F"
// (W: the float32 parameters the model holds). --tokenizer-only loads just the folder's
// tokenizer and prints "tokenizer_rss_kb T rss_before_kb B", to tell its share apart.
#include <cstdio>
#include <string>

#include "attn/allocator_tuning.h"
#include "attn/models/model_loader.h"
#include "bench_support.h"

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();  // as the app does
  const bool tokenizer_only = argc == 3 && std::string(argv[2]) == "--tokenizer-only";
  if (argc != 2 && !tokenizer_only) {
    std::fprintf(stderr, "usage: %s FOLDER [--tokenizer-only]\n", argv[0]);
    return 2;
  }
  if (tokenizer_only) {
    const std::int64_t rss_before = attn::bench::proc_status_kb("VmRSS");
    auto tokenizer = attn::load_tokenizer(argv[1]);
    if (!tokenizer) {
      std::fprintf(stderr, "%s\n", tokenizer.error().message.c_str());
      return 3;
    }
    std::printf("tokenizer_rss_kb %lld rss_before_kb %lld\n",
                static_cast<long long>(attn::bench::proc_status_kb("VmRSS")),
                static_cast<long long>(rss_before));
    return 0;
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
  const auto weights = static_cast<unsigned long long>(model.value()->info().parameters) * 4;
  std::printf(
      "file_bytes %llu weight_bytes %llu hwm_before_kb %lld hwm_kb %lld rss_kb %lld ratio %.3f\n",
      static_cast<unsigned long long>(file), weights, static_cast<long long>(before),
      static_cast<long long>(peak), static_cast<long long>(rss),
      file > 0 ? static_cast<double>(peak) * 1024.0 / static_cast<double>(file) : 0.0);
  return 0;
}
