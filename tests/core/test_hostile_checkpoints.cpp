// The hostile-checkpoint suite: every crafted file in tests/data/hostile (written by
// tests/hostile/make_hostile_files.cpp, committed) is opened through the real entry point and
// refused with a message that names the path and the problem (a key phrase per file), or, for
// NaN/Inf weights, loads with a warning. Every load also runs in a child process whose address
// space is limited to what it has plus the file's size plus a fixed slack, so a file that
// makes the reader allocate far beyond its size fails the test (skipped under ASan, which
// reserves terabytes of shadow memory). Then every truncation of the small valid files, and a
// model too large for memory refused from config.json alone with the size it would need.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "attn/io/llama2c_file.h"
#include "attn/io/safetensors.h"
#include "attn/io/tensor_source.h"
#include "attn/models/model_loader.h"
#include "attn/text/gpt2_bpe_tokenizer.h"
#include "attn/text/hf_bpe_tokenizer.h"
#include "attn/text/llama2c_tokenizer.h"
#include "attn/text/sentence_piece_tokenizer.h"
#include "attn/text/word_piece_tokenizer.h"

#if defined(__SANITIZE_ADDRESS__)
#define ATTN_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ATTN_UNDER_ASAN 1
#endif
#endif

namespace attn {
namespace {

namespace fs = std::filesystem;

const std::string kHostile = ATTN_HOSTILE_DIR;
// The llama2.c tokenizer files belong to a model of this many tokens.
constexpr int kTokenizerVocab = 300;
// What a load may take beyond its file's size: libraries' first allocations, JSON trees of
// small files, a tiny model's matrices. A reader that trusts a size field allocates gigabytes.
constexpr std::uint64_t kSlackBytes = 256ull << 20;

enum class Opener { Safetensors, Llama2c, Model, Gpt2, HfBpe, WordPiece, Llama2cTokenizer, Spm };

// The outcome of one entry point: the error message, or empty when it opened.
std::optional<std::string> open_with(Opener opener, const std::string& path) {
  const auto message = [](const auto& expected) -> std::optional<std::string> {
    if (expected) return std::nullopt;
    return expected.error().message;
  };
  switch (opener) {
    case Opener::Safetensors:
      return message(SafetensorsFile::open(path));
    case Opener::Llama2c:
      return message(Llama2cFile::open(path));
    case Opener::Model:
      return message(load_model(path));
    case Opener::Gpt2:
      return message(Gpt2BpeTokenizer::load(path));
    case Opener::HfBpe:
      return message(HfBpeTokenizer::load(path));
    case Opener::WordPiece:
      return message(WordPieceTokenizer::load(path));
    case Opener::Llama2cTokenizer:
      return message(Llama2cTokenizer::load(path, kTokenizerVocab));
    case Opener::Spm:
      return message(SentencePieceTokenizer::load(path));
  }
  return std::nullopt;
}

std::uint64_t size_on_disk(const std::string& path) {
  std::uint64_t total = 0;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path))
      if (entry.is_regular_file()) total += entry.file_size();
  } else {
    total = fs::file_size(path);
  }
  return total;
}

std::uint64_t address_space_now() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  return 0;
}

// Runs `load` in a child whose address space may grow by `allowed` bytes; true when it
// finished (whatever it returned), false when an allocation failed (or it died).
bool finishes_within(std::uint64_t allowed, const std::function<void()>& load) {
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const rlim_t bound = address_space_now() + allowed;
    const rlimit limit{bound, bound};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(3);
    try {
      load();
    } catch (...) {  // std::bad_alloc: the bound was hit (never back into GoogleTest's catch)
      ::_exit(1);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct Case {
  const char* name;
  Opener opener;
  const char* phrase;  // in the refusal; for a load that succeeds, in its first warning
};

// ctest lists a case by its file name, not by its bytes.
void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

const Case kCases[] = {
    // safetensors: the header and the data layout
    {"st_header_length_past_end.safetensors", Opener::Safetensors, "past the end"},
    {"st_header_over_100mb.safetensors", Opener::Safetensors, "over the limit of 100000000 bytes"},
    {"st_header_invalid_utf8.safetensors", Opener::Safetensors, "UTF-8"},
    {"st_header_invalid_json.safetensors", Opener::Safetensors, "JSON"},
    {"st_overlapping_offsets.safetensors", Opener::Safetensors, "overlap"},
    {"st_offsets_end_before_begin.safetensors", Opener::Safetensors, "before"},
    {"st_gap_between_tensors.safetensors", Opener::Safetensors, "gap"},
    {"st_data_not_from_zero.safetensors", Opener::Safetensors, "gap"},
    {"st_size_not_shape_times_dtype.safetensors", Opener::Safetensors, "bytes"},
    {"st_shape_product_overflows.safetensors", Opener::Safetensors, "overflow"},
    {"st_unsupported_dtype.safetensors", Opener::Safetensors, "I64"},
    {"st_trailing_bytes.safetensors", Opener::Safetensors, "trailing"},
    {"st_duplicate_names.safetensors", Opener::Safetensors,
     "in the header, the key \"a\" appears twice"},
    {"st_negative_dimension.safetensors", Opener::Safetensors, "negative"},
    // config.json, alone or against the stored shapes
    {"model_config_not_json", Opener::Model, "JSON"},
    {"model_zero_layers", Opener::Model, "n_layer"},
    {"model_negative_heads", Opener::Model, "n_head"},
    {"model_heads_not_dividing", Opener::Model, "divide"},
    {"model_billion_layers", Opener::Model, "n_layer"},
    {"model_absurd_vocab", Opener::Model, "vocab_size"},
    {"model_too_large_for_memory", Opener::Model, "would need"},
    {"model_shapes_disagree_with_config", Opener::Model, "expected [40, 16], found [32, 16]"},
    {"model_nan_inf_weights", Opener::Model, "2 weights are NaN or infinite"},
    // llama2.c checkpoints
    {"l2c_header_truncated.bin", Opener::Llama2c, "header"},
    {"l2c_zero_dim.bin", Opener::Llama2c, "dim"},
    {"l2c_negative_layers.bin", Opener::Llama2c, "n_layers"},
    {"l2c_heads_not_dividing.bin", Opener::Llama2c, "divide"},
    {"l2c_billion_layers.bin", Opener::Llama2c, "n_layers"},
    {"l2c_absurd_vocab.bin", Opener::Llama2c, "vocab"},
    {"l2c_size_mismatch.bin", Opener::Llama2c, "bytes"},
    {"l2c_trailing_bytes.bin", Opener::Llama2c, "bytes"},
    {"l2c_newer_version.bin", Opener::Llama2c, "\"ak42\""},
    // tokenizer files
    {"tok_gpt2_vocab_not_object", Opener::Gpt2, "JSON object"},
    {"tok_gpt2_bad_merge_line", Opener::Gpt2, "line 3"},
    {"tok_gpt2_id_out_of_range", Opener::Gpt2, "out of range"},
    {"tok_hf_not_json.json", Opener::HfBpe, "not valid JSON"},
    {"tok_hf_unigram.json", Opener::HfBpe, "Unigram"},
    {"tok_hf_merge_of_unknown_pieces.json", Opener::HfBpe, "merge"},
    {"tok_wp_invalid_utf8", Opener::WordPiece, "line 3"},
    {"tok_wp_no_unknown_token", Opener::WordPiece, "[UNK]"},
    {"tok_l2c_truncated.bin", Opener::Llama2cTokenizer, "token 299 of 300"},
    {"tok_l2c_negative_length.bin", Opener::Llama2cTokenizer, "length -5"},
    {"tok_l2c_max_length_zero.bin", Opener::Llama2cTokenizer, "max_token_length 0"},
    {"tok_l2c_far_too_small_for_vocab.bin", Opener::Llama2cTokenizer, "at most 1 tokens"},
    {"tok_spm_truncated.model", Opener::Spm, "not a usable SentencePiece model"},
    {"tok_spm_garbage.model", Opener::Spm, "not a usable SentencePiece model"},
};

class HostileFile : public ::testing::TestWithParam<Case> {};

TEST_P(HostileFile, IsRefusedNamingTheProblemWithinItsSize) {
  const Case& c = GetParam();
  const std::string path = kHostile + "/" + c.name;
  ASSERT_TRUE(fs::exists(path)) << path << " is missing: run scripts/make_hostile_files.sh";
  const std::optional<std::string> refusal = open_with(c.opener, path);
  if (std::string(c.name) == "model_nan_inf_weights") {
    ASSERT_FALSE(refusal.has_value()) << *refusal;
    Expected<std::shared_ptr<const TransformerModel>> model = load_model(path);
    ASSERT_TRUE(model.ok());
    const std::vector<std::string>& warnings = model.value()->info().warnings;
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0].find(c.phrase), std::string::npos) << warnings[0];
  } else {
    ASSERT_TRUE(refusal.has_value()) << path << " was accepted";
    EXPECT_NE(refusal->find(path), std::string::npos) << "the path is not named: " << *refusal;
    EXPECT_NE(refusal->find(c.phrase), std::string::npos)
        << "\"" << c.phrase << "\" is not in: " << *refusal;
  }
#ifdef ATTN_UNDER_ASAN
  GTEST_SKIP() << "the address-space bound is not checked under AddressSanitizer (its shadow "
                  "memory needs terabytes of address space); the message was checked";
#else
  const std::uint64_t allowed = size_on_disk(path) + kSlackBytes;
  EXPECT_TRUE(finishes_within(allowed, [&] { (void)open_with(c.opener, path); }))
      << path << " could not be opened within its size plus " << (kSlackBytes >> 20) << " MB";
#endif
}

// The bound itself: a load that reserves a gigabyte dies under it.
TEST(HostileSuite, TheAddressSpaceBoundCatchesALargeAllocation) {
#ifdef ATTN_UNDER_ASAN
  GTEST_SKIP() << "not under AddressSanitizer";
#else
  EXPECT_FALSE(finishes_within(kSlackBytes, [] {
    std::vector<char> large(std::size_t{1} << 30);
    std::printf("%d\n", int(large[12345]));
  }));
  EXPECT_TRUE(finishes_within(kSlackBytes, [] { std::vector<char> small(1 << 20); }));
#endif
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.name;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Suite, HostileFile, ::testing::ValuesIn(kCases), case_name);

TEST(HostileSuite, HasAtLeast25FilesAndEveryOneIsChecked) {
  std::set<std::string> listed;
  for (const Case& c : kCases) listed.insert(c.name);
  EXPECT_GE(listed.size(), 25u);
  for (const auto& entry : fs::directory_iterator(kHostile)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("valid_", 0) == 0 || name.find("_valid.") != std::string::npos) continue;
    EXPECT_TRUE(listed.count(name)) << name << " is in tests/data/hostile but not in kCases";
  }
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every proper prefix of a small valid file is refused with a message naming the scratch
// path; the whole file opens.
void expect_every_truncation_refused(const std::string& valid, Opener opener) {
  const std::string bytes = read_bytes(kHostile + "/" + valid);
  ASSERT_FALSE(bytes.empty());
  const std::string cut =
      (fs::temp_directory_path() / ("attnviz-cut-" + std::to_string(::getpid()) + "-" + valid))
          .string();
  std::ofstream(cut, std::ios::binary) << bytes;
  ASSERT_FALSE(open_with(opener, cut).has_value()) << valid << " itself does not open";
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, length);
    const std::optional<std::string> refusal = open_with(opener, cut);
    ASSERT_TRUE(refusal.has_value())
        << "the first " << length << " bytes of " << valid << " were accepted";
    ASSERT_NE(refusal->find(cut), std::string::npos) << *refusal;
  }
  fs::remove(cut);
}

TEST(HostileTruncations, EveryPrefixOfASafetensorsFileIsRefused) {
  expect_every_truncation_refused("valid_small.safetensors", Opener::Safetensors);
}

TEST(HostileTruncations, EveryPrefixOfALlama2cCheckpointIsRefused) {
  expect_every_truncation_refused("valid_small.bin", Opener::Llama2c);
}

TEST(HostileTruncations, EveryPrefixOfALlama2cTokenizerIsRefused) {
  expect_every_truncation_refused("tok_l2c_valid.bin", Opener::Llama2cTokenizer);
}

// A protobuf cut at a field boundary can be a smaller valid model: each prefix either opens
// or is refused with the path named, never crashes.
TEST(HostileTruncations, EveryPrefixOfASentencePieceModelOpensOrIsRefused) {
  const std::string bytes = read_bytes(kHostile + "/tok_spm_valid.model");
  ASSERT_FALSE(bytes.empty());
  const std::string cut =
      (fs::temp_directory_path() / ("attnviz-cut-spm-" + std::to_string(::getpid()))).string();
  int refused = 0;
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, length);
    const std::optional<std::string> refusal = open_with(Opener::Spm, cut);
    if (refusal) {
      ++refused;
      ASSERT_NE(refusal->find(cut), std::string::npos) << *refusal;
    }
  }
  EXPECT_GT(refused, 0);
  fs::remove(cut);
}

// The memory a model would need is computed from config.json alone, before any weight file
// is opened: the refusal names the parameters and the GiB.
TEST(HostileMemory, AModelTooLargeForMemoryIsRefusedWithTheSizeItWouldNeed) {
  const std::string folder = kHostile + "/model_too_large_for_memory";
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(folder);
  ASSERT_FALSE(model.ok());
  const std::string& message = model.error().message;
  EXPECT_NE(message.find(folder + "/config.json: the model has "), std::string::npos) << message;
  EXPECT_NE(message.find(" GiB of float32 memory; attnviz loads models up to 16 GiB"),
            std::string::npos)
      << message;
  // There is no model.safetensors in the folder: the refusal came before looking for one.
  EXPECT_FALSE(fs::exists(folder + "/model.safetensors"));
}

// Hand-computed: GPT-2 small (12 layers, 768 wide, 3072 feed-forward, 50257 tokens, 1024
// positions, tied) has 124,439,808 parameters; the count must agree with that exactly.
TEST(HostileMemory, ParameterCountOfGpt2SmallIsItsKnownSize) {
  ModelConfig c;
  c.family = Family::Gpt2;
  c.n_layers = 12;
  c.n_heads = 12;
  c.n_kv_heads = 12;
  c.d_model = 768;
  c.head_dim = 64;
  c.d_ff = 3072;
  c.vocab_size = 50257;
  c.max_positions = 1024;
  c.tie_word_embeddings = true;
  EXPECT_EQ(parameter_count(c), 124'439'808u);
  // The largest config the limits allow does not overflow: it saturates or stays exact.
  c.n_layers = kMaxConfigLayers;
  c.d_model = kMaxConfigDModel;
  c.d_ff = kMaxConfigDFf;
  c.vocab_size = kMaxConfigVocab;
  c.n_heads = kMaxConfigHeads;
  c.n_kv_heads = kMaxConfigHeads;
  c.head_dim = kMaxConfigHeadDim;
  EXPECT_GT(parameter_count(c), std::uint64_t{1} << 40);
  EXPECT_TRUE(check_memory_budget(parameter_count(c)).has_value());
}

}  // namespace
}  // namespace attn
