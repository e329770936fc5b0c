#pragma once
// Shared by the libFuzzer harnesses: splitting one input into files and text, a file in memory
// for the APIs that open a path, the seed file a harness builds its fixed tokenizer from, and
// the checks every tokenizer's output must pass.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "attn/text/subword_tokenizer.h"

namespace attn::fuzz {

/// What separates the files (and the text) inside one input: "\n--8<--\n".
inline constexpr std::string_view kSeparator = "\n--8<--\n";

/// `data` cut at every separator; always at least one part.
inline std::vector<std::string_view> split_parts(std::string_view data) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (true) {
    const std::size_t found = data.find(kSeparator, at);
    if (found == std::string_view::npos) break;
    parts.push_back(data.substr(at, found - at));
    at = found + kSeparator.size();
  }
  parts.push_back(data.substr(at));
  return parts;
}

/// A crash with a message: what a harness does when an invariant does not hold.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
  std::abort();
}

/// An in-memory file (memfd) holding the bytes of the current input, for APIs that take a path:
/// nothing touches a disk. path() is /proc/self/fd/N.
class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("attnviz-fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) fail("memfd_create");
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  /// Replaces the contents with `bytes`.
  void set(std::string_view bytes) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t wrote =
          ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (wrote <= 0) fail("pwrite");
      done += static_cast<std::size_t>(wrote);
    }
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

/// The bytes of a committed seed: tests/fuzz/corpus/<harness>/<name>.
inline std::string read_seed(const std::string& harness, const std::string& name) {
  const std::string path = std::string(ATTN_FUZZ_CORPUS) + "/" + harness + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read the seed " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Encodes `text` and checks what every tokenizer promises: an Error only for invalid UTF-8,
/// ids inside the vocabulary, spans in order inside the text; then decodes the ids.
inline void check_encoding(const SubwordTokenizer& tokenizer, std::string_view text) {
  Expected<std::vector<Token>> tokens = tokenizer.encode(text);
  if (!tokens) return;
  std::vector<int> ids;
  std::size_t last_begin = 0;
  for (const Token& token : *tokens) {
    if (token.id < 0 || token.id >= tokenizer.vocab_size())
      fail("id " + std::to_string(token.id) + " outside the vocabulary of " +
           std::to_string(tokenizer.vocab_size()));
    if (token.begin > token.end || token.end > text.size() || token.begin < last_begin)
      fail("span [" + std::to_string(token.begin) + ", " + std::to_string(token.end) +
           ") out of order or outside a text of " + std::to_string(text.size()) + " bytes");
    last_begin = token.begin;
    ids.push_back(token.id);
    (void)tokenizer.piece(token.id);
  }
  (void)tokenizer.decode(ids);
  (void)tokenizer.piece(-1);
  (void)tokenizer.piece(tokenizer.vocab_size());
  (void)tokenizer.special_id(text);
}

/// A fixed text with letters, digits, spaces, CJK and an emoji, for a tokenizer the input built.
inline constexpr std::string_view kSampleText = "Hello world, it's 2024!  naïve 我爱你 🙂\n";

}  // namespace attn::fuzz
