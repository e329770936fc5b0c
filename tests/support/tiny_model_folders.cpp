#include "tiny_model_folders.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "tiny_checkpoint.h"
#include "tiny_tokenizers.h"

namespace attn::testing {

void write_tiny_gpt2_folder(const std::string& folder) {
  RefConfig config = tiny_gpt2_config();
  config.vocab_size = kTinyGpt2Vocab;
  const std::optional<Error> written = make_tiny_checkpoint(config).write_hf_folder(folder);
  EXPECT_FALSE(written.has_value()) << written->message;
  write_byte_level_bpe(folder, kTinyGpt2Vocab);
}

void write_tiny_marian_folder(const std::string& folder) {
  const std::optional<Error> written =
      make_tiny_checkpoint(tiny_marian_config()).write_hf_folder(folder);
  EXPECT_FALSE(written.has_value()) << written->message;
  const std::filesystem::path spm = std::filesystem::path(ATTN_TEST_DATA) / "marian-tiny";
  for (const char* name : {"source.spm", "target.spm", "vocab.json"}) {
    std::error_code error;
    std::filesystem::copy_file(spm / name, std::filesystem::path(folder) / name,
                               std::filesystem::copy_options::overwrite_existing, error);
    EXPECT_FALSE(error) << name << ": " << error.message();
  }
}

}  // namespace attn::testing
