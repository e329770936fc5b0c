// Engine latency: one ToyModel::run with the full Trace, for the sizes the issue names.
// "Warm" reuses the model, as the app does while a person types (its parameters are made
// once per seed and d_model); "Cold" includes making the seeded parameters.
#include <benchmark/benchmark.h>

#include <string>

#include "attn/allocator_tuning.h"
#include "attn/models/toy_model.h"

namespace {

attn::Scenario scenario_of(int n, int d_model, int heads) {
  attn::Scenario s;
  for (int i = 0; i < n; ++i) s.source += "w" + std::to_string(i) + " ";
  s.config.mode = attn::Mode::MultiHead;
  s.config.d_model = d_model;
  s.config.heads = heads;
  return s;
}

void run_and_check(const attn::ToyModel& model, const attn::Scenario& s, benchmark::State& state) {
  attn::Expected<attn::Trace> trace = model.run(s);
  if (!trace) state.SkipWithError(trace.error().message.c_str());
  benchmark::DoNotOptimize(trace);
}

void BM_EngineWarm(benchmark::State& state) {
  const attn::Scenario s =
      scenario_of(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                  static_cast<int>(state.range(2)));
  const attn::ToyModel model;
  run_and_check(model, s, state);  // make the parameters outside the timed loop
  for (auto _ : state) run_and_check(model, s, state);
}

void BM_EngineCold(benchmark::State& state) {
  const attn::Scenario s =
      scenario_of(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
                  static_cast<int>(state.range(2)));
  for (auto _ : state) run_and_check(attn::ToyModel(), s, state);
}

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "d_model", "h"});
  b->Args({16, 64, 4})->Args({128, 256, 8})->Args({512, 512, 8})->Args({1024, 512, 16});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_EngineWarm)->Apply(sizes);
BENCHMARK(BM_EngineCold)->Apply(sizes);

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();  // as the app does
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
