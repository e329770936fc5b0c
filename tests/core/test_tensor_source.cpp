// Hugging Face folders (one file or shards with an index) and the WeightReader that takes a
// model's tensors out of them with every shape checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "attn/io/tensor_source.h"
#include "safetensors_writer.h"

namespace attn {
namespace {

using testing::f32_bytes;
using ::testing::HasSubstr;
using testing::make_safetensors;
using ::testing::StartsWith;
using testing::TempDir;
using testing::u16_bytes;
using testing::write_file;

std::shared_ptr<const TensorSource> open_ok(const std::string& folder) {
  Expected<std::shared_ptr<const TensorSource>> source = open_safetensors_folder(folder);
  EXPECT_TRUE(source.ok()) << (source.ok() ? "" : source.error().message);
  return source.ok() ? source.value() : nullptr;
}

std::string refusal(const std::string& folder) {
  Expected<std::shared_ptr<const TensorSource>> source = open_safetensors_folder(folder);
  EXPECT_FALSE(source.ok()) << folder << " was accepted";
  if (source.ok()) return "";
  EXPECT_EQ(source.error().field, InputField::Model);
  return source.error().message;
}

std::vector<float> read_all(const TensorSource& source, const std::string& name) {
  const TensorInfo* tensor = source.find(name);
  EXPECT_NE(tensor, nullptr) << name;
  if (tensor == nullptr) return {};
  std::vector<float> out(static_cast<std::size_t>(tensor->elements()));
  source.read_into(*tensor, out.data());
  return out;
}

// Two shards and their index, as transformers' save_pretrained writes them.
void write_sharded(const TempDir& dir, const std::string& index) {
  write_file(
      dir.file("model-00001-of-00002.safetensors"),
      make_safetensors({{"wte.weight", "F16", {2, 2}, u16_bytes({0x3C00, 0x4000, 0x4200, 0x4400})},
                        {"h.0.ln_1.weight", "F16", {2}, u16_bytes({0x3800, 0xB800})}}));
  write_file(dir.file("model-00002-of-00002.safetensors"),
             make_safetensors({{"h.0.ln_1.bias", "F32", {2}, f32_bytes({0.25f, -0.25f})}}));
  write_file(dir.file("model.safetensors.index.json"), index);
}

const char* const kIndex = R"({
  "metadata": {"total_size": 20},
  "weight_map": {
    "wte.weight": "model-00001-of-00002.safetensors",
    "h.0.ln_1.weight": "model-00001-of-00002.safetensors",
    "h.0.ln_1.bias": "model-00002-of-00002.safetensors"
  }
})";

TEST(SafetensorsFolder, OpensModelSafetensors) {
  TempDir dir;
  write_file(dir.file("model.safetensors"),
             make_safetensors({{"a", "BF16", {3}, u16_bytes({0x3F80, 0x4000, 0x4040})},
                               {"b", "F32", {1}, f32_bytes({5.0f})}}));
  auto source = open_ok(dir.path());
  ASSERT_TRUE(source);
  EXPECT_EQ(source->path(), dir.path());
  EXPECT_EQ(source->names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read_all(*source, "a"), (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_EQ(read_all(*source, "b"), std::vector<float>{5.0f});
  EXPECT_EQ(source->main_dtype(), DType::BF16);  // 3 of the 4 elements
  struct stat status {};
  ASSERT_EQ(::stat(dir.file("model.safetensors").c_str(), &status), 0);
  EXPECT_EQ(source->bytes_on_disk(), static_cast<std::uint64_t>(status.st_size));
}

TEST(SafetensorsFolder, OpensOneSafetensorsFileGivenByPath) {
  TempDir dir;
  write_file(dir.file("x.safetensors"), make_safetensors({{"a", "F32", {1}, f32_bytes({2.0f})}}));
  auto source = open_ok(dir.file("x.safetensors"));
  ASSERT_TRUE(source);
  EXPECT_EQ(read_all(*source, "a"), std::vector<float>{2.0f});
}

TEST(SafetensorsFolder, OpensShardsThroughTheIndex) {
  TempDir dir;
  write_sharded(dir, kIndex);
  auto source = open_ok(dir.path());
  ASSERT_TRUE(source);
  // storage order: shard by shard, each by offset
  EXPECT_EQ(source->names(),
            (std::vector<std::string>{"wte.weight", "h.0.ln_1.weight", "h.0.ln_1.bias"}));
  EXPECT_EQ(read_all(*source, "wte.weight"), (std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f}));
  EXPECT_EQ(read_all(*source, "h.0.ln_1.weight"), (std::vector<float>{0.5f, -0.5f}));
  EXPECT_EQ(read_all(*source, "h.0.ln_1.bias"), (std::vector<float>{0.25f, -0.25f}));
  EXPECT_EQ(source->find("h.0.ln_2.bias"), nullptr);
  EXPECT_EQ(source->main_dtype(), DType::F16);
}

TEST(SafetensorsFolderRefuses, AFolderWithoutCheckpoint) {
  TempDir dir;
  EXPECT_EQ(refusal(dir.path()),
            dir.path() + ": has neither model.safetensors nor model.safetensors.index.json");
  write_file(dir.file("pytorch_model.bin"), "PK");
  EXPECT_THAT(refusal(dir.path()), HasSubstr("pytorch_model.bin is PyTorch's pickle format"));
  EXPECT_EQ(refusal(dir.file("absent")), dir.file("absent") + ": no such folder");
}

TEST(SafetensorsFolderRefuses, ABrokenModelSafetensorsNamingIt) {
  TempDir dir;
  write_file(dir.file("model.safetensors"), "garbage!");
  EXPECT_THAT(refusal(dir.path()), StartsWith(dir.file("model.safetensors") + ": "));
}

TEST(SafetensorsFolderRefuses, IndexShardNamesOutsideTheFolder) {
  for (const char* shard :
       {"../model.safetensors", "/etc/passwd", "sub/x.safetensors", "..", "", "a\\\\b"}) {
    TempDir dir;
    write_sharded(dir, std::string(R"({"weight_map": {"wte.weight": ")") + shard + "\"}}");
    EXPECT_THAT(refusal(dir.path()),
                HasSubstr("tensor \"wte.weight\" is in \"" + std::string(shard) +
                          "\", which is not a file name inside the folder"))
        << shard;
  }
}

TEST(SafetensorsFolderRefuses, AMissingShardNamingIt) {
  TempDir dir;
  write_sharded(dir, R"({"weight_map": {"wte.weight": "model-00001-of-00002.safetensors",
                                        "h.1.x": "model-00003-of-00003.safetensors"}})");
  EXPECT_EQ(refusal(dir.path()), dir.file("model.safetensors.index.json") +
                                     ": lists shard files the folder does not have: "
                                     "\"model-00003-of-00003.safetensors\"");
}

TEST(SafetensorsFolderRefuses, AnIndexNamingATensorItsShardLacks) {
  TempDir dir;
  write_sharded(dir, R"({"weight_map": {
    "wte.weight": "model-00001-of-00002.safetensors",
    "h.0.ln_1.weight": "model-00001-of-00002.safetensors",
    "h.0.ln_1.bias": "model-00001-of-00002.safetensors"}})");
  EXPECT_THAT(refusal(dir.path()),
              HasSubstr("tensor \"h.0.ln_1.bias\" is listed in "
                        "\"model-00001-of-00002.safetensors\", but that file has no such tensor"));
}

TEST(SafetensorsFolderRefuses, AShardTensorTheIndexDoesNotList) {
  TempDir dir;
  write_sharded(dir, R"({"weight_map": {
    "wte.weight": "model-00001-of-00002.safetensors",
    "h.0.ln_1.bias": "model-00002-of-00002.safetensors"}})");
  EXPECT_EQ(refusal(dir.path()), dir.file("model-00001-of-00002.safetensors") +
                                     ": holds tensor \"h.0.ln_1.weight\", which the index does "
                                     "not list");
}

TEST(SafetensorsFolderRefuses, AnIndexWithoutAWeightMap) {
  TempDir dir;
  write_sharded(dir, R"({"metadata": {}})");
  EXPECT_EQ(refusal(dir.path()),
            dir.file("model.safetensors.index.json") + ": \"weight_map\" is missing");
  write_file(dir.file("model.safetensors.index.json"), R"({"weight_map": {"a": 3}})");
  EXPECT_THAT(refusal(dir.path()), HasSubstr("gives tensor \"a\" the file 3, not a file name"));
  write_file(dir.file("model.safetensors.index.json"), R"({"weight_map": )");
  EXPECT_THAT(refusal(dir.path()), HasSubstr("not valid JSON"));
}

// ---- WeightReader ---------------------------------------------------------------------------

std::shared_ptr<const TensorSource> gpt2_like(const TempDir& dir) {
  write_file(
      dir.file("model.safetensors"),
      make_safetensors({{"transformer.wte.weight", "F32", {3, 2}, f32_bytes({1, 2, 3, 4, 5, 6})},
                        {"transformer.h.0.ln_1.gamma", "F32", {2}, f32_bytes({1, 1})},
                        {"transformer.h.0.ln_1.beta", "F32", {2}, f32_bytes({0, 0.5f})},
                        {"h.0.attn.bias", "F32", {1, 1}, f32_bytes({1})},
                        {"lm_head.weight", "F32", {2}, f32_bytes({NAN, INFINITY})},
                        {"h.0.attn.masked_bias", "F32", {}, f32_bytes({-1e4f})}}));
  return open_ok(dir.path());
}

TEST(WeightReader, TakesTensorsUnderAnyPrefixAndLegacyName) {
  TempDir dir;
  auto source = gpt2_like(dir);
  ASSERT_TRUE(source);
  WeightReader reader(source, {"transformer.", "model."});
  EXPECT_TRUE(reader.has("wte.weight"));
  EXPECT_TRUE(reader.has("h.0.ln_1.weight"));  // stored as .gamma
  EXPECT_FALSE(reader.has("h.0.ln_2.weight"));
  const Matrix wte = reader.matrix("wte.weight", 3, 2);
  EXPECT_EQ(wte(0, 0), 1.0f);
  EXPECT_EQ(wte(0, 1), 2.0f);  // row-major as stored
  EXPECT_EQ(wte(2, 1), 6.0f);
  const RowVector gamma = reader.vector("h.0.ln_1.weight", 2);
  const RowVector beta = reader.vector("h.0.ln_1.bias", 2);
  EXPECT_EQ(gamma(1), 1.0f);
  EXPECT_EQ(beta(1), 0.5f);
  EXPECT_TRUE(reader.problems().empty());
  EXPECT_FALSE(reader.error().has_value());
  EXPECT_EQ(reader.parameters_read(), 10);
  EXPECT_EQ(reader.non_finite(), 0);
}

TEST(WeightReader, NamesEveryMissingAndMisshapedTensorInOneError) {
  TempDir dir;
  auto source = gpt2_like(dir);
  ASSERT_TRUE(source);
  WeightReader reader(source, {"transformer."});
  const Matrix wte = reader.matrix("wte.weight", 2, 3);  // stored 3 × 2
  EXPECT_EQ(wte.rows(), 2);
  EXPECT_TRUE((wte.array() == 0).all());
  reader.vector("h.0.ln_2.weight", 2);
  reader.vector("h.0.ln_1.bias", 3);
  ASSERT_EQ(reader.problems().size(), 3u);
  EXPECT_EQ(reader.problems()[0], "transformer.wte.weight: expected [2, 3], found [3, 2]");
  EXPECT_EQ(reader.problems()[1], "h.0.ln_2.weight: missing");
  EXPECT_EQ(reader.problems()[2], "transformer.h.0.ln_1.beta: expected [3], found [2]");
  const std::optional<Error> error = reader.error();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->field, InputField::Model);
  EXPECT_EQ(error->message, dir.path() +
                                ": 3 problems with the weights:\n"
                                "  transformer.wte.weight: expected [2, 3], found [3, 2]\n"
                                "  h.0.ln_2.weight: missing\n"
                                "  transformer.h.0.ln_1.beta: expected [3], found [2]");
  EXPECT_EQ(reader.parameters_read(), 0);
}

TEST(WeightReader, ShapeMessageOfAGpt2Projection) {
  TempDir dir;
  write_file(
      dir.file("model.safetensors"),
      make_safetensors(
          {{"h.3.attn.c_attn.weight", "BF16", {768, 2303}, std::string(768 * 2303 * 2, '\0')}}));
  auto source = open_ok(dir.path());
  ASSERT_TRUE(source);
  WeightReader reader(source, {"transformer."});
  reader.matrix("h.3.attn.c_attn.weight", 768, 2304);
  ASSERT_EQ(reader.problems().size(), 1u);
  EXPECT_EQ(reader.problems()[0],
            "h.3.attn.c_attn.weight: expected [768, 2304], found [768, 2303]");
  EXPECT_EQ(reader.error()->message,
            dir.path() + ": h.3.attn.c_attn.weight: expected [768, 2304], found [768, 2303]");
}

TEST(WeightReader, ListsUnexpectedNamesExceptIgnorableOnes) {
  TempDir dir;
  auto source = gpt2_like(dir);
  ASSERT_TRUE(source);
  WeightReader reader(source, {"transformer."});
  reader.matrix("wte.weight", 3, 2);
  reader.vector("h.0.ln_1.weight", 2);
  EXPECT_EQ(reader.unexpected({"attn.masked_bias", "attn.bias"}),
            (std::vector<std::string>{"transformer.h.0.ln_1.beta", "lm_head.weight"}));
  EXPECT_EQ(reader.unexpected({}).size(), 4u);
}

TEST(WeightReader, CountsNonFiniteValues) {
  TempDir dir;
  auto source = gpt2_like(dir);
  ASSERT_TRUE(source);
  WeightReader reader(source, {});
  const RowVector head = reader.vector("lm_head.weight", 2);
  EXPECT_TRUE(std::isnan(head(0)));
  EXPECT_EQ(reader.non_finite(), 2);
  EXPECT_EQ(reader.parameters_read(), 2);
}

TEST(MemoryBudget, RefusesModelsOver16GiBOfFloat32) {
  const std::uint64_t limit = kMaxModelBytes / 4;
  EXPECT_EQ(limit, std::uint64_t{4} << 30);
  EXPECT_FALSE(check_memory_budget(limit).has_value());
  EXPECT_FALSE(check_memory_budget(124'439'808).has_value());  // GPT-2 small
  const std::optional<Error> seven_b = check_memory_budget(6'738'415'616, "llama-7b");
  ASSERT_TRUE(seven_b.has_value());
  EXPECT_EQ(seven_b->field, InputField::Model);
  EXPECT_EQ(seven_b->message,
            "llama-7b: the model has 6738415616 parameters and would need 25.1 GiB of float32 "
            "memory; attnviz loads models up to 16 GiB");
  const std::optional<Error> absurd =
      check_memory_budget(std::numeric_limits<std::uint64_t>::max());
  ASSERT_TRUE(absurd.has_value());
  EXPECT_THAT(absurd->message, StartsWith("the model has 18446744073709551615 parameters"));
  TempDir dir;
  write_file(dir.file("model.safetensors"), make_safetensors({}));
  auto source = open_ok(dir.path());
  ASSERT_TRUE(source);
  WeightReader reader(source, {});
  ASSERT_TRUE(reader.check_memory_budget(limit + 1).has_value());
  EXPECT_THAT(reader.check_memory_budget(limit + 1)->message, StartsWith(dir.path() + ": "));
}

}  // namespace
}  // namespace attn
