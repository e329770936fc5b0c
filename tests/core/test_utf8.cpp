#include <gtest/gtest.h>

#include <string>

#include "attn/text/utf8.h"

namespace attn {
namespace {

TEST(Utf8, DecodesAsciiCjkAndEmojiWithByteSpans) {
  const Utf8Decoding d = decode_utf8("a猫😀");
  ASSERT_TRUE(d.valid);
  ASSERT_EQ(d.code_points.size(), 3u);
  EXPECT_EQ(d.code_points[0].value, U'a');
  EXPECT_EQ(d.code_points[1].value, U'猫');
  EXPECT_EQ(d.code_points[1].begin, 1u);
  EXPECT_EQ(d.code_points[1].end, 4u);
  EXPECT_EQ(d.code_points[2].value, char32_t{0x1F600});
  EXPECT_EQ(d.code_points[2].end, 8u);
}

TEST(Utf8, EmptyTextIsValidAndEmpty) {
  const Utf8Decoding d = decode_utf8("");
  EXPECT_TRUE(d.valid);
  EXPECT_TRUE(d.code_points.empty());
}

struct BadCase {
  const char* name;
  const char* bytes;
  const char* expected_problem;
};

class Utf8Invalid : public ::testing::TestWithParam<BadCase> {};

TEST_P(Utf8Invalid, IsRejectedWithThePlaceNamed) {
  const Utf8Decoding d = decode_utf8(GetParam().bytes);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(d.problem, GetParam().expected_problem);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Utf8Invalid,
    ::testing::Values(
        BadCase{"BadFirstByte", "ab\xFF", "invalid UTF-8 at byte 2 (0xFF: not a valid first byte)"},
        BadCase{"LoneContinuation", "\x80",
                "invalid UTF-8 at byte 0 (0x80: not a valid first byte)"},
        BadCase{"Truncated", "x\xE7\x8C",
                "invalid UTF-8 at byte 1 (0xE7: sequence cut off at the end)"},
        BadCase{"MissingContinuation", "\xE7\x41\x41",
                "invalid UTF-8 at byte 1 (0x41: expected a continuation byte)"},
        BadCase{"Overlong", "\xC0\x80",
                "invalid UTF-8 at byte 0 (0xC0: overlong, surrogate or out of range)"},
        BadCase{"Surrogate", "\xED\xA0\x80",
                "invalid UTF-8 at byte 0 (0xED: overlong, surrogate or out of range)"},
        BadCase{"AboveMaxCodePoint", "\xF4\x90\x80\x80",
                "invalid UTF-8 at byte 0 (0xF4: overlong, surrogate or out of range)"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace attn
