// attnviz — until the window exists (issue "The desktop app"), this prints every head's
// attention weights for a built-in example or for text given on the command line.
//
//   attnviz                      the default example
//   attnviz --example NAME       a built-in example (--list-examples shows them)
//   attnviz [--heads H] TEXT     your own sentence, multi-head self-attention
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "attn/allocator_tuning.h"
#include "attn/examples.h"
#include "attn/toy_model.h"
#include "weights_printer.h"

namespace {

int usage(const char* problem) {
  std::fprintf(stderr,
               "attnviz: %s\nusage: attnviz [--example NAME | --list-examples] [--heads H] "
               "[TEXT]\n",
               problem);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();
  const attn::Example* example = &attn::builtin_examples().front();
  attn::Scenario scenario = example->scenario;
  int heads = scenario.config.heads;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--list-examples") {
      for (const attn::Example& e : attn::builtin_examples())
        std::printf("%-12s %s\n", std::string(e.name).c_str(), std::string(e.description).c_str());
      return 0;
    }
    if (arg == "--example" || arg == "--heads") {
      if (i + 1 >= argc) return usage("missing value after an option");
      const std::string_view value = argv[++i];
      if (arg == "--heads") {
        char* end = nullptr;
        const long parsed = std::strtol(argv[i], &end, 10);
        if (end == argv[i] || *end != '\0' || parsed < 0 || parsed > 1'000'000) {
          return usage("--heads takes a whole number (1 to 64)");
        }
        heads = static_cast<int>(parsed);
        continue;
      }
      example = attn::find_example(value);
      if (example == nullptr) return usage("no such example (see --list-examples)");
      scenario = example->scenario;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') return usage("unknown option");
    scenario = attn::Scenario{};
    scenario.source = std::string(arg);
  }
  scenario.config.heads = heads;

  const attn::Expected<attn::Trace> trace = attn::ToyModel().run(scenario);
  if (!trace) {
    std::fprintf(stderr, "attnviz: %s\n", trace.error().message.c_str());
    return 3;
  }
  attn::print_weights(*trace, stdout);
  return 0;
}
