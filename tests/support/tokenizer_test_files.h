#pragma once

// Test helpers for the tokenizers: where the real vocabularies are, and temporary files.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "attn/text/tokenizer.h"

namespace attn::testing {

/// ../shared/data beside the source tree (set by tests/CMakeLists.txt), or "" when absent.
inline std::string shared_data(const std::string& sub) {
#ifdef ATTN_SHARED_DATA
  const std::filesystem::path path = std::filesystem::path(ATTN_SHARED_DATA) / sub;
  if (std::filesystem::exists(path)) return path.string();
#else
  static_cast<void>(sub);
#endif
  return {};
}

/// A fresh, empty folder under the system temp folder, removed when the object goes.
class TempFolder {
 public:
  explicit TempFolder(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("attn-" + name + "-" + (info ? std::string(info->name()) : "x") + "-" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  /// Writes `bytes` to `name` inside the folder and returns the file's path.
  std::string write(const std::string& name, std::string_view bytes) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

/// Checks that consecutive tokens' spans are contiguous and cover all of `text`.
inline void expect_spans_cover(const std::vector<Token>& tokens, std::string_view text) {
  std::size_t at = 0;
  for (const Token& token : tokens) {
    EXPECT_EQ(token.begin, at) << "token \"" << token.text << "\" in \"" << text << "\"";
    EXPECT_LE(token.begin, token.end);
    at = token.end;
  }
  EXPECT_EQ(at, text.size()) << text;
}

}  // namespace attn::testing
