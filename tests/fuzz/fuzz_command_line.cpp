// The command line: the input is the arguments, separated by NUL bytes (at most 32), checked
// for invalid UTF-8 as main() does, then parsed by CommandLine::parse; whatever it decides,
// the overrides must apply to a scenario without trouble.
#include <QString>
#include <QStringList>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "attn_cli/command_line.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> arguments{"attnviz"};
  std::string current;
  for (std::size_t k = 0; k < size && arguments.size() < 33; ++k) {
    if (data[k] == 0) {
      arguments.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[k]));
    }
  }
  if (arguments.size() < 33) arguments.push_back(current);
  std::vector<const char*> argv;
  for (const std::string& argument : arguments) argv.push_back(argument.c_str());
  if (attn::cli::find_invalid_utf8_argument(static_cast<int>(argv.size()), argv.data())) return 0;
  QStringList list;
  for (const std::string& argument : arguments) list << QString::fromStdString(argument);
  attn::cli::CommandLine command_line;
  const attn::cli::Command command = command_line.parse(list);
  if (const auto* failure = std::get_if<attn::cli::Failure>(&command)) {
    if (failure->message.isEmpty()) attn::fuzz::fail("a failure without a message");
  } else if (const auto* window = std::get_if<attn::cli::OpenWindow>(&command)) {
    (void)window->overrides.applyTo(attn::Scenario{});
  } else if (const auto* run = std::get_if<attn::cli::RunExport>(&command)) {
    (void)run->overrides.applyTo(attn::Scenario{});
  }
  return 0;
}
