#include "attn/io/safetensors.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "io/checked_json.h"
#include "io/mapped_file.h"

namespace attn {
namespace {

using detail::quoted_text;
using nlohmann::json;

Error model_error(std::string message) { return Error{InputField::Model, std::move(message)}; }

// The dtypes huggingface/safetensors knows, so that a refusal can say "not supported" rather
// than "unknown" for the ones a real checkpoint may hold.
bool is_known_safetensors_dtype(const std::string& name) {
  static const char* const known[] = {
      "BOOL", "U8",  "I8",   "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4",  "F6_E2M3", "F6_E3M2", "I16",
      "U16",  "F16", "BF16", "I32",     "U32",     "F32",     "F64", "I64",     "U64",     "C64"};
  return std::find(std::begin(known), std::end(known), name) != std::end(known);
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t* out) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
  *out = a * b;
  return true;
}

// One header entry → TensorInfo; the message (no path) names the tensor and the problem.
Expected<TensorInfo> parse_entry(const std::string& name, const json& entry) {
  const std::string who = "tensor " + quoted_text(name);
  if (!entry.is_object()) {
    return model_error(who + ": its entry is " + detail::describe(entry) + ", not an object");
  }
  TensorInfo info;
  info.name = name;

  const auto dtype = entry.find("dtype");
  if (dtype == entry.end()) return model_error(who + ": \"dtype\" is missing");
  if (!dtype->is_string()) {
    return model_error(who + ": \"dtype\" is " + detail::describe(*dtype) + ", not a string");
  }
  const std::string& dtype_name = dtype->get_ref<const std::string&>();
  if (dtype_name == "F32") {
    info.dtype = DType::F32;
  } else if (dtype_name == "F16") {
    info.dtype = DType::F16;
  } else if (dtype_name == "BF16") {
    info.dtype = DType::BF16;
  } else {
    return model_error(
        who + " has dtype " + quoted_text(dtype_name) +
        (is_known_safetensors_dtype(dtype_name) ? "" : " (not a safetensors dtype)") +
        "; attnviz reads F32, F16 and BF16 only");
  }

  const auto shape = entry.find("shape");
  if (shape == entry.end()) return model_error(who + ": \"shape\" is missing");
  if (!shape->is_array()) {
    return model_error(who + ": \"shape\" is " + detail::describe(*shape) + ", not a list");
  }
  std::uint64_t elements = 1;
  bool overflow = false;
  for (const json& dim : *shape) {
    if (!dim.is_number_unsigned()) {
      return model_error(who + ": shape " + shape->dump() + " has " + detail::describe(dim) +
                         " where a dimension (an integer ≥ 0) belongs");
    }
    const std::uint64_t value = dim.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      overflow = true;
    }
    info.shape.push_back(static_cast<std::int64_t>(
        std::min<std::uint64_t>(value, std::numeric_limits<std::int64_t>::max())));
    if (!checked_mul(elements, value, &elements)) overflow = true;
  }

  const auto offsets = entry.find("data_offsets");
  if (offsets == entry.end()) return model_error(who + ": \"data_offsets\" is missing");
  if (!offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned()) {
    return model_error(who + ": \"data_offsets\" is " + offsets->dump() +
                       ", not [begin, end] (two integers ≥ 0)");
  }
  info.begin = (*offsets)[0].get<std::uint64_t>();
  info.end = (*offsets)[1].get<std::uint64_t>();
  if (info.begin > info.end) {
    return model_error(who + ": data_offsets [" + std::to_string(info.begin) + ", " +
                       std::to_string(info.end) + "] end before they begin");
  }

  std::uint64_t bytes = 0;
  if (overflow || !checked_mul(elements, dtype_size(info.dtype), &bytes)) {
    return model_error(who + ": shape " + shape->dump() + " of " + dtype_name +
                       " has more bytes than 64 bits can count");
  }
  if (bytes != info.end - info.begin) {
    return model_error(who + ": data_offsets [" + std::to_string(info.begin) + ", " +
                       std::to_string(info.end) + "] hold " +
                       std::to_string(info.end - info.begin) + " bytes, but " + dtype_name + " " +
                       shape_text(info.shape) + " needs " + std::to_string(bytes));
  }
  return info;
}

Expected<std::map<std::string, std::string>> parse_metadata(const json& value) {
  if (!value.is_object()) {
    return model_error("\"__metadata__\" is " + detail::describe(value) +
                       ", not an object of strings");
  }
  std::map<std::string, std::string> metadata;
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) {
      return model_error("\"__metadata__\" maps " + quoted_text(key) + " to " +
                         detail::describe(text) + "; only strings are allowed");
    }
    metadata.emplace(key, text.get<std::string>());
  }
  return metadata;
}

struct ParsedHeader {
  std::vector<TensorInfo> tensors;
  std::map<std::string, std::string> metadata;
};

Expected<ParsedHeader> parse_header(std::string_view header_json, std::uint64_t data_size) {
  if (header_json.size() > kMaxSafetensorsHeader) {
    return model_error("the header is " + std::to_string(header_json.size()) +
                       " bytes, over the limit of " + std::to_string(kMaxSafetensorsHeader));
  }
  Expected<json> parsed = detail::parse_json_checked(header_json);
  if (!parsed) {
    // "the header is not valid JSON (…)", "… is nested deeper than …", "in the header, the key
    // "a" appears twice in one object"
    const std::string& why = parsed.error().message;
    return model_error((why.rfind("the key ", 0) == 0 ? "in the header, " : "the header is ") +
                       why);
  }
  const json& root = parsed.value();
  if (!root.is_object()) {
    return model_error("the header is " + detail::describe(root) + ", not a JSON object");
  }
  ParsedHeader header;
  for (const auto& [name, entry] : root.items()) {
    if (name == "__metadata__") {
      Expected<std::map<std::string, std::string>> metadata = parse_metadata(entry);
      if (!metadata) return metadata.error();
      header.metadata = std::move(metadata).value();
      continue;
    }
    Expected<TensorInfo> info = parse_entry(name, entry);
    if (!info) return info.error();
    header.tensors.push_back(std::move(info).value());
  }
  // As huggingface/safetensors validate(): sorted by offset, the tensors tile the data section
  // from byte 0 to its last byte.
  std::stable_sort(header.tensors.begin(), header.tensors.end(),
                   [](const TensorInfo& a, const TensorInfo& b) {
                     return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
                   });
  std::uint64_t at = 0;
  const TensorInfo* previous = nullptr;
  for (const TensorInfo& info : header.tensors) {
    if (info.begin != at) {
      const std::string after = previous ? "the previous tensor " + quoted_text(previous->name) +
                                               " ends at byte " + std::to_string(at)
                                         : std::string("the data section starts at byte 0");
      return model_error("tensor " + quoted_text(info.name) + " begins at byte " +
                         std::to_string(info.begin) + " but " + after +
                         (info.begin > at ? " (a gap)" : " (they overlap)"));
    }
    if (info.end > data_size) {
      return model_error("tensor " + quoted_text(info.name) + " ends at byte " +
                         std::to_string(info.end) + ", past the end of the data section (" +
                         std::to_string(data_size) + " bytes)");
    }
    at = info.end;
    previous = &info;
  }
  if (at != data_size) {
    return model_error(std::to_string(data_size - at) + " trailing bytes after the last tensor" +
                       " (the tensors end at byte " + std::to_string(at) +
                       " of a data section of " + std::to_string(data_size) + ")");
  }
  return header;
}

// Little-endian loads that do not care about alignment.
std::uint16_t load_u16(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace

std::int64_t TensorInfo::elements() const {
  std::int64_t n = 1;
  for (std::int64_t dim : shape) n *= dim;
  return n;
}

std::string_view to_string(DType dtype) {
  switch (dtype) {
    case DType::F32:
      return "F32";
    case DType::F16:
      return "F16";
    case DType::BF16:
      return "BF16";
  }
  return "?";
}

std::uint64_t dtype_size(DType dtype) { return dtype == DType::F32 ? 4 : 2; }

float f16_to_float(std::uint16_t bits) {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  std::uint32_t exponent = (bits >> 10) & 0x1Fu;
  std::uint32_t mantissa = bits & 0x3FFu;
  std::uint32_t out = 0;
  if (exponent == 0x1F) {  // ±Inf, NaN (payload kept)
    out = sign | 0x7F800000u | (mantissa << 13);
  } else if (exponent != 0) {  // normal: rebias 15 → 127
    out = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {  // ±0
    out = sign;
  } else {  // subnormal m·2⁻²⁴: normalise, it is a normal float32
    exponent = 113;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    out = sign | (exponent << 23) | ((mantissa & 0x3FFu) << 13);
  }
  float value;
  std::memcpy(&value, &out, sizeof value);
  return value;
}

float bf16_to_float(std::uint16_t bits) {
  const std::uint32_t out = static_cast<std::uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &out, sizeof value);
  return value;
}

Expected<std::vector<TensorInfo>> parse_safetensors_header(std::string_view header_json,
                                                           std::uint64_t data_size) {
  Expected<ParsedHeader> header = parse_header(header_json, data_size);
  if (!header) return header.error();
  return std::move(header.value().tensors);
}

Expected<std::shared_ptr<const SafetensorsFile>> SafetensorsFile::open(const std::string& path) {
  Expected<detail::MappedFile> mapped = detail::MappedFile::open(path);
  if (!mapped) return mapped.error();
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = path;
  file->size_ = mapped.value().size;
  file->map_ = mapped.value().release();
  const auto fail = [&](const std::string& problem) {
    return Error{InputField::Model, path + ": " + problem};
  };
  if (file->size_ < 8) {
    return fail("too short for a safetensors file (" + std::to_string(file->size_) +
                " bytes; it starts with an 8-byte header length)");
  }
  std::uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | file->map_[i];
  if (header_length > kMaxSafetensorsHeader) {
    return fail("the header length " + std::to_string(header_length) + " is over the limit of " +
                std::to_string(kMaxSafetensorsHeader) + " bytes (not a safetensors file?)");
  }
  if (header_length > file->size_ - 8) {
    return fail("the header length " + std::to_string(header_length) +
                " runs past the end of the file (" + std::to_string(file->size_) + " bytes)");
  }
  file->data_begin_ = 8 + header_length;
  const std::string_view header_json(reinterpret_cast<const char*>(file->map_ + 8),
                                     static_cast<std::size_t>(header_length));
  Expected<ParsedHeader> header = parse_header(header_json, file->size_ - file->data_begin_);
  if (!header) return fail(header.error().message);
  file->tensors_ = std::move(header.value().tensors);
  file->metadata_ = std::move(header.value().metadata);
  for (std::size_t i = 0; i < file->tensors_.size(); ++i) {
    if (!file->by_name_.emplace(file->tensors_[i].name, i).second) {
      return fail("the tensor " + quoted_text(file->tensors_[i].name) + " is named twice");
    }
  }
  // The header pages are not needed again.
  detail::release_pages(file->map_, 0, file->data_begin_);
  return std::shared_ptr<const SafetensorsFile>(std::move(file));
}

SafetensorsFile::~SafetensorsFile() {
  detail::unmap(map_, size_);
  if (fd_ >= 0) ::close(fd_);
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &tensors_[it->second];
}

std::vector<float> SafetensorsFile::read(const TensorInfo& tensor) const {
  const TensorInfo* own = find(tensor.name);
  if (own == nullptr) return {};
  std::vector<float> out(static_cast<std::size_t>(own->elements()));
  read_into(*own, out.data());
  return out;
}

void SafetensorsFile::read_into(const TensorInfo& tensor, float* out) const {
  const TensorInfo* own = find(tensor.name);
  if (own == nullptr || own->begin != tensor.begin || own->end != tensor.end ||
      own->dtype != tensor.dtype || own->shape != tensor.shape) {
    return;
  }
  const unsigned char* data = map_ + data_begin_ + own->begin;
  const auto n = static_cast<std::size_t>(own->elements());
  switch (own->dtype) {
    case DType::F32:
      detail::copy_f32_le(data, n, out);
      break;
    case DType::F16:
      for (std::size_t i = 0; i < n; ++i) out[i] = f16_to_float(load_u16(data + 2 * i));
      break;
    case DType::BF16:
      for (std::size_t i = 0; i < n; ++i) out[i] = bf16_to_float(load_u16(data + 2 * i));
      break;
  }
  detail::release_pages(map_, data_begin_ + own->begin, data_begin_ + own->end);
}

}  // namespace attn
