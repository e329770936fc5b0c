// The attnviz side of bench/compare_pytorch.py: loads a GPT-2 folder, times
// TransformerModel::run (every layer's and head's weights kept) at the given token counts, and
// writes what the comparison needs as .npy files.
//   bench_model_forward FOLDER [--tokens 128,512,1024] [--repeats 7] [--dump DIR]
//                              [--dump-tokens 128] [--breakdown N] [--serve]
// Prints "load_ms L", "threads T", then one line per token count:
// "tokens N ms_median M ms_min m threads T runs t1,t2,...".
// --serve reads requests "N R" (R timed runs at N tokens) from stdin, one a line, and answers
// each with such a line, so that a script can alternate attnviz and PyTorch on a loaded machine
// while the model stays loaded.
// --dump DIR writes ids_<N>.npy (int32) for every N, and for N = --dump-tokens the weights of
// block 0 head 0 and of the last block's last head (attn_<N>_first.npy, attn_<N>_last.npy).
// --breakdown N times the pieces of one GPT-2-small forward at N tokens (layer norms, the four
// matrix products, attention with its weights kept, GELU), with the engine's own functions on
// inputs of the same shapes, to show where the time goes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "attn/allocator_tuning.h"
#include "attn/attention/transformer_ops.h"
#include "attn/models/model_loader.h"
#include "bench_support.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::atoi(item.c_str()));
  return out;
}

attn::Matrix filled(int rows, int cols, float scale) {
  attn::Matrix m = attn::Matrix::Random(rows, cols);
  m *= scale;
  return m;
}

// One GPT-2-small forward's pieces, 12 layers, each summed over the layers.
void breakdown(int n, int repeats) {
  const int D = 768, F = 3072, H = 12, L = 12;
  const attn::Matrix w_attn = filled(D, 3 * D, 0.02f), w_proj = filled(D, D, 0.02f);
  const attn::Matrix w_fc = filled(D, F, 0.02f), w_fc_proj = filled(F, D, 0.02f);
  const attn::RowVector ones = attn::RowVector::Ones(D), zeros = attn::RowVector::Zero(D);
  const attn::RowVector b3 = attn::RowVector::Zero(3 * D), bf = attn::RowVector::Zero(F);
  const attn::Matrix x = filled(n, D, 1.0f);
  std::map<std::string, std::vector<double>> times;
  for (int r = 0; r <= repeats; ++r) {
    std::map<std::string, double> sum;
    attn::ForwardCapture capture;
    const auto total = Clock::now();
    for (int layer = 0; layer < L; ++layer) {
      auto t = Clock::now();
      const attn::Matrix a = attn::layer_norm(x, ones, zeros, 1e-5f);
      sum["layer_norm x2"] += 2 * ms_since(t);
      t = Clock::now();
      const attn::Matrix qkv = attn::linear_in_out(a, w_attn, b3);
      sum["c_attn  n x 768 . 768 x 2304"] += ms_since(t);
      t = Clock::now();
      const attn::Matrix heads =
          attn::attend_heads(qkv.leftCols(D), qkv.middleCols(D, D), qkv.rightCols(D), H, H, true,
                             "h." + std::to_string(layer) + ".attn", layer, capture);
      sum["attention (12 heads, weights kept)"] += ms_since(t);
      t = Clock::now();
      const attn::Matrix attended = attn::linear_in_out(heads, w_proj, zeros);
      sum["c_proj  n x 768 . 768 x 768"] += ms_since(t);
      t = Clock::now();
      attn::Matrix hidden = attn::linear_in_out(a, w_fc, bf);
      sum["c_fc    n x 768 . 768 x 3072"] += ms_since(t);
      t = Clock::now();
      attn::apply_activation(hidden, "gelu_new");
      sum["gelu_new"] += ms_since(t);
      t = Clock::now();
      const attn::Matrix out = attn::linear_in_out(hidden, w_fc_proj, zeros);
      sum["mlp_proj n x 3072 . 3072 x 768"] += ms_since(t);
      (void)attended;
      (void)out;
    }
    sum["(total)"] = ms_since(total);
    if (r == 0) continue;  // warm-up
    for (const auto& [name, ms] : sum) times[name].push_back(ms);
  }
  std::printf("breakdown at %d tokens, %d threads, median of %d (ms per forward, 12 layers):\n", n,
              attn::bench::engine_threads(), repeats);
  for (auto& [name, list] : times) {
    std::sort(list.begin(), list.end());
    std::printf("  %-38s %8.1f\n", name.c_str(), list[list.size() / 2]);
  }
}

// Times `repeats` runs at n tokens after one warm-up run and prints the result line; writes the
// dumps when `dump` is set. Returns 0, or an exit status after printing the problem.
int time_runs(const attn::TransformerModel& gpt2, int n, int repeats, const std::string& dump,
              int dump_tokens) {
  attn::Expected<std::string> text = attn::bench::text_of_tokens(gpt2.tokenizer(), n);
  if (!text) {
    std::fprintf(stderr, "%s\n", text.error().message.c_str());
    return 3;
  }
  attn::Scenario scenario;
  scenario.source = text.value();
  std::vector<double> times;
  attn::Expected<attn::Trace> trace = attn::Error{attn::InputField::Source, "not run"};
  for (int r = 0; r <= repeats; ++r) {  // the first run warms up and is not counted
    trace = attn::Trace{};              // free the previous trace outside the timing
    const auto start = Clock::now();
    trace = gpt2.run(scenario);
    const double ms = ms_since(start);
    if (!trace) {
      std::fprintf(stderr, "%s\n", trace.error().message.c_str());
      return 3;
    }
    if (r > 0) times.push_back(ms);
  }
  if (!dump.empty()) {
    std::vector<int> ids;
    for (const attn::Token& token : trace->source_tokens) ids.push_back(token.id);
    bool ok = attn::bench::write_npy(dump + "/ids_" + std::to_string(n) + ".npy", ids);
    if (n == dump_tokens) {
      const attn::AttentionBlock& first = trace->blocks.front();
      const attn::AttentionBlock& last = trace->blocks.back();
      const std::string stem = dump + "/attn_" + std::to_string(n);
      ok = ok && attn::bench::write_npy(stem + "_first.npy", first.head.front().weights) &&
           attn::bench::write_npy(stem + "_last.npy", last.head.back().weights);
    }
    if (!ok) {
      std::fprintf(stderr, "%s: cannot write the .npy files\n", dump.c_str());
      return 4;
    }
  }
  std::string list;
  for (double ms : times) list += (list.empty() ? "" : ",") + std::to_string(ms);
  std::sort(times.begin(), times.end());
  std::printf("tokens %zu ms_median %.2f ms_min %.2f threads %d runs %s\n",
              trace->source_tokens.size(), times[times.size() / 2], times.front(),
              attn::bench::engine_threads(), list.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();  // as the app does
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s FOLDER [--tokens 128,512,1024] [--repeats 7] [--dump DIR] "
                 "[--dump-tokens 128] [--breakdown N] [--serve]\n",
                 argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  std::vector<int> counts{128, 512, 1024};
  int repeats = 7, dump_tokens = 128, breakdown_tokens = 0;
  std::string dump;
  bool serve = false;
  for (int i = 2; i < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--serve") {
      serve = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n", option.c_str());
      return 2;
    }
    const std::string value = argv[i + 1];
    if (option == "--tokens")
      counts = parse_list(value);
    else if (option == "--repeats")
      repeats = std::max(1, std::atoi(value.c_str()));
    else if (option == "--dump")
      dump = value;
    else if (option == "--dump-tokens")
      dump_tokens = std::atoi(value.c_str());
    else if (option == "--breakdown")
      breakdown_tokens = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", option.c_str());
      return 2;
    }
  }
  if (breakdown_tokens > 0) {
    breakdown(breakdown_tokens, repeats);
    return 0;
  }

  const auto load_start = Clock::now();
  auto model = attn::load_model(folder);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 3;
  }
  std::printf("load_ms %.1f\n", ms_since(load_start));
  const attn::TransformerModel& gpt2 = *model.value();
  std::printf("threads %d\n", attn::bench::engine_threads());
  std::fflush(stdout);
  if (serve) {
    // One request a line, "N R": R timed runs at N tokens, answered by one result line.
    for (std::string line; std::getline(std::cin, line);) {
      int n = 0, r = 0;
      if (std::sscanf(line.c_str(), "%d %d", &n, &r) != 2 || n < 1 || r < 1) {
        std::printf("error bad request \"%s\"\n", line.c_str());
        std::fflush(stdout);
        continue;
      }
      if (const int status = time_runs(gpt2, n, r, dump, dump_tokens)) return status;
    }
    return 0;
  }
  for (int n : counts) {
    if (const int status = time_runs(gpt2, n, repeats, dump, dump_tokens)) return status;
  }
  return 0;
}
