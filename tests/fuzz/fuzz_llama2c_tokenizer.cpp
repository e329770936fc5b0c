// llama2.c tokenizer.bin: an input "vocab_size (2 bytes, little-endian, + 1) tokenizer.bin
// [--8<-- text]" is loaded as a file of that many entries and encodes the text, or a sample;
// every input is also encoded by a fixed tokenizer built from the committed seed.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "attn/text/llama2c_tokenizer.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<attn::Llama2cTokenizer> load(std::string_view input) {
  if (input.size() < 2) return nullptr;
  const int vocab_size =
      1 + (static_cast<unsigned char>(input[0]) | (static_cast<unsigned char>(input[1]) << 8));
  const std::vector<std::string_view> parts = attn::fuzz::split_parts(input.substr(2));
  auto tokenizer = attn::Llama2cTokenizer::parse(parts[0], vocab_size, "tokenizer.bin");
  if (!tokenizer) return nullptr;
  return std::move(tokenizer).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<attn::Llama2cTokenizer> fixed =
      load(attn::fuzz::read_seed("llama2c_tokenizer", "valid"));
  if (!fixed) attn::fuzz::fail("the seed tokenizer does not load");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  attn::fuzz::check_encoding(*fixed, input);
  if (std::unique_ptr<attn::Llama2cTokenizer> tokenizer = load(input)) {
    const std::vector<std::string_view> parts = attn::fuzz::split_parts(input.substr(2));
    attn::fuzz::check_encoding(*tokenizer, parts.size() > 1 ? parts[1] : attn::fuzz::kSampleText);
  }
  return 0;
}
