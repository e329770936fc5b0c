#include "attn/io/llama2c_file.h"

#include <cstring>
#include <initializer_list>
#include <limits>
#include <utility>

#include "io/mapped_file.h"

namespace attn {
namespace {

constexpr std::uint64_t kHeaderBytes = 7 * 4;
// export.py versions 1 and 2 start with this magic ("ak42" read as a little-endian uint32).
constexpr std::uint32_t kExportMagic = 0x616b3432;

std::uint32_t load_u32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::int32_t load_i32(const unsigned char* p) {
  const std::uint32_t bits = load_u32(p);
  std::int32_t value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// A sum of products of non-negative factors that fails instead of wrapping around.
class CheckedSum {
 public:
  void add(std::initializer_list<std::uint64_t> factors) {
    std::uint64_t product = 1;
    for (std::uint64_t factor : factors) {
      if (factor != 0 && product > std::numeric_limits<std::uint64_t>::max() / factor) {
        overflow_ = true;
        return;
      }
      product *= factor;
    }
    if (total_ > std::numeric_limits<std::uint64_t>::max() - product) {
      overflow_ = true;
      return;
    }
    total_ += product;
  }
  bool overflow() const { return overflow_; }
  std::uint64_t total() const { return total_; }

 private:
  std::uint64_t total_ = 0;
  bool overflow_ = false;
};

struct Dimensions {
  std::uint64_t dim, hidden, layers, kv_dim, vocab, rope_half;
};

Dimensions dimensions_of(const Llama2cHeader& h) {
  const auto head_size = static_cast<std::uint64_t>(h.dim / h.n_heads);
  return {static_cast<std::uint64_t>(h.dim),
          static_cast<std::uint64_t>(h.hidden_dim),
          static_cast<std::uint64_t>(h.n_layers),
          head_size * static_cast<std::uint64_t>(h.n_kv_heads),
          static_cast<std::uint64_t>(h.vocab_size),
          static_cast<std::uint64_t>(h.seq_len) * head_size / 2};
}

// Bytes of the whole file as run.c's memory_map_weights() walks it, or nothing on overflow.
bool expected_file_size(const Llama2cHeader& h, std::uint64_t* bytes) {
  const Dimensions d = dimensions_of(h);
  CheckedSum floats;
  floats.add({d.vocab, d.dim});                            // token_embedding_table
  floats.add({d.layers, d.dim});                           // rms_att_weight
  floats.add({d.layers, d.dim, d.dim});                    // wq
  floats.add({d.layers, d.kv_dim, d.dim});                 // wk
  floats.add({d.layers, d.kv_dim, d.dim});                 // wv
  floats.add({d.layers, d.dim, d.dim});                    // wo
  floats.add({d.layers, d.dim});                           // rms_ffn_weight
  floats.add({d.layers, d.hidden, d.dim});                 // w1
  floats.add({d.layers, d.dim, d.hidden});                 // w2
  floats.add({d.layers, d.hidden, d.dim});                 // w3
  floats.add({d.dim});                                     // rms_final_weight
  floats.add({d.rope_half});                               // freq_cis_real
  floats.add({d.rope_half});                               // freq_cis_imag
  if (!h.shared_classifier) floats.add({d.vocab, d.dim});  // wcls
  CheckedSum total;
  total.add({floats.total(), 4});
  total.add({kHeaderBytes});
  if (floats.overflow() || total.overflow()) return false;
  *bytes = total.total();
  return true;
}

// The tensors at their offsets; only called once the file size matched, so nothing overflows
// and the count of tensors is bounded by the file.
std::vector<TensorInfo> list_tensors(const Llama2cHeader& h) {
  const Dimensions d = dimensions_of(h);
  std::vector<TensorInfo> tensors;
  std::uint64_t at = kHeaderBytes;
  const auto block = [&](const char* name, std::uint64_t rows, std::uint64_t cols, bool per_layer) {
    const std::uint64_t count = per_layer ? d.layers : 1;
    for (std::uint64_t l = 0; l < count; ++l) {
      TensorInfo tensor;
      tensor.name = per_layer ? "layers." + std::to_string(l) + "." + name : std::string(name);
      tensor.dtype = DType::F32;
      tensor.shape = {static_cast<std::int64_t>(rows)};
      if (cols > 0) tensor.shape.push_back(static_cast<std::int64_t>(cols));
      tensor.begin = at;
      tensor.end = at + 4 * rows * (cols > 0 ? cols : 1);
      at = tensor.end;
      if (name[0] != '\0') tensors.push_back(std::move(tensor));
    }
  };
  block("token_embedding_table", d.vocab, d.dim, false);
  block("rms_att_weight", d.dim, 0, true);
  block("wq", d.dim, d.dim, true);
  block("wk", d.kv_dim, d.dim, true);
  block("wv", d.kv_dim, d.dim, true);
  block("wo", d.dim, d.dim, true);
  block("rms_ffn_weight", d.dim, 0, true);
  block("w1", d.hidden, d.dim, true);
  block("w2", d.dim, d.hidden, true);
  block("w3", d.hidden, d.dim, true);
  block("rms_final_weight", d.dim, 0, false);
  block("", d.rope_half, 0, false);  // freq_cis_real: skipped, as run.c does
  block("", d.rope_half, 0, false);  // freq_cis_imag
  if (!h.shared_classifier) block("wcls", d.vocab, d.dim, false);
  return tensors;
}

std::string describe(const Llama2cHeader& h) {
  return "dim " + std::to_string(h.dim) + ", hidden_dim " + std::to_string(h.hidden_dim) + ", " +
         std::to_string(h.n_layers) + " layers, " + std::to_string(h.n_heads) + " heads, " +
         std::to_string(h.n_kv_heads) + " kv heads, vocab " + std::to_string(h.vocab_size) +
         (h.shared_classifier ? "" : " (own classifier)") + ", seq_len " +
         std::to_string(h.seq_len);
}

}  // namespace

Expected<Llama2cHeader> parse_llama2c_header(const unsigned char* bytes, std::uint64_t file_size) {
  const auto fail = [](const std::string& problem) { return Error{InputField::Model, problem}; };
  // A header no export writes: most likely some other file (text, JSON, a PyTorch .bin).
  const std::string not_llama2c = " (not a llama2.c checkpoint?)";
  if (bytes == nullptr || file_size < kHeaderBytes) {
    return fail("too short for a llama2.c checkpoint (" + std::to_string(file_size) +
                " bytes; the header alone is 28)");
  }
  if (load_u32(bytes) == kExportMagic) {
    return fail("llama2.c export format version " + std::to_string(load_i32(bytes + 4)) +
                " (it starts with \"ak42\"); attnviz reads the legacy version-0 files that run.c "
                "reads (export.py --version 0)");
  }
  const char* names[] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                         "n_kv_heads", "vocab_size", "seq_len"};
  std::int32_t values[7];
  for (int i = 0; i < 7; ++i) values[i] = load_i32(bytes + 4 * i);
  for (int i = 0; i < 7; ++i) {
    // vocab_size may be negative (its sign says the classifier is stored), never zero.
    const bool bad =
        i == 5 ? (values[i] == 0 || values[i] == std::numeric_limits<int>::min()) : values[i] <= 0;
    if (bad) {
      return fail(std::string(names[i]) + " = " + std::to_string(values[i]) +
                  (i == 5 ? " is not a vocabulary size" : " must be positive") + not_llama2c);
    }
  }
  Llama2cHeader h;
  h.dim = values[0];
  h.hidden_dim = values[1];
  h.n_layers = values[2];
  h.n_heads = values[3];
  h.n_kv_heads = values[4];
  h.vocab_size = values[5] < 0 ? -values[5] : values[5];
  h.shared_classifier = values[5] > 0;
  h.seq_len = values[6];
  if (h.dim % h.n_heads != 0) {
    return fail("n_heads = " + std::to_string(h.n_heads) +
                " does not divide dim = " + std::to_string(h.dim) + not_llama2c);
  }
  if (h.n_kv_heads > h.n_heads || h.n_heads % h.n_kv_heads != 0) {
    return fail("n_kv_heads = " + std::to_string(h.n_kv_heads) +
                " does not divide n_heads = " + std::to_string(h.n_heads) + not_llama2c);
  }
  if (h.head_size() % 2 != 0) {
    return fail("the head size dim / n_heads = " + std::to_string(h.head_size()) +
                " is odd; RoPE rotates pairs of dimensions" + not_llama2c);
  }
  std::uint64_t expected = 0;
  if (!expected_file_size(h, &expected)) {
    return fail("the header (" + describe(h) + ") implies more weights than 64 bits can count" +
                not_llama2c);
  }
  if (expected != file_size) {
    return fail("the header (" + describe(h) + ") implies " + std::to_string(expected) +
                " bytes, but the file has " + std::to_string(file_size) +
                (file_size < expected ? " (truncated?)" : " (longer: not this header's file?)"));
  }
  // The file matches: now the limits that keep a consistent but absurd header (a million
  // layers of width 2) from costing more than the model it describes.
  const std::pair<int, int> limits[] = {{h.dim, kMaxLlama2cDim},
                                        {h.hidden_dim, kMaxLlama2cHidden},
                                        {h.n_layers, kMaxLlama2cLayers},
                                        {h.vocab_size, kMaxLlama2cVocab},
                                        {h.seq_len, kMaxLlama2cSeqLen}};
  const char* limited[] = {"dim", "hidden_dim", "n_layers", "vocab_size", "seq_len"};
  for (int i = 0; i < 5; ++i) {
    if (limits[i].first > limits[i].second) {
      return fail(std::string(limited[i]) + " = " + std::to_string(limits[i].first) +
                  " is over attnviz's limit of " + std::to_string(limits[i].second));
    }
  }
  return h;
}

Expected<std::shared_ptr<const Llama2cFile>> Llama2cFile::open(const std::string& path) {
  Expected<detail::MappedFile> mapped = detail::MappedFile::open(path);
  if (!mapped) return mapped.error();
  Expected<Llama2cHeader> header = parse_llama2c_header(mapped.value().data, mapped.value().size);
  if (!header) return Error{InputField::Model, path + ": " + header.error().message};
  std::shared_ptr<Llama2cFile> file(new Llama2cFile());
  file->path_ = path;
  file->size_ = mapped.value().size;
  file->map_ = mapped.value().release();
  file->header_ = header.value();
  file->tensors_ = list_tensors(file->header_);
  for (std::size_t i = 0; i < file->tensors_.size(); ++i) {
    file->by_name_.emplace(file->tensors_[i].name, i);
  }
  return std::shared_ptr<const Llama2cFile>(std::move(file));
}

Llama2cFile::~Llama2cFile() { detail::unmap(map_, size_); }

const TensorInfo* Llama2cFile::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &tensors_[it->second];
}

void Llama2cFile::read_into(const TensorInfo& tensor, float* out) const {
  const TensorInfo* own = find(tensor.name);
  if (own == nullptr || own->begin != tensor.begin || own->end != tensor.end ||
      own->shape != tensor.shape) {
    return;
  }
  detail::copy_f32_le(map_ + own->begin, static_cast<std::size_t>((own->end - own->begin) / 4),
                      out);
  detail::release_pages(map_, own->begin, own->end);
}

std::vector<std::string> Llama2cFile::names() const {
  std::vector<std::string> out;
  out.reserve(tensors_.size());
  for (const TensorInfo& tensor : tensors_) out.push_back(tensor.name);
  return out;
}

}  // namespace attn
