// BERT WordPiece: an input "vocab.txt [--8<-- text]" is loaded as the vocabulary (lower-casing
// or not by the input's length, so both paths run) and encodes the text, or a sample; every
// input is also encoded by a fixed tokenizer built from the committed seed.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "attn/text/word_piece_tokenizer.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<attn::WordPieceTokenizer> load(std::string_view file, bool lower_case) {
  attn::WordPieceTokenizer::Options options;
  options.lower_case = lower_case;
  auto tokenizer = attn::WordPieceTokenizer::parse(file, options, "vocab.txt");
  if (!tokenizer) return nullptr;
  return std::move(tokenizer).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<attn::WordPieceTokenizer> fixed =
      load(attn::fuzz::split_parts(attn::fuzz::read_seed("word_piece", "valid"))[0], true);
  if (!fixed) attn::fuzz::fail("the seed tokenizer does not load");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  attn::fuzz::check_encoding(*fixed, input);
  const std::vector<std::string_view> parts = attn::fuzz::split_parts(input);
  if (std::unique_ptr<attn::WordPieceTokenizer> tokenizer = load(parts[0], size % 2 == 0))
    attn::fuzz::check_encoding(*tokenizer, parts.size() > 1 ? parts[1] : attn::fuzz::kSampleText);
  return 0;
}
