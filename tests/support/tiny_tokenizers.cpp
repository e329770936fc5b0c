#include "tiny_tokenizers.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace attn::testing {
namespace {

void write_text(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string utf8(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// GPT-2's bytes_to_unicode, in its order: printable bytes map to themselves, the rest to 256+.
std::vector<std::string> byte_symbols_in_gpt2_order() {
  std::vector<int> printable;
  for (int b = '!'; b <= '~'; ++b) printable.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) printable.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) printable.push_back(b);
  std::vector<std::string> symbol(256);
  std::vector<bool> done(256, false);
  for (int b : printable) {
    symbol[b] = utf8(static_cast<std::uint32_t>(b));
    done[b] = true;
  }
  int next = 0;
  std::vector<std::string> ordered;
  for (int b : printable) ordered.push_back(symbol[b]);
  for (int b = 0; b < 256; ++b) {
    if (done[b]) continue;
    symbol[b] = utf8(static_cast<std::uint32_t>(256 + next++));
    ordered.push_back(symbol[b]);
  }
  return ordered;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void write_byte_level_bpe(const std::string& folder, int vocab_size) {
  std::vector<std::string> vocab = byte_symbols_in_gpt2_order();
  const std::string space = utf8(0x120);  // Ġ, the byte symbol of ' '
  const std::vector<std::pair<std::string, std::string>> all_merges = {
      {space, "t"}, {"h", "e"},   {space + "t", "he"}, {space, "a"},        {"i", "n"},
      {space, "c"}, {"a", "t"},   {space + "c", "at"}, {space, "s"},        {space + "s", "at"},
      {"o", "n"},   {space, "o"}, {space + "o", "n"},  {space, "m"},        {space + "m", "at"},
      {"e", "r"},   {space, "w"}, {"a", "s"},          {space + "w", "as"}, {"i", "t"}};
  std::string merges = "#version: 0.2\n";
  for (const auto& [a, b] : all_merges) {
    if (static_cast<int>(vocab.size()) >= vocab_size) break;
    vocab.push_back(a + b);
    merges += a + " " + b + "\n";
  }
  std::string json = "{";
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    json += (id == 0 ? "" : ",") + json_string(vocab[id]) + ":" + std::to_string(id);
  }
  json += "}";
  write_text(folder + "/vocab.json", json);
  write_text(folder + "/merges.txt", merges);
}

void write_wordpiece_vocab(const std::string& folder, int vocab_size) {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  for (char c = 'a'; c <= 'z'; ++c) vocab.push_back(std::string(1, c));
  for (char c = 'a'; c <= 'z'; ++c) vocab.push_back("##" + std::string(1, c));
  for (const char* word : {".", ",", "'", "!", "?", "the", "cat", "sat", "on", "mat", "it", "was",
                           "animal", "street", "because", "tired", "##s", "##ed", "##ing"}) {
    vocab.push_back(word);
  }
  std::string text;
  for (int id = 0; id < vocab_size; ++id) {
    text +=
        (id < static_cast<int>(vocab.size()) ? vocab[id] : "[unused" + std::to_string(id) + "]");
    text += "\n";
  }
  write_text(folder + "/vocab.txt", text);
}

void write_llama2c_tokenizer(const std::string& path, int vocab_size) {
  struct Entry {
    std::string piece;
    float score;
  };
  std::vector<Entry> entries = {{"<unk>", 0}, {"\n<s>\n", 0}, {"\n</s>\n", 0}};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    entries.push_back({name, 0});
  }
  const std::vector<std::string> pieces = {" ",   "t",  "h",    "e",  "a",    "c",    "s",  "o",
                                           "n",   "m",  "w",    "i",  "r",    "d",    "l",  "y",
                                           " t",  "he", " the", " c", " ca",  " cat", "at", " s",
                                           " sa", "on", " on",  " m", " mat", "in",   "er", " w"};
  float score = -1;
  for (const std::string& piece : pieces) {
    if (static_cast<int>(entries.size()) >= vocab_size) break;
    entries.push_back({piece, score});
    score -= 1;
  }
  while (static_cast<int>(entries.size()) < vocab_size) {
    entries.push_back({"<pad" + std::to_string(entries.size()) + ">", -1000});
  }
  std::string bytes;
  auto put = [&bytes](const void* data, std::size_t size) {
    bytes.append(static_cast<const char*>(data), size);
  };
  std::int32_t max_length = 0;
  for (const Entry& e : entries) max_length = std::max(max_length, std::int32_t(e.piece.size()));
  put(&max_length, 4);
  for (const Entry& e : entries) {
    const std::int32_t length = static_cast<std::int32_t>(e.piece.size());
    put(&e.score, 4);
    put(&length, 4);
    put(e.piece.data(), e.piece.size());
  }
  write_text(path, bytes);
}

}  // namespace attn::testing
