// GPT-2 byte-level BPE: an input "vocab.json --8<-- merges.txt [--8<-- text]" is loaded as the
// two files (then encodes the text, or a sample); every input is also encoded by a fixed
// tokenizer built from the committed seed.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "attn/text/gpt2_bpe_tokenizer.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<attn::Gpt2BpeTokenizer> load(std::string_view input) {
  const std::vector<std::string_view> parts = attn::fuzz::split_parts(input);
  if (parts.size() < 2) return nullptr;
  auto tokenizer = attn::Gpt2BpeTokenizer::parse(parts[0], parts[1], "vocab.json", "merges.txt");
  if (!tokenizer) return nullptr;
  return std::move(tokenizer).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<attn::Gpt2BpeTokenizer> fixed =
      load(attn::fuzz::read_seed("gpt2_bpe", "valid"));
  if (!fixed) attn::fuzz::fail("the seed tokenizer does not load");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  attn::fuzz::check_encoding(*fixed, input);
  if (std::unique_ptr<attn::Gpt2BpeTokenizer> tokenizer = load(input)) {
    const std::vector<std::string_view> parts = attn::fuzz::split_parts(input);
    attn::fuzz::check_encoding(*tokenizer, parts.size() > 2 ? parts[2] : attn::fuzz::kSampleText);
  }
  return 0;
}
