// tokenizer.json byte-level BPE: an input "tokenizer.json [--8<-- text]" is loaded as the file
// (then encodes the text, or a sample); every input is also encoded by a fixed tokenizer built
// from the committed seed.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "attn/text/hf_bpe_tokenizer.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<attn::HfBpeTokenizer> load(std::string_view file) {
  auto tokenizer = attn::HfBpeTokenizer::parse(file, "tokenizer.json");
  if (!tokenizer) return nullptr;
  return std::move(tokenizer).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<attn::HfBpeTokenizer> fixed =
      load(attn::fuzz::split_parts(attn::fuzz::read_seed("hf_bpe", "valid"))[0]);
  if (!fixed) attn::fuzz::fail("the seed tokenizer does not load");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  attn::fuzz::check_encoding(*fixed, input);
  const std::vector<std::string_view> parts = attn::fuzz::split_parts(input);
  if (std::unique_ptr<attn::HfBpeTokenizer> tokenizer = load(parts[0]))
    attn::fuzz::check_encoding(*tokenizer, parts.size() > 1 ? parts[1] : attn::fuzz::kSampleText);
  return 0;
}
