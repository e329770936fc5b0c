// llama2.c version-0 checkpoints: the real stories260K read at the right offsets, a synthetic
// file whose every float is its own index, and one test per refusal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "attn/io/llama2c_file.h"
#include "attn/models/model_config.h"
#include "safetensors_writer.h"

namespace attn {
namespace {

using testing::f32_bytes;
using ::testing::HasSubstr;
using testing::i32_bytes;
using ::testing::StartsWith;
using testing::TempDir;
using testing::write_file;

std::string stories260k() { return std::string(ATTN_SHARED_DATA) + "/stories260K/stories260K.bin"; }

std::vector<float> read_tensor(const Llama2cFile& file, const std::string& name) {
  const TensorInfo* tensor = file.find(name);
  EXPECT_NE(tensor, nullptr) << name;
  if (tensor == nullptr) return {};
  std::vector<float> out(static_cast<std::size_t>(tensor->elements()));
  file.read_into(*tensor, out.data());
  return out;
}

// `count` floats straight from the file at byte `offset`, with stdio: the reference.
std::vector<float> fread_floats(const std::string& path, long offset, std::size_t count) {
  std::vector<float> out(count);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return out;
  std::fseek(f, offset, SEEK_SET);
  EXPECT_EQ(std::fread(out.data(), sizeof(float), count, f), count);
  std::fclose(f);
  return out;
}

TEST(Llama2cFile, ReadsStories260K) {
  if (!std::filesystem::exists(stories260k())) {
    GTEST_SKIP() << "../shared/data not found: " << stories260k();
  }
  Expected<std::shared_ptr<const Llama2cFile>> opened = Llama2cFile::open(stories260k());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const Llama2cFile& file = *opened.value();
  const Llama2cHeader& h = file.header();
  EXPECT_EQ(h.dim, 64);
  EXPECT_EQ(h.hidden_dim, 172);
  EXPECT_EQ(h.n_layers, 5);
  EXPECT_EQ(h.n_heads, 8);
  EXPECT_EQ(h.n_kv_heads, 4);
  EXPECT_EQ(h.vocab_size, 512);
  EXPECT_EQ(h.seq_len, 512);
  EXPECT_TRUE(h.shared_classifier);
  EXPECT_EQ(h.head_size(), 8);
  EXPECT_EQ(file.bytes_on_disk(), 1'056'540u);
  EXPECT_EQ(file.main_dtype(), DType::F32);

  const std::vector<std::string> names = file.names();
  ASSERT_EQ(names.size(), 1u + 9u * 5u + 1u);  // embedding, 9 per layer, final norm
  EXPECT_EQ(names.front(), "token_embedding_table");
  EXPECT_EQ(names[1], "layers.0.rms_att_weight");
  EXPECT_EQ(names[5], "layers.4.rms_att_weight");
  EXPECT_EQ(names.back(), "rms_final_weight");
  EXPECT_EQ(file.find("wcls"), nullptr);
  EXPECT_EQ(file.find("freq_cis_real"), nullptr);

  // Offsets as run.c's memory_map_weights() walks the file (in floats after the 28-byte header).
  const TensorInfo* embedding = file.find("token_embedding_table");
  EXPECT_EQ(embedding->shape, (std::vector<std::int64_t>{512, 64}));
  EXPECT_EQ(embedding->begin, 28u);
  EXPECT_EQ(embedding->end, 28u + 512u * 64u * 4u);
  const std::uint64_t wq0 = 28 + 4 * (512 * 64 + 5 * 64);
  EXPECT_EQ(file.find("layers.0.wq")->begin, wq0);
  EXPECT_EQ(file.find("layers.2.wq")->begin, wq0 + 2 * 64 * 64 * 4);
  const TensorInfo* wk3 = file.find("layers.3.wk");
  EXPECT_EQ(wk3->shape, (std::vector<std::int64_t>{32, 64}));  // kv_dim = 64 · 4 / 8
  EXPECT_EQ(wk3->begin, wq0 + 5 * 64 * 64 * 4 + 3 * 32 * 64 * 4);
  EXPECT_EQ(file.find("layers.1.w2")->shape, (std::vector<std::int64_t>{64, 172}));
  EXPECT_EQ(file.find("layers.1.w3")->shape, (std::vector<std::int64_t>{172, 64}));
  const TensorInfo* final_norm = file.find("rms_final_weight");
  // after it only freq_cis_real and freq_cis_imag: 2 · seq_len · head_size / 2 floats
  EXPECT_EQ(final_norm->end, 1'056'540u - 4u * 512u * 8u);
  EXPECT_EQ(file.find("layers.4.w3")->end, final_norm->begin);

  const std::vector<float> emb = read_tensor(file, "token_embedding_table");
  EXPECT_EQ(std::vector<float>(emb.begin(), emb.begin() + 16), fread_floats(stories260k(), 28, 16));
  const std::vector<float> last_row(emb.end() - 64, emb.end());
  EXPECT_EQ(last_row, fread_floats(stories260k(), 28 + 511 * 64 * 4, 64));
  EXPECT_EQ(read_tensor(file, "rms_final_weight"),
            fread_floats(stories260k(), static_cast<long>(final_norm->begin), 64));
  EXPECT_EQ(read_tensor(file, "layers.3.wk"),
            fread_floats(stories260k(), static_cast<long>(wk3->begin), 32 * 64));
  const std::vector<float> norm = read_tensor(file, "layers.0.rms_att_weight");
  for (float w : norm) EXPECT_TRUE(std::isfinite(w));

  const ModelConfig config = from_llama2c(h);
  EXPECT_EQ(config.family, Family::Llama2c);
  EXPECT_EQ(config.model_type, "llama2.c");
  EXPECT_EQ(config.n_layers, 5);
  EXPECT_EQ(config.n_heads, 8);
  EXPECT_EQ(config.n_kv_heads, 4);
  EXPECT_EQ(config.d_model, 64);
  EXPECT_EQ(config.head_dim, 8);
  EXPECT_EQ(config.d_ff, 172);
  EXPECT_EQ(config.vocab_size, 512);
  EXPECT_EQ(config.max_positions, 512);
  EXPECT_EQ(config.norm_eps, 1e-5f);
  EXPECT_EQ(config.rope_theta, 10000.0f);
  EXPECT_EQ(config.activation, "silu");
  EXPECT_TRUE(config.tie_word_embeddings);
  EXPECT_FALSE(config.attention_bias);
  EXPECT_EQ(config.bos_id, 1);
  EXPECT_EQ(config.eos_id, 2);
}

// Floats a version-0 file of this header holds, counted the long way.
std::size_t float_count(int dim, int hidden, int layers, int heads, int kv_heads, int vocab,
                        int seq_len, bool shared) {
  const int head = dim / heads;
  const int kv_dim = head * kv_heads;
  std::size_t n = static_cast<std::size_t>(vocab * dim);
  for (int l = 0; l < layers; ++l) {
    n += static_cast<std::size_t>(dim + dim * dim + 2 * kv_dim * dim + dim * dim + dim +
                                  3 * hidden * dim);
  }
  n += static_cast<std::size_t>(dim + seq_len * head);
  if (!shared) n += static_cast<std::size_t>(vocab * dim);
  return n;
}

// A file whose i-th float is i.
std::string counting_file(std::vector<std::int32_t> header, std::size_t floats) {
  std::vector<float> values(floats);
  for (std::size_t i = 0; i < floats; ++i) values[i] = static_cast<float>(i);
  return i32_bytes(header) + f32_bytes(values);
}

TEST(Llama2cFile, FindsEveryTensorOfAnUnsharedClassifierFile) {
  TempDir dir;
  // dim 8, hidden 12, 2 layers, 4 heads, 2 kv heads, vocab 10 (negative: wcls stored), seq 6
  const std::size_t n = float_count(8, 12, 2, 4, 2, 10, 6, false);
  write_file(dir.file("m.bin"), counting_file({8, 12, 2, 4, 2, -10, 6}, n));
  Expected<std::shared_ptr<const Llama2cFile>> opened = Llama2cFile::open(dir.file("m.bin"));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const Llama2cFile& file = *opened.value();
  EXPECT_FALSE(file.header().shared_classifier);
  EXPECT_EQ(file.header().vocab_size, 10);
  // Each tensor starts where the previous left off (freq_cis skipped); values are indices.
  float next = 0;
  const auto expect_block = [&](const std::string& name, std::vector<std::int64_t> shape) {
    const std::vector<float> values = read_tensor(file, name);
    EXPECT_EQ(file.find(name)->shape, shape) << name;
    ASSERT_FALSE(values.empty()) << name;
    EXPECT_EQ(values.front(), next) << name;
    EXPECT_EQ(values.back(), next + static_cast<float>(values.size() - 1)) << name;
    next += static_cast<float>(values.size());
  };
  expect_block("token_embedding_table", {10, 8});
  for (const char* kind : {"rms_att_weight"}) {
    for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + "." + kind, {8});
  }
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".wq", {8, 8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".wk", {4, 8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".wv", {4, 8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".wo", {8, 8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".rms_ffn_weight", {8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".w1", {12, 8});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".w2", {8, 12});
  for (int l = 0; l < 2; ++l) expect_block("layers." + std::to_string(l) + ".w3", {12, 8});
  expect_block("rms_final_weight", {8});
  next += 6 * 2;  // freq_cis_real and _imag: seq_len · head_size / 2 each
  expect_block("wcls", {10, 8});
  EXPECT_EQ(static_cast<std::size_t>(next), n);
  EXPECT_FALSE(from_llama2c(file.header()).tie_word_embeddings);
}

std::string refusal(const TempDir& dir, const std::string& bytes) {
  const std::string path = dir.file("bad.bin");
  write_file(path, bytes);
  Expected<std::shared_ptr<const Llama2cFile>> file = Llama2cFile::open(path);
  EXPECT_FALSE(file.ok());
  if (file.ok()) return "";
  EXPECT_EQ(file.error().field, InputField::Model);
  EXPECT_THAT(file.error().message, StartsWith(path + ": "));
  return file.error().message;
}

// A consistent file for this header (sizes computed the long way), optionally cut or padded.
std::string file_for(int dim, int hidden, int layers, int heads, int kv, int vocab, int seq,
                     long extra_bytes = 0) {
  const std::size_t n =
      float_count(dim, hidden, layers, heads, kv, vocab < 0 ? -vocab : vocab, seq, vocab > 0);
  std::string bytes =
      i32_bytes({dim, hidden, layers, heads, kv, vocab, seq}) + std::string(n * 4, '\0');
  if (extra_bytes < 0) bytes.resize(bytes.size() - static_cast<std::size_t>(-extra_bytes));
  if (extra_bytes > 0) bytes += std::string(static_cast<std::size_t>(extra_bytes), '\0');
  return bytes;
}

TEST(Llama2cFileRefuses, AFileShorterThanItsHeader) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5})),
              HasSubstr("too short for a llama2.c checkpoint (12 bytes; the header alone is 28)"));
}

TEST(Llama2cFileRefuses, ZeroOrNegativeSizes) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, i32_bytes({0, 172, 5, 8, 4, 512, 512})),
              HasSubstr("dim = 0 must be positive"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, -5, 8, 4, 512, 512})),
              HasSubstr("n_layers = -5 must be positive"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 0, 512, 512})),
              HasSubstr("n_kv_heads = 0 must be positive"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 4, 0, 512})),
              HasSubstr("vocab_size = 0 is not a vocabulary size"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 4, -2147483647 - 1, 512})),
              HasSubstr("vocab_size = -2147483648 is not a vocabulary size"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 4, 512, -1})),
              HasSubstr("seq_len = -1 must be positive"));
}

TEST(Llama2cFileRefuses, HeadsThatDoNotDivideDim) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, file_for(64, 172, 1, 8, 4, 16, 4).replace(12, 4, i32_bytes({5}))),
              HasSubstr("n_heads = 5 does not divide dim = 64"));
}

TEST(Llama2cFileRefuses, KvHeadsThatDoNotDivideHeads) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 3, 512, 512})),
              HasSubstr("n_kv_heads = 3 does not divide n_heads = 8"));
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 5, 8, 16, 512, 512})),
              HasSubstr("n_kv_heads = 16 does not divide n_heads = 8"));
}

TEST(Llama2cFileRefuses, AnOddHeadSize) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, i32_bytes({63, 172, 5, 9, 3, 512, 512})),
              HasSubstr("the head size dim / n_heads = 7 is odd"));
}

TEST(Llama2cFileRefuses, ABillionLayersBySizeArithmeticAlone) {
  TempDir dir;
  // 10⁹ layers of dim 64 would be ≈ 182 TB: refused from the header, nothing allocated.
  EXPECT_THAT(refusal(dir, i32_bytes({64, 172, 1'000'000'000, 8, 4, 512, 512})),
              HasSubstr("layers, 8 heads, 4 kv heads, vocab 512, seq_len 512) implies "
                        "181760000147740 bytes, but the file has 28 (truncated?)"));
  // sizes whose product passes 2⁶⁴ are refused as such, not wrapped around
  EXPECT_THAT(refusal(dir, i32_bytes({2'147'483'644, 2'147'483'647, 2'147'483'647, 2, 2,
                                      2'147'483'647, 2'147'483'647})),
              HasSubstr("implies more weights than 64 bits can count"));
}

TEST(Llama2cFileRefuses, ATruncatedFile) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, file_for(8, 12, 2, 4, 2, 10, 6, -4)),
              HasSubstr("implies 4396 bytes, but the file has 4392 (truncated?)"));
}

TEST(Llama2cFileRefuses, AFileLongerThanItsHeaderSays) {
  TempDir dir;
  EXPECT_THAT(refusal(dir, file_for(8, 12, 2, 4, 2, 10, 6, 4)),
              HasSubstr("implies 4396 bytes, but the file has 4400 (longer"));
  // the classifier stored although the header says it is shared
  EXPECT_THAT(refusal(dir, file_for(8, 12, 2, 4, 2, 10, 6, 10 * 8 * 4)),
              HasSubstr("implies 4396 bytes, but the file has 4716"));
}

TEST(Llama2cFileRefuses, ANewerExportVersion) {
  TempDir dir;
  std::string bytes = i32_bytes({0x616b3432, 2, 64, 172, 5, 8, 4, 512});
  EXPECT_THAT(refusal(dir, bytes),
              HasSubstr("llama2.c export format version 2 (it starts with \"ak42\")"));
}

TEST(Llama2cFileRefuses, AConsistentButAbsurdHeader) {
  TempDir dir;
  // 1,001 layers of width 2: the file matches, the layer limit does not
  EXPECT_THAT(refusal(dir, file_for(2, 1, 1001, 1, 1, 1, 1)),
              HasSubstr("n_layers = 1001 is over attnviz's limit of 1000"));
}

TEST(Llama2cFileRefuses, APathThatIsNotAFile) {
  TempDir dir;
  Expected<std::shared_ptr<const Llama2cFile>> file = Llama2cFile::open(dir.file("none.bin"));
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message,
            dir.file("none.bin") + ": cannot open (No such file or directory)");
}

TEST(Llama2cFileRefuses, EveryTruncationOfAValidFile) {
  TempDir dir;
  const std::string bytes = file_for(8, 12, 1, 4, 2, -5, 4);
  write_file(dir.file("ok.bin"), bytes);
  ASSERT_TRUE(Llama2cFile::open(dir.file("ok.bin")).ok());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    write_file(dir.file("cut.bin"), bytes.substr(0, length));
    ASSERT_FALSE(Llama2cFile::open(dir.file("cut.bin")).ok()) << length;
  }
}

}  // namespace
}  // namespace attn
