#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"

namespace attn {

/// Element types attnviz reads; every one is converted to float32.
enum class DType { F32, F16, BF16 };

/// One tensor of a safetensors file, as its header describes it.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<std::int64_t> shape;  ///< row-major; {} is a scalar
  std::uint64_t begin = 0;          ///< byte offsets into the data section (after the header)
  std::uint64_t end = 0;
  std::int64_t elements() const;  ///< product of shape (checked when the file was opened)
};

/// A safetensors file (Hugging Face), memory-mapped and checked before any tensor is read:
/// 8-byte little-endian header length ≤ 100 MB and inside the file, the header valid UTF-8
/// JSON, every dtype supported, byte size = product(shape) × dtype size (overflow-checked),
/// tensors contiguous from offset 0 with no gap, overlap or trailing byte, no duplicate name.
/// Data may be unaligned. Move-only; the mapping lives as long as the object.
class SafetensorsFile {
 public:
  /// Opens and checks `path`; an Error (field Model) names the path and the problem.
  static Expected<std::shared_ptr<const SafetensorsFile>> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t file_size() const { return size_; }
  /// Every tensor in file order (by offset).
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  /// The tensor called `name`, or null.
  const TensorInfo* find(std::string_view name) const;
  /// The header's "__metadata__" strings.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// The tensor's elements as float32, row-major (F16 and BF16 converted exactly). The file's
  /// pages for this tensor are released afterwards, so reading a whole checkpoint peaks at
  /// about its float32 size, not twice that.
  std::vector<float> read(const TensorInfo& tensor) const;
  /// The same into `out` (tensor.elements() floats). `tensor` must be one of tensors() (or an
  /// equal copy); anything else writes nothing.
  void read_into(const TensorInfo& tensor, float* out) const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  int fd_ = -1;
  const unsigned char* map_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t data_begin_ = 0;  ///< 8 + header length
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::size_t, std::less<>> by_name_;
  std::map<std::string, std::string> metadata_;
};

/// Checks a safetensors header (the JSON text) against a data section of `data_size` bytes;
/// the same checks open() makes, without a file: the fuzzer's and the tests' entry point.
Expected<std::vector<TensorInfo>> parse_safetensors_header(std::string_view header_json,
                                                           std::uint64_t data_size);

std::string_view to_string(DType dtype);

/// Bytes per element: 4 for F32, 2 for F16 and BF16.
std::uint64_t dtype_size(DType dtype);

/// IEEE 754 binary16 bits → the float32 of the same value (every value, subnormals, ±0, ±Inf
/// and NaN with its payload are exact: binary16 ⊂ binary32).
float f16_to_float(std::uint16_t bits);
/// bfloat16 bits (the top half of a float32) → that float32.
float bf16_to_float(std::uint16_t bits);

/// The largest header safetensors accepts (huggingface/safetensors `MAX_HEADER_SIZE`).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

}  // namespace attn
