// Real-model latency: GPT-2 small (12 layers × 12 heads, d_model 768) from a checkpoint folder
// made by bench/make_gpt2_checkpoint.py, named by the environment variable ATTN_BENCH_GPT2.
// BM_Gpt2Forward times one TransformerModel::run (the whole forward pass keeping every layer's
// and head's scores and weights) at 128, 512 and 1024 tokens; BM_Gpt2Load times load_model.
//   /usr/bin/python3 bench/make_gpt2_checkpoint.py /tmp/attnviz-bench-gpt2
//   ATTN_BENCH_GPT2=/tmp/attnviz-bench-gpt2 build/bench/bench_model
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "attn/allocator_tuning.h"
#include "attn/models/model_loader.h"
#include "bench_support.h"

namespace {

// The folder, or an empty string with `why` set.
std::string checkpoint_folder(std::string& why) {
  const char* env = std::getenv("ATTN_BENCH_GPT2");
  if (env == nullptr || *env == '\0') {
    why =
        "ATTN_BENCH_GPT2 is not set: make a checkpoint with bench/make_gpt2_checkpoint.py DIR "
        "and run with ATTN_BENCH_GPT2=DIR";
    return {};
  }
  if (!std::filesystem::is_directory(env)) {
    why = std::string("ATTN_BENCH_GPT2=") + env + ": no such folder";
    return {};
  }
  return env;
}

// Loaded once for every forward benchmark.
const attn::Expected<std::shared_ptr<const attn::TransformerModel>>* shared_model(
    std::string& why) {
  static std::string folder_problem;
  static const std::string folder = checkpoint_folder(folder_problem);
  static const attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      folder.empty() ? attn::Expected<std::shared_ptr<const attn::TransformerModel>>(
                           attn::Error{attn::InputField::Model, folder_problem})
                     : attn::load_model(folder);
  if (!model) why = model.error().message;
  return &model;
}

void BM_Gpt2Forward(benchmark::State& state) {
  std::string why;
  const auto* model = shared_model(why);
  if (!*model) {
    state.SkipWithError(why.c_str());
    return;
  }
  const attn::TransformerModel& gpt2 = *model->value();
  attn::Scenario scenario;
  attn::Expected<std::string> text =
      attn::bench::text_of_tokens(gpt2.tokenizer(), static_cast<int>(state.range(0)));
  if (!text) {
    state.SkipWithError(text.error().message.c_str());
    return;
  }
  scenario.source = text.value();
  attn::Expected<attn::Trace> warm = gpt2.run(scenario);  // page in weights, warm the heap
  if (!warm) {
    state.SkipWithError(warm.error().message.c_str());
    return;
  }
  const auto tokens = static_cast<double>(warm->source_tokens.size());
  warm = attn::Trace{};
  for (auto _ : state) {
    attn::Expected<attn::Trace> trace = gpt2.run(scenario);
    benchmark::DoNotOptimize(trace);
  }
  state.counters["tokens"] = tokens;
  state.counters["threads"] = attn::bench::engine_threads();
}

// Typing one more word at the end of a long text: run_after reuses the previous trace's keys,
// values and rows (what the window does on every keystroke with a decoder).
void BM_Gpt2TypeOneWord(benchmark::State& state) {
  std::string why;
  const auto* model = shared_model(why);
  if (!*model) {
    state.SkipWithError(why.c_str());
    return;
  }
  const attn::TransformerModel& gpt2 = *model->value();
  attn::Expected<std::string> text =
      attn::bench::text_of_tokens(gpt2.tokenizer(), static_cast<int>(state.range(0)));
  if (!text) {
    state.SkipWithError(text.error().message.c_str());
    return;
  }
  attn::Scenario before;
  before.source = text.value();
  attn::Scenario typed = before;
  typed.source += " looking at attention";  // three more tokens
  attn::Expected<attn::Trace> previous = gpt2.run(before);
  if (!previous) {
    state.SkipWithError(previous.error().message.c_str());
    return;
  }
  attn::Expected<attn::Trace> warm = gpt2.run_after(typed, previous.value());  // page faults
  const auto tokens = static_cast<double>(warm ? warm->source_tokens.size() : 0);
  warm = attn::Trace{};
  for (auto _ : state) {
    attn::Expected<attn::Trace> trace = gpt2.run_after(typed, previous.value());
    benchmark::DoNotOptimize(trace);
  }
  state.counters["tokens"] = tokens;
  state.counters["threads"] = attn::bench::engine_threads();
}

void BM_Gpt2Load(benchmark::State& state) {
  std::string why;
  const std::string folder = checkpoint_folder(why);
  if (folder.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  for (auto _ : state) {
    auto model = attn::load_model(folder);
    if (!model) {
      state.SkipWithError(model.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(model);
  }
  state.counters["threads"] = attn::bench::engine_threads();
}

BENCHMARK(BM_Gpt2Forward)
    ->ArgName("tokens")
    ->Arg(128)
    ->Arg(512)
    ->Arg(1024)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Gpt2TypeOneWord)
    ->ArgName("tokens")
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_Gpt2Load)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();  // as the app does
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
