// A safetensors file: the input is the whole file, opened through SafetensorsFile::open (from
// memory, a memfd) with every check of the header and data layout; every tensor of a file that
// opens is then read back as float32.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/io/safetensors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static attn::fuzz::MemoryFile file;
  file.set(std::string_view(reinterpret_cast<const char*>(data), size));
  auto opened = attn::SafetensorsFile::open(file.path());
  if (!opened) {
    if (opened.error().message.empty()) attn::fuzz::fail("a refusal without a message");
    return 0;
  }
  std::uint64_t bytes = 0;
  for (const attn::TensorInfo& tensor : opened.value()->tensors()) {
    if (tensor.end < tensor.begin || tensor.end > size)
      attn::fuzz::fail("an accepted tensor outside the file");
    bytes += tensor.end - tensor.begin;
    const std::vector<float> values = opened.value()->read(tensor);
    if (values.size() != static_cast<std::size_t>(tensor.elements()))
      attn::fuzz::fail("read() gave a different number of elements");
  }
  if (bytes > size) attn::fuzz::fail("accepted tensors hold more bytes than the file");
  return 0;
}
