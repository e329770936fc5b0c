// safetensors files: exact float32 conversion, valid layouts read back, and one test per
// refusal (each with its message), as huggingface/safetensors validate() refuses them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "attn/io/safetensors.h"
#include "safetensors_writer.h"

namespace attn {
namespace {

using testing::f32_bytes;
using ::testing::HasSubstr;
using testing::make_safetensors;
using testing::safetensors_bytes;
using ::testing::StartsWith;
using testing::TempDir;
using testing::TensorBytes;
using testing::u16_bytes;
using testing::write_file;

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// The value binary16 bits stand for, from the IEEE 754 definition (not from bit shuffling).
double f16_reference(std::uint16_t h) {
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  const int exponent = (h >> 10) & 0x1F;
  const int mantissa = h & 0x3FF;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);  // 2⁻¹⁴ · m/1024
  if (exponent == 31) return mantissa == 0 ? sign * HUGE_VAL : std::nan("");
  return sign * std::ldexp(1024 + mantissa, exponent - 25);  // 2^(e−15) · (1 + m/1024)
}

double bf16_reference(std::uint16_t h) {
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  const int exponent = (h >> 7) & 0xFF;
  const int mantissa = h & 0x7F;
  if (exponent == 0) return sign * std::ldexp(mantissa, -133);  // 2⁻¹²⁶ · m/128
  if (exponent == 255) return mantissa == 0 ? sign * HUGE_VAL : std::nan("");
  return sign * std::ldexp(128 + mantissa, exponent - 134);  // 2^(e−127) · (1 + m/128)
}

TEST(HalfConversion, EveryF16BitPatternIsTheValueTheStandardDefines) {
  for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float got = f16_to_float(bits);
    const double want = f16_reference(bits);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << std::hex << h;
      // sign and payload survive (the payload moves to the top of float32's mantissa)
      ASSERT_EQ(bits_of(got), ((h & 0x8000u) << 16) | 0x7F800000u | ((h & 0x3FFu) << 13))
          << std::hex << h;
    } else {
      ASSERT_EQ(bits_of(got), bits_of(static_cast<float>(want))) << std::hex << h;
      ASSERT_EQ(static_cast<double>(got), want) << std::hex << h;  // float32 holds it exactly
    }
  }
  EXPECT_EQ(f16_to_float(0x3C00), 1.0f);
  EXPECT_EQ(f16_to_float(0xC000), -2.0f);
  EXPECT_EQ(f16_to_float(0x7BFF), 65504.0f);
  EXPECT_EQ(f16_to_float(0x0001), std::ldexp(1.0f, -24));
}

TEST(HalfConversion, EveryBf16BitPatternIsTheValueTheFormatDefines) {
  for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float got = bf16_to_float(bits);
    const double want = bf16_reference(bits);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << std::hex << h;
      ASSERT_EQ(bits_of(got), h << 16) << std::hex << h;
    } else {
      ASSERT_EQ(bits_of(got), bits_of(static_cast<float>(want))) << std::hex << h;
      ASSERT_EQ(static_cast<double>(got), want) << std::hex << h;
    }
  }
  EXPECT_EQ(bf16_to_float(0x3F80), 1.0f);
  EXPECT_EQ(bf16_to_float(0xC049), -3.140625f);
}

std::shared_ptr<const SafetensorsFile> open_ok(const std::string& path) {
  Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(path);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
  return file.ok() ? file.value() : nullptr;
}

// The message of a refused file, which must start with its path.
std::string refusal(const std::string& path, const std::string& bytes) {
  write_file(path, bytes);
  Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(path);
  EXPECT_FALSE(file.ok()) << path << " was accepted";
  if (file.ok()) return "";
  EXPECT_EQ(file.error().field, InputField::Model);
  EXPECT_THAT(file.error().message, StartsWith(path + ": "));
  return file.error().message;
}

TEST(Safetensors, ReadsF32F16AndBf16Exactly) {
  TempDir dir;
  const std::vector<float> f32{1.5f,
                               -0.0f,
                               std::numeric_limits<float>::denorm_min(),
                               3e38f,
                               -std::numeric_limits<float>::infinity(),
                               0.1f};
  const std::vector<std::uint16_t> f16{0x3C00, 0x8001, 0x7BFF, 0xFC00, 0x3555};
  const std::vector<std::uint16_t> bf16{0x3F80, 0xC049, 0x0001, 0x7F7F};
  write_file(dir.file("a.safetensors"),
             make_safetensors({{"w32", "F32", {2, 3}, f32_bytes(f32)},
                               {"w16", "F16", {5}, u16_bytes(f16)},
                               {"wb16", "BF16", {2, 2}, u16_bytes(bf16)}}));
  auto file = open_ok(dir.file("a.safetensors"));
  ASSERT_TRUE(file);
  ASSERT_EQ(file->tensors().size(), 3u);
  const TensorInfo* t32 = file->find("w32");
  ASSERT_NE(t32, nullptr);
  EXPECT_EQ(t32->dtype, DType::F32);
  EXPECT_EQ(t32->shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(t32->elements(), 6);
  EXPECT_EQ(t32->begin, 0u);
  EXPECT_EQ(t32->end, 24u);
  const std::vector<float> r32 = file->read(*t32);
  ASSERT_EQ(r32.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(bits_of(r32[i]), bits_of(f32[i])) << i;

  const std::vector<float> r16 = file->read(*file->find("w16"));
  ASSERT_EQ(r16.size(), 5u);
  EXPECT_EQ(r16[0], 1.0f);
  EXPECT_EQ(r16[1], -std::ldexp(1.0f, -24));
  EXPECT_EQ(r16[2], 65504.0f);
  EXPECT_EQ(r16[3], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(r16[4], 0.333251953125f);

  const std::vector<float> rb = file->read(*file->find("wb16"));
  ASSERT_EQ(rb.size(), 4u);
  EXPECT_EQ(rb[0], 1.0f);
  EXPECT_EQ(rb[1], -3.140625f);
  EXPECT_EQ(rb[2], std::ldexp(1.0f, -133));
  EXPECT_EQ(rb[3], std::ldexp(255.0f, 120));  // largest finite bfloat16: (2 − 2⁻⁷) · 2¹²⁷
  EXPECT_EQ(file->find("nothing"), nullptr);
  EXPECT_EQ(to_string(DType::BF16), "BF16");
}

TEST(Safetensors, ReadsDataAtUnalignedAddresses) {
  TempDir dir;
  const std::vector<TensorBytes> tensors{
      {"odd", "F16", {3}, u16_bytes({0x3C00, 0x4000, 0x4200})},  // 6 bytes: F32 after it at 6
      {"f", "F32", {4}, f32_bytes({1.25f, -2.5f, 1e-3f, 7.0f})}};
  std::string header = testing::safetensors_header(tensors);
  while ((8 + header.size()) % 8 != 3) header += ' ';  // data section starts at 8k + 3
  write_file(dir.file("u.safetensors"),
             safetensors_bytes(header, tensors[0].data + tensors[1].data));
  auto file = open_ok(dir.file("u.safetensors"));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->read(*file->find("odd")), (std::vector<float>{1.0f, 2.0f, 3.0f}));
  EXPECT_EQ(file->read(*file->find("f")), (std::vector<float>{1.25f, -2.5f, 1e-3f, 7.0f}));
}

TEST(Safetensors, EmptyTensorsScalarsAndMetadata) {
  TempDir dir;
  write_file(dir.file("e.safetensors"),
             make_safetensors({{"empty", "F32", {0, 5}, ""},
                               {"scalar", "F32", {}, f32_bytes({42.0f})},
                               {"empty2", "BF16", {3, 0}, ""},
                               {"last", "F16", {1}, u16_bytes({0xBC00})}},
                              {{"format", "pt"}, {"note", "雪"}}));
  auto file = open_ok(dir.file("e.safetensors"));
  ASSERT_TRUE(file);
  ASSERT_EQ(file->tensors().size(), 4u);
  EXPECT_EQ(file->find("empty")->elements(), 0);
  EXPECT_TRUE(file->read(*file->find("empty")).empty());
  EXPECT_TRUE(file->read(*file->find("empty2")).empty());
  const TensorInfo* scalar = file->find("scalar");
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(scalar->elements(), 1);
  EXPECT_EQ(file->read(*scalar), std::vector<float>{42.0f});
  EXPECT_EQ(file->read(*file->find("last")), std::vector<float>{-1.0f});
  EXPECT_EQ(file->metadata().at("format"), "pt");
  EXPECT_EQ(file->metadata().at("note"), "雪");
  // tensors() is in file order (by offset)
  EXPECT_EQ(file->tensors().back().name, "last");
}

TEST(Safetensors, AnEmptyHeaderWithNoDataIsAValidFile) {
  TempDir dir;
  write_file(dir.file("none.safetensors"), safetensors_bytes("{}", ""));
  auto file = open_ok(dir.file("none.safetensors"));
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->tensors().empty());
}

// JSON objects have no order: entries listed out of offset order are fine as long as, sorted by
// offset, they tile the data section (as in the reference implementation).
TEST(Safetensors, EntriesOutOfOffsetOrderInTheHeaderAreAccepted) {
  TempDir dir;
  const std::string header = R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  write_file(dir.file("o.safetensors"), safetensors_bytes(header, f32_bytes({1.0f, 2.0f})));
  auto file = open_ok(dir.file("o.safetensors"));
  ASSERT_TRUE(file);
  EXPECT_EQ(file->tensors()[0].name, "a");
  EXPECT_EQ(file->read(*file->find("b")), std::vector<float>{2.0f});
}

TEST(Safetensors, ParsesAHeaderWithoutAFile) {
  Expected<std::vector<TensorInfo>> tensors =
      parse_safetensors_header(R"({"x":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})", 8);
  ASSERT_TRUE(tensors.ok()) << tensors.error().message;
  ASSERT_EQ(tensors->size(), 1u);
  EXPECT_EQ(tensors->front().dtype, DType::BF16);
  Expected<std::vector<TensorInfo>> wrong =
      parse_safetensors_header(R"({"x":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})", 9);
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.error().message, HasSubstr("1 trailing bytes"));
}

// ---- refusals, one per problem -------------------------------------------------------------

TEST(SafetensorsRefuses, AFileShorterThanItsLengthField) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("s"), std::string("\x02\0\0", 3)), HasSubstr("too short"));
  EXPECT_THAT(refusal(dir.file("z"), ""), HasSubstr("too short for a safetensors file (0 bytes"));
}

TEST(SafetensorsRefuses, AHeaderLengthPastTheEndOfTheFile) {
  TempDir dir;
  std::string bytes = safetensors_bytes("{}", "");
  bytes[0] = 50;
  EXPECT_THAT(refusal(dir.file("h"), bytes),
              HasSubstr("the header length 50 runs past the end of the file (10 bytes)"));
}

TEST(SafetensorsRefuses, AHeaderOver100MB) {
  TempDir dir;
  std::string bytes = safetensors_bytes("{}", "");
  const std::uint64_t length = 100'000'001;
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(length >> (8 * i));
  EXPECT_THAT(refusal(dir.file("big"), bytes),
              HasSubstr("the header length 100000001 is over the limit of 100000000 bytes"));
  // A huge length field (a text file read as safetensors) is refused the same way.
  EXPECT_THAT(refusal(dir.file("text"), "hello world, not a checkpoint"),
              HasSubstr("is over the limit"));
}

TEST(SafetensorsRefuses, AHeaderThatIsNotUtf8) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("u"), safetensors_bytes("{\"a\xff\":1}", "")),
              HasSubstr("the header is not valid UTF-8 (byte 3 is 0xFF)"));
  // overlong "/" and a UTF-16 surrogate are not UTF-8 either
  EXPECT_THAT(refusal(dir.file("o"), safetensors_bytes("{\"\xc0\xaf\":1}", "")),
              HasSubstr("not valid UTF-8 (byte 2 is 0xC0)"));
  EXPECT_THAT(refusal(dir.file("s"), safetensors_bytes("{\"\xed\xa0\x80\":1}", "")),
              HasSubstr("not valid UTF-8 (byte 2 is 0xED)"));
}

TEST(SafetensorsRefuses, AHeaderThatIsNotJson) {
  TempDir dir;
  const std::string message =
      refusal(dir.file("j"), safetensors_bytes(R"({"a": {"dtype": "F32",})", ""));
  EXPECT_THAT(message, HasSubstr("the header is not valid JSON (parse error at line 1"));
  EXPECT_THAT(refusal(dir.file("nan"), safetensors_bytes(R"({"a": NaN})", "")),
              HasSubstr("not valid JSON"));
  EXPECT_THAT(refusal(dir.file("two"), safetensors_bytes("{} {}", "")),
              HasSubstr("not valid JSON"));
}

TEST(SafetensorsRefuses, AHeaderThatIsNotAnObject) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("a"), safetensors_bytes("[1, 2]", "")),
              HasSubstr("the header is [...], not a JSON object"));
  EXPECT_THAT(refusal(dir.file("n"), safetensors_bytes("null", "")),
              HasSubstr("the header is null, not a JSON object"));
}

TEST(SafetensorsRefuses, AnEntryThatIsNotAnObject) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("e"), safetensors_bytes(R"({"w": [0, 4]})", "abcd")),
              HasSubstr("tensor \"w\": its entry is [...], not an object"));
}

TEST(SafetensorsRefuses, AMissingDtype) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("d"),
                      safetensors_bytes(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", "abcd")),
              HasSubstr("tensor \"w\": \"dtype\" is missing"));
}

TEST(SafetensorsRefuses, AMissingShape) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("s"),
                      safetensors_bytes(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", "abcd")),
              HasSubstr("tensor \"w\": \"shape\" is missing"));
}

TEST(SafetensorsRefuses, MissingDataOffsets) {
  TempDir dir;
  EXPECT_THAT(
      refusal(dir.file("o"), safetensors_bytes(R"({"w":{"dtype":"F32","shape":[1]}})", "abcd")),
      HasSubstr("tensor \"w\": \"data_offsets\" is missing"));
  EXPECT_THAT(refusal(dir.file("o3"),
                      safetensors_bytes(
                          R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}})", "abcd")),
              HasSubstr("\"data_offsets\" is [0,4,8], not [begin, end]"));
}

TEST(SafetensorsRefuses, ANegativeDimension) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("n"),
                      safetensors_bytes(
                          R"({"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,4]}})", "abcd")),
              HasSubstr("tensor \"w\": shape [2,-1] has -1 where a dimension (an integer ≥ 0) "
                        "belongs"));
  EXPECT_THAT(refusal(dir.file("f"),
                      safetensors_bytes(
                          R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", "abcd")),
              HasSubstr("has 1.5 where a dimension"));
}

TEST(SafetensorsRefuses, OverlappingOffsets) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  EXPECT_THAT(refusal(dir.file("o"), safetensors_bytes(header, std::string(12, 'x'))),
              HasSubstr("tensor \"b\" begins at byte 4 but the previous tensor \"a\" ends at "
                        "byte 8 (they overlap)"));
}

TEST(SafetensorsRefuses, TwoTensorsOnTheSameBytes) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  EXPECT_THAT(refusal(dir.file("same"), safetensors_bytes(header, "abcd")),
              HasSubstr("(they overlap)"));
}

TEST(SafetensorsRefuses, AGapBetweenTensors) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  EXPECT_THAT(refusal(dir.file("g"), safetensors_bytes(header, std::string(12, 'x'))),
              HasSubstr("tensor \"b\" begins at byte 8 but the previous tensor \"a\" ends at "
                        "byte 4 (a gap)"));
}

TEST(SafetensorsRefuses, DataThatDoesNotStartAtByteZero) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("z"),
                      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                        "12345678")),
              HasSubstr("tensor \"a\" begins at byte 4 but the data section starts at byte 0 "
                        "(a gap)"));
}

TEST(SafetensorsRefuses, OffsetsThatEndBeforeTheyBegin) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("r"),
                      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})",
                                        "abcd")),
              HasSubstr("tensor \"a\": data_offsets [4, 0] end before they begin"));
}

TEST(SafetensorsRefuses, AByteSizeThatIsNotShapeTimesDtype) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("b"),
                      safetensors_bytes(R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}})",
                                        "abcd")),
              HasSubstr("tensor \"a\": data_offsets [0, 4] hold 4 bytes, but F16 [3] needs 6"));
}

TEST(SafetensorsRefuses, AShapeWhoseProductOverflows64Bits) {
  TempDir dir;
  // 2³² · 2³² elements: wraps to 0 in unchecked 64-bit maths, which would "match" [0, 0].
  EXPECT_THAT(
      refusal(dir.file("ov"), safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4294967296,)"
                                                R"(4294967296],"data_offsets":[0,0]}})",
                                                "")),
      HasSubstr("tensor \"a\": shape [4294967296,4294967296] of F32 has more bytes than 64 bits "
                "can count"));
  // 2⁶² elements fit, their 2⁶⁴ bytes do not
  EXPECT_THAT(refusal(dir.file("ov2"),
                      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4611686018427387904],)"
                                        R"("data_offsets":[0,0]}})",
                                        "")),
              HasSubstr("more bytes than 64 bits can count"));
}

TEST(SafetensorsRefuses, UnsupportedDtypesNamingTensorAndDtype) {
  TempDir dir;
  for (const char* dtype : {"F64", "I64", "BOOL", "F8_E4M3", "I8", "U8", "I32"}) {
    const std::string header =
        std::string(R"({"emb":{"dtype":")") + dtype + R"(","shape":[1],"data_offsets":[0,8]}})";
    EXPECT_THAT(refusal(dir.file(dtype), safetensors_bytes(header, std::string(8, 'x'))),
                HasSubstr(std::string("tensor \"emb\" has dtype \"") + dtype +
                          "\"; attnviz reads F32, F16 and BF16 only"));
  }
}

TEST(SafetensorsRefuses, AnUnknownDtype) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("q"),
                      safetensors_bytes(
                          R"({"w":{"dtype":"Q4_K","shape":[1],"data_offsets":[0,4]}})", "abcd")),
              HasSubstr("tensor \"w\" has dtype \"Q4_K\" (not a safetensors dtype); attnviz "
                        "reads F32, F16 and BF16 only"));
}

TEST(SafetensorsRefuses, TrailingBytes) {
  TempDir dir;
  std::string bytes = make_safetensors({{"a", "F32", {1}, f32_bytes({1.0f})}});
  bytes += "xyz";
  EXPECT_THAT(refusal(dir.file("t"), bytes),
              HasSubstr("3 trailing bytes after the last tensor (the tensors end at byte 4 of a "
                        "data section of 7)"));
}

TEST(SafetensorsRefuses, ATensorPastTheEndOfTheData) {
  TempDir dir;
  std::string bytes = make_safetensors({{"a", "F32", {2}, f32_bytes({1.0f, 2.0f})}});
  bytes.resize(bytes.size() - 4);
  EXPECT_THAT(refusal(dir.file("p"), bytes),
              HasSubstr("tensor \"a\" ends at byte 8, past the end of the data section (4 bytes)"));
}

TEST(SafetensorsRefuses, DuplicateTensorNames) {
  TempDir dir;
  const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})";
  EXPECT_THAT(refusal(dir.file("dup"), safetensors_bytes(header, std::string(8, 'x'))),
              HasSubstr("in the header, the key \"a\" appears twice in one object"));
}

TEST(SafetensorsRefuses, ADuplicateFieldInsideAnEntry) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("dupf"),
                      safetensors_bytes(R"({"a":{"dtype":"F16","dtype":"F32","shape":[1],)"
                                        R"("data_offsets":[0,4]}})",
                                        "abcd")),
              HasSubstr("the key \"dtype\" appears twice"));
}

TEST(SafetensorsRefuses, MetadataThatIsNotStringToString) {
  TempDir dir;
  EXPECT_THAT(refusal(dir.file("m"), safetensors_bytes(R"({"__metadata__":{"n":3}})", "")),
              HasSubstr("\"__metadata__\" maps \"n\" to 3; only strings are allowed"));
  EXPECT_THAT(refusal(dir.file("m2"), safetensors_bytes(R"({"__metadata__":"pt"})", "")),
              HasSubstr("\"__metadata__\" is \"pt\", not an object of strings"));
}

TEST(SafetensorsRefuses, DeeplyNestedJsonWithoutRecursingIntoIt) {
  TempDir dir;
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_THAT(refusal(dir.file("deep"), safetensors_bytes(deep, "")),
              HasSubstr("nested deeper than 64 levels"));
}

TEST(SafetensorsRefuses, PathsThatAreNotReadableFiles) {
  TempDir dir;
  Expected<std::shared_ptr<const SafetensorsFile>> missing =
      SafetensorsFile::open(dir.file("nope.safetensors"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            dir.file("nope.safetensors") + ": cannot open (No such file or directory)");
  Expected<std::shared_ptr<const SafetensorsFile>> folder = SafetensorsFile::open(dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().message, dir.path() + ": not a regular file");
}

TEST(SafetensorsRefuses, EveryTruncationOfAValidFile) {
  TempDir dir;
  const std::string bytes = make_safetensors({{"a", "F32", {2}, f32_bytes({1.0f, 2.0f})},
                                              {"b", "F16", {3}, u16_bytes({1, 2, 3})},
                                              {"c", "BF16", {}, u16_bytes({0x3F80})}},
                                             {{"format", "pt"}});
  write_file(dir.file("full"), bytes);
  ASSERT_TRUE(open_ok(dir.file("full")));
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::string path = dir.file("cut");
    write_file(path, bytes.substr(0, length));
    Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(path);
    ASSERT_FALSE(file.ok()) << "a prefix of " << length << " bytes was accepted";
    ASSERT_THAT(file.error().message, StartsWith(path + ": "));
  }
}

// Every byte of a small file set to values that matter to JSON and lengths: each variant is
// refused with a message or opens and reads back, never crashes (the sanitizer build watches).
TEST(SafetensorsRefuses, NoSingleByteChangeCrashes) {
  TempDir dir;
  const std::string bytes = make_safetensors(
      {{"a", "F16", {2}, u16_bytes({1, 2})}, {"b", "F32", {1, 1}, f32_bytes({3.0f})}});
  int opened = 0;
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (const char value : {'\0', '\xff', '"', '{', '}', '9', '-', ',', '\x80'}) {
      std::string changed = bytes;
      changed[at] = value;
      const std::string path = dir.file("x");
      write_file(path, changed);
      Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(path);
      if (!file.ok()) {
        ASSERT_THAT(file.error().message, StartsWith(path + ": "));
        continue;
      }
      ++opened;
      for (const TensorInfo& tensor : file.value()->tensors()) {
        ASSERT_EQ(file.value()->read(tensor).size(), static_cast<std::size_t>(tensor.elements()));
      }
    }
  }
  EXPECT_GT(opened, 0);  // changes inside the data section are still valid files
}

// ---- memory ---------------------------------------------------------------------------------

// A /proc/self/status field in kB ("RssFile", "VmHWM", …), or -1.
long status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

// Reading every tensor leaves the file's pages out of this process: the resident file-backed
// memory does not grow by the file's size, and the peak stays near the float32 copies. (Bounds
// are fractions of the file, so that the sanitizers' own overhead does not matter.)
TEST(SafetensorsMemory, ReadingEveryTensorReleasesTheFilePagesItRead) {
  if (status_kb("RssFile") < 0) GTEST_SKIP() << "no RssFile in /proc/self/status";
  TempDir dir;
  const std::size_t per_tensor = 2048 * 1024;  // floats: 8 MiB each, 32 MiB in all
  const long file_kb = 4 * static_cast<long>(per_tensor) * 4 / 1024;
  std::vector<TensorBytes> tensors;
  for (int t = 0; t < 4; ++t) {
    std::vector<float> values(per_tensor);
    for (std::size_t i = 0; i < per_tensor; ++i) {
      values[i] = static_cast<float>(t) + 0.5f * static_cast<float>(i);
    }
    tensors.push_back({"t" + std::to_string(t), "F32", {2048, 1024}, f32_bytes(values)});
  }
  write_file(dir.file("m.safetensors"), make_safetensors(tensors));
  tensors.clear();
  tensors.shrink_to_fit();

  const long file_before = status_kb("RssFile");
  const long rss_before = status_kb("VmRSS");
  {
    std::ofstream reset("/proc/self/clear_refs");  // resets VmHWM to the current VmRSS
    reset << "5";
  }
  std::vector<std::vector<float>> read;
  {
    auto file = open_ok(dir.file("m.safetensors"));
    ASSERT_TRUE(file);
    for (const TensorInfo& tensor : file->tensors()) read.push_back(file->read(tensor));
    const long file_growth = status_kb("RssFile") - file_before;
    RecordProperty("rss_file_growth_kb", std::to_string(file_growth));
    EXPECT_LT(file_growth, file_kb / 8)
        << "kB of the " << file_kb << " kB file still resident after reading it";
  }
  const long peak_growth = status_kb("VmHWM") - rss_before;
  RecordProperty("peak_growth_kb", std::to_string(peak_growth));
  // The float32 copies are file_kb; pages never released would add file_kb more. AddressSanitizer
  // adds shadow memory and a quarantine to every allocation, so its peak says nothing here.
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(peak_growth, file_kb + file_kb / 2);
#endif
  ASSERT_EQ(read.size(), 4u);
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(read[t][0], static_cast<float>(t));
    EXPECT_EQ(read[t][per_tensor - 1],
              static_cast<float>(t) + 0.5f * static_cast<float>(per_tensor - 1));
  }
}

}  // namespace
}  // namespace attn
