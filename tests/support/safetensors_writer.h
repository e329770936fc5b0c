#pragma once

// Test-only: builds safetensors (and other checkpoint) bytes by hand, valid or crafted.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn::testing {

/// A fresh folder under the test's temporary directory, removed with its contents at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// path()/name
  std::string file(const std::string& name) const;

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& bytes);

/// One tensor for make_safetensors: its raw little-endian bytes.
struct TensorBytes {
  std::string name;
  std::string dtype;  ///< "F32", "F16", "BF16", or anything else for refusals
  std::vector<std::int64_t> shape;
  std::string data;
};

/// A header length (8 bytes, little-endian), then `header_json`, then `data`: for crafted files.
std::string safetensors_bytes(const std::string& header_json, const std::string& data);

/// A valid file with `tensors` stored contiguously in this order. `pad_to_8` pads the header
/// with spaces as the reference writer does; without it data starts at an odd offset when the
/// header length is odd.
std::string make_safetensors(const std::vector<TensorBytes>& tensors,
                             const std::map<std::string, std::string>& metadata = {},
                             bool pad_to_8 = true);

/// The header JSON make_safetensors would write (before padding).
std::string safetensors_header(const std::vector<TensorBytes>& tensors,
                               const std::map<std::string, std::string>& metadata = {});

std::string f32_bytes(const std::vector<float>& values);
std::string u16_bytes(const std::vector<std::uint16_t>& values);
std::string i32_bytes(const std::vector<std::int32_t>& values);

}  // namespace attn::testing
