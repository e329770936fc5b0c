#include "safetensors_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace attn::testing {

TempDir::TempDir() {
  std::string pattern = ::testing::TempDir() + "attn-io-XXXXXX";
  char* made = ::mkdtemp(pattern.data());
  path_ = made != nullptr ? std::string(made) : std::string();
  EXPECT_FALSE(path_.empty()) << "mkdtemp failed for " << pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::file(const std::string& name) const { return path_ + "/" + name; }

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::string safetensors_bytes(const std::string& header_json, const std::string& data) {
  std::string out(8, '\0');
  std::uint64_t length = header_json.size();
  for (int i = 0; i < 8; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(length & 0xFF);
    length >>= 8;
  }
  return out + header_json + data;
}

std::string safetensors_header(const std::vector<TensorBytes>& tensors,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t at = 0;
  for (const TensorBytes& tensor : tensors) {
    header[tensor.name] = {{"dtype", tensor.dtype},
                           {"shape", tensor.shape},
                           {"data_offsets", {at, at + tensor.data.size()}}};
    at += tensor.data.size();
  }
  return header.dump();
}

std::string make_safetensors(const std::vector<TensorBytes>& tensors,
                             const std::map<std::string, std::string>& metadata, bool pad_to_8) {
  std::string header = safetensors_header(tensors, metadata);
  if (pad_to_8) {
    while ((8 + header.size()) % 8 != 0) header += ' ';
  }
  std::string data;
  for (const TensorBytes& tensor : tensors) data += tensor.data;
  return safetensors_bytes(header, data);
}

namespace {
template <class T>
std::string le_bytes(const std::vector<T>& values) {
  std::string out;
  for (const T& value : values) {
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof raw);  // the test machines are little-endian (x86, arm64)
    out.append(reinterpret_cast<const char*>(raw), sizeof raw);
  }
  return out;
}
}  // namespace

std::string f32_bytes(const std::vector<float>& values) { return le_bytes(values); }
std::string u16_bytes(const std::vector<std::uint16_t>& values) { return le_bytes(values); }
std::string i32_bytes(const std::vector<std::int32_t>& values) { return le_bytes(values); }

}  // namespace attn::testing
