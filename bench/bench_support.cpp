#include "bench_support.h"

#include <omp.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace attn::bench {
namespace {

// A paragraph with ordinary words, numbers and punctuation, so the tokens look like a lesson's.
constexpr const char* kParagraph =
    "The animal didn't cross the street because it was too tired. Attention lets every token "
    "look back at the tokens before it and decide how much each one matters. In a classroom, "
    "a teacher types a sentence, and the heatmaps show which words a head connects: pronouns "
    "with their nouns, verbs with their subjects, commas with the clause they close. GPT-2 "
    "small has 12 layers of 12 heads each, 144 heatmaps for one sentence, and 1,024 positions "
    "of context. Some heads follow the previous token, some look at the first token, and a few "
    "track syntax across a whole paragraph of text.";

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

Expected<int> count(const SubwordTokenizer& tokenizer, const std::string& text) {
  Expected<std::vector<Token>> tokens = tokenizer.encode(text);
  if (!tokens) return tokens.error();
  return static_cast<int>(tokens->size());
}

template <typename T>
bool write_npy_raw(const std::string& path, const char* descr, const std::string& shape,
                   const T* data, std::size_t n) {
  // NPY format 1.0: magic, version, u16 header length, a dict padded so data starts at a
  // multiple of 64 bytes.
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const std::size_t unpadded = 10 + header.size() + 1;
  header += std::string((64 - unpadded % 64) % 64, ' ') + "\n";
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto length = static_cast<std::uint16_t>(header.size());
  const char length_bytes[2] = {static_cast<char>(length & 0xff), static_cast<char>(length >> 8)};
  out.write(length_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
  return static_cast<bool>(out);
}

}  // namespace

Expected<std::string> text_of_tokens(const SubwordTokenizer& tokenizer, int n) {
  if (n < 1) return Error{InputField::Source, "n must be at least 1"};
  const std::vector<std::string> words = words_of(kParagraph);
  // Each word with its leading space is its own pre-tokenizer chunk for GPT-2 ("street." is
  // " street" + "."), so counts add up; the whole text is counted again at the end.
  std::string text;
  int total = 0;
  for (std::size_t i = 0;; ++i) {
    const std::string piece = (text.empty() ? "" : " ") + words[i % words.size()];
    Expected<int> tokens = count(tokenizer, piece);
    if (!tokens) return tokens.error();
    if (total + tokens.value() > n) break;
    text += piece;
    total += tokens.value();
  }
  for (;;) {
    Expected<int> tokens = count(tokenizer, text);
    if (!tokens) return tokens.error();
    if (tokens.value() == n) return text;
    if (tokens.value() > n) {
      const std::size_t space = text.rfind(' ');
      if (space == std::string::npos) break;
      text.erase(space);
      continue;
    }
    text += text.empty() ? "the" : " the";
  }
  return Error{InputField::Source,
               "cannot build a text of exactly " + std::to_string(n) + " tokens"};
}

int engine_threads() { return omp_get_max_threads(); }

std::int64_t proc_status_kb(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      long long kb = -1;
      if (std::sscanf(line.c_str() + field.size() + 1, "%lld", &kb) == 1) return kb;
    }
  }
  return -1;
}

bool write_npy(const std::string& path, const Matrix& matrix) {
  // Matrix is row-major (attn/matrix.h), so data() is already C order.
  const std::string shape =
      "(" + std::to_string(matrix.rows()) + ", " + std::to_string(matrix.cols()) + ")";
  return write_npy_raw(path, "<f4", shape, matrix.data(), static_cast<std::size_t>(matrix.size()));
}

bool write_npy(const std::string& path, const std::vector<int>& values) {
  const std::string shape = "(" + std::to_string(values.size()) + ",)";
  return write_npy_raw(path, "<i4", shape, values.data(), values.size());
}

}  // namespace attn::bench
