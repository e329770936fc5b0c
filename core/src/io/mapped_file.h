#pragma once

// Private to attn_core: a read-only memory mapping of a whole file, for the checkpoint readers.

#include <cstddef>
#include <cstdint>
#include <string>

#include "attn/expected.h"

namespace attn::detail {

/// A file mapped read-only (MAP_PRIVATE); unmapped when destroyed unless release()d.
class MappedFile {
 public:
  /// Maps `path` (a regular file; an empty file maps to no bytes). The Error (field Model)
  /// names the path and the system's reason.
  static Expected<MappedFile> open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  /// Gives up ownership: the caller unmaps with unmap(data, size).
  const unsigned char* release();

  const unsigned char* data = nullptr;
  std::uint64_t size = 0;

 private:
  MappedFile() = default;
};

void unmap(const unsigned char* data, std::uint64_t size);

/// Drops the pages that cover bytes [begin, end) of a mapping from this process (they come
/// back from the file if touched again), so a loader's resident memory stays near what it
/// converted, not the file plus the conversion.
void release_pages(const unsigned char* map, std::uint64_t begin, std::uint64_t end);

/// `n` little-endian float32 values at `bytes` (any alignment) into `out`.
void copy_f32_le(const unsigned char* bytes, std::size_t n, float* out);

}  // namespace attn::detail
