// A llama2.c checkpoint: the input is the whole .bin, opened through Llama2cFile::open (from
// memory, a memfd): the header checked, the size matched; every tensor of a file that opens is
// read back, and its config is turned into a model's (with the memory budget check). The header
// alone goes through parse_llama2c_header too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/io/llama2c_file.h"
#include "attn/io/tensor_source.h"
#include "attn/models/model_config.h"
#include "attn/models/model_loader.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 28) {
    // The same header against a much larger (claimed) file: checks the size arithmetic.
    (void)attn::parse_llama2c_header(data, std::uint64_t{1} << 40);
    (void)attn::parse_llama2c_header(data, size);
  }
  static attn::fuzz::MemoryFile file;
  file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  auto opened = attn::Llama2cFile::open(file.path());
  if (!opened) {
    if (opened.error().message.empty()) attn::fuzz::fail("a refusal without a message");
    return 0;
  }
  const attn::Llama2cFile& bin = *opened.value();
  std::vector<float> values;
  for (const std::string& name : bin.names()) {
    const attn::TensorInfo* tensor = bin.find(name);
    if (tensor == nullptr) attn::fuzz::fail("a listed tensor cannot be found: " + name);
    if (tensor->end < tensor->begin || tensor->end > size)
      attn::fuzz::fail("an accepted tensor outside the file: " + name);
    values.resize(static_cast<std::size_t>(tensor->elements()));
    bin.read_into(*tensor, values.data());
  }
  const attn::ModelConfig config = attn::from_llama2c(bin.header());
  (void)attn::check_memory_budget(attn::parameter_count(config), "model.bin");
  return 0;
}
