#include "io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace attn::detail {

Expected<MappedFile> MappedFile::open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Error{InputField::Model, path + ": cannot open (" + std::strerror(errno) + ")"};
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    const int error = errno;
    ::close(fd);
    return Error{InputField::Model, path + ": cannot read (" + std::strerror(error) + ")"};
  }
  if (!S_ISREG(status.st_mode)) {
    ::close(fd);
    return Error{InputField::Model, path + ": not a regular file"};
  }
  MappedFile file;
  file.size = static_cast<std::uint64_t>(status.st_size);
  if (file.size > std::numeric_limits<std::size_t>::max()) {
    ::close(fd);
    return Error{InputField::Model, path + ": too large to map"};
  }
  if (file.size > 0) {
    void* map = ::mmap(nullptr, static_cast<std::size_t>(file.size), PROT_READ, MAP_PRIVATE, fd, 0);
    const int error = errno;
    ::close(fd);  // the mapping keeps the file
    if (map == MAP_FAILED) {
      return Error{InputField::Model, path + ": cannot map (" + std::strerror(error) + ")"};
    }
    file.data = static_cast<const unsigned char*>(map);
  } else {
    ::close(fd);
  }
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept : data(other.data), size(other.size) {
  other.data = nullptr;
  other.size = 0;
}

MappedFile::~MappedFile() { unmap(data, size); }

const unsigned char* MappedFile::release() {
  const unsigned char* out = data;
  data = nullptr;
  size = 0;
  return out;
}

void unmap(const unsigned char* data, std::uint64_t size) {
  if (data != nullptr && size > 0) {
    ::munmap(const_cast<unsigned char*>(data), static_cast<std::size_t>(size));
  }
}

void release_pages(const unsigned char* map, std::uint64_t begin, std::uint64_t end) {
  if (map == nullptr || end <= begin) return;
  static const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const auto base = reinterpret_cast<std::uintptr_t>(map);  // page-aligned: mmap returned it
  const std::uint64_t first = begin / page * page;
  const std::uint64_t last = (end + page - 1) / page * page;
  // Advice only: a failure costs memory, never data (MAP_PRIVATE pages never written are
  // re-read from the file). The last page may lie past the end of the file but still inside
  // the mapping, which the kernel rounds up to whole pages.
  ::madvise(reinterpret_cast<void*>(base + first), static_cast<std::size_t>(last - first),
            MADV_DONTNEED);
}

void copy_f32_le(const unsigned char* bytes, std::size_t n, float* out) {
  if (n == 0) return;  // an empty tensor: memcpy must not see its null pointers
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(out, bytes, n * sizeof(float));
#else
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char* p = bytes + 4 * i;
    const std::uint32_t bits =
        static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
        (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    std::memcpy(out + i, &bits, sizeof bits);
  }
#endif
}

}  // namespace attn::detail
