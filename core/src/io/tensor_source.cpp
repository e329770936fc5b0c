#include "attn/io/tensor_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "io/checked_json.h"
#include "io/mapped_file.h"

namespace attn {
namespace {

using detail::quoted_text;

Error model_error(std::string message) { return Error{InputField::Model, std::move(message)}; }

std::string join_path(const std::string& folder, const std::string& name) {
  return (std::filesystem::path(folder) / name).string();
}

bool is_regular_file(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

bool is_directory(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

// One or more checked safetensors files seen as one set of names.
class SafetensorsSource final : public TensorSource {
 public:
  SafetensorsSource(std::string path, std::vector<std::shared_ptr<const SafetensorsFile>> files)
      : path_(std::move(path)), files_(std::move(files)) {
    for (std::size_t i = 0; i < files_.size(); ++i) {
      for (const TensorInfo& tensor : files_[i]->tensors()) owner_.emplace(tensor.name, i);
    }
  }

  const TensorInfo* find(std::string_view name) const override {
    const auto it = owner_.find(name);
    return it == owner_.end() ? nullptr : files_[it->second]->find(name);
  }
  void read_into(const TensorInfo& tensor, float* out) const override {
    const auto it = owner_.find(tensor.name);
    if (it != owner_.end()) files_[it->second]->read_into(tensor, out);
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& file : files_) {
      for (const TensorInfo& tensor : file->tensors()) out.push_back(tensor.name);
    }
    return out;
  }
  std::string path() const override { return path_; }
  std::uint64_t bytes_on_disk() const override {
    std::uint64_t total = 0;
    for (const auto& file : files_) total += file->file_size();
    return total;
  }
  DType main_dtype() const override {
    std::map<DType, std::int64_t> elements;
    for (const auto& file : files_) {
      for (const TensorInfo& tensor : file->tensors()) elements[tensor.dtype] += tensor.elements();
    }
    DType best = DType::F32;
    std::int64_t most = -1;
    for (const auto& [dtype, count] : elements) {
      if (count > most) {
        best = dtype;
        most = count;
      }
    }
    return best;
  }

 private:
  std::string path_;
  std::vector<std::shared_ptr<const SafetensorsFile>> files_;
  std::map<std::string, std::size_t, std::less<>> owner_;
};

// A shard must be a file in the folder itself: no path separators, no "." or "..".
bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

Expected<std::shared_ptr<const TensorSource>> open_index(const std::string& folder,
                                                         const std::string& index_path) {
  Expected<detail::MappedFile> mapped = detail::MappedFile::open(index_path);
  if (!mapped) return mapped.error();
  const auto fail = [&](const std::string& problem) {
    return model_error(index_path + ": " + problem);
  };
  if (mapped.value().size > kMaxSafetensorsHeader) {
    return fail("too large for an index (" + std::to_string(mapped.value().size) + " bytes)");
  }
  const std::string_view text(reinterpret_cast<const char*>(mapped.value().data),
                              static_cast<std::size_t>(mapped.value().size));
  Expected<nlohmann::json> parsed = detail::parse_json_checked(text);
  if (!parsed) return fail(parsed.error().message);
  const nlohmann::json& root = parsed.value();
  if (!root.is_object()) return fail("not a JSON object");
  const auto map = root.find("weight_map");
  if (map == root.end()) return fail("\"weight_map\" is missing");
  if (!map->is_object()) return fail("\"weight_map\" is not an object of tensor → file names");
  if (map->empty()) return fail("\"weight_map\" lists no tensor");

  std::map<std::string, std::set<std::string>> by_shard;  // shard file → its tensors
  for (const auto& [name, shard] : map->items()) {
    if (!shard.is_string()) {
      return fail("\"weight_map\" gives tensor " + quoted_text(name) + " the file " +
                  detail::describe(shard) + ", not a file name");
    }
    const std::string& file = shard.get_ref<const std::string&>();
    if (!is_plain_file_name(file)) {
      return fail("tensor " + quoted_text(name) + " is in " + quoted_text(file) +
                  ", which is not a file name inside the folder");
    }
    by_shard[file].insert(name);
  }
  std::vector<std::string> missing;
  for (const auto& [file, names] : by_shard) {
    if (!is_regular_file(join_path(folder, file))) missing.push_back(file);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& file : missing) list += (list.empty() ? "" : ", ") + quoted_text(file);
    return fail("lists shard files the folder does not have: " + list);
  }
  std::vector<std::shared_ptr<const SafetensorsFile>> files;
  for (const auto& [file, names] : by_shard) {
    const std::string shard_path = join_path(folder, file);
    Expected<std::shared_ptr<const SafetensorsFile>> shard = SafetensorsFile::open(shard_path);
    if (!shard) return shard.error();
    for (const std::string& name : names) {
      if (shard.value()->find(name) == nullptr) {
        return fail("tensor " + quoted_text(name) + " is listed in " + quoted_text(file) +
                    ", but that file has no such tensor");
      }
    }
    for (const TensorInfo& tensor : shard.value()->tensors()) {
      if (names.count(tensor.name) == 0) {
        const auto listed = map->find(tensor.name);
        return model_error(shard_path + ": holds tensor " + quoted_text(tensor.name) +
                           ", which the index " +
                           (listed == map->end() ? std::string("does not list")
                                                 : "puts in " + detail::describe(*listed)));
      }
    }
    files.push_back(std::move(shard).value());
  }
  return std::shared_ptr<const TensorSource>(
      std::make_shared<SafetensorsSource>(folder, std::move(files)));
}

}  // namespace

Expected<std::shared_ptr<const TensorSource>> open_safetensors_folder(const std::string& folder) {
  if (is_regular_file(folder)) {
    Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(folder);
    if (!file) return file.error();
    return std::shared_ptr<const TensorSource>(std::make_shared<SafetensorsSource>(
        folder, std::vector<std::shared_ptr<const SafetensorsFile>>{std::move(file).value()}));
  }
  if (!is_directory(folder)) return model_error(folder + ": no such folder");
  const std::string single = join_path(folder, "model.safetensors");
  if (is_regular_file(single)) {
    Expected<std::shared_ptr<const SafetensorsFile>> file = SafetensorsFile::open(single);
    if (!file) return file.error();
    return std::shared_ptr<const TensorSource>(std::make_shared<SafetensorsSource>(
        folder, std::vector<std::shared_ptr<const SafetensorsFile>>{std::move(file).value()}));
  }
  const std::string index = join_path(folder, "model.safetensors.index.json");
  if (is_regular_file(index)) return open_index(folder, index);
  std::string hint;
  if (is_regular_file(join_path(folder, "pytorch_model.bin"))) {
    hint =
        " (pytorch_model.bin is PyTorch's pickle format, which attnviz does not read: "
        "convert it to safetensors)";
  }
  return model_error(folder + ": has neither model.safetensors nor model.safetensors.index.json" +
                     hint);
}

std::optional<Error> check_memory_budget(std::uint64_t float_count, const std::string& what) {
  if (float_count <= kMaxModelBytes / sizeof(float)) return std::nullopt;
  char gib[64];
  std::snprintf(gib, sizeof gib, "%.1f GiB",
                static_cast<double>(float_count) * sizeof(float) / double(1ull << 30));
  return model_error((what.empty() ? std::string() : what + ": ") + "the model has " +
                     std::to_string(float_count) + " parameters and would need " + gib +
                     " of float32 memory; attnviz loads models up to " +
                     std::to_string(kMaxModelBytes >> 30) + " GiB");
}

WeightReader::WeightReader(std::shared_ptr<const TensorSource> source,
                           std::vector<std::string> prefixes)
    : source_(std::move(source)), prefixes_(std::move(prefixes)) {}

const TensorInfo* WeightReader::lookup(const std::string& name, std::string* stored_name) const {
  std::vector<std::string> spellings{name};
  const auto ends_with = [&](const std::string& suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".weight")) spellings.push_back(name.substr(0, name.size() - 7) + ".gamma");
  if (ends_with(".bias")) spellings.push_back(name.substr(0, name.size() - 5) + ".beta");
  std::vector<std::string> candidates = spellings;
  for (const std::string& prefix : prefixes_) {
    for (const std::string& spelling : spellings) candidates.push_back(prefix + spelling);
  }
  for (const std::string& candidate : candidates) {
    if (const TensorInfo* tensor = source_->find(candidate)) {
      if (stored_name != nullptr) *stored_name = candidate;
      return tensor;
    }
  }
  return nullptr;
}

bool WeightReader::has(const std::string& name) const { return lookup(name, nullptr) != nullptr; }

Matrix WeightReader::matrix(const std::string& name, int rows, int cols) {
  Matrix out = Matrix::Zero(std::max(rows, 0), std::max(cols, 0));
  std::string stored;
  const TensorInfo* tensor = lookup(name, &stored);
  if (tensor == nullptr) {
    problems_.push_back(name + ": missing");
    return out;
  }
  taken_.push_back(stored);
  const std::vector<std::int64_t> expected{rows, cols};
  if (tensor->shape != expected) {
    problems_.push_back(stored + ": expected " + shape_text(expected) + ", found " +
                        shape_text(tensor->shape));
    return out;
  }
  source_->read_into(*tensor, out.data());
  parameters_read_ += out.size();
  for (Eigen::Index i = 0; i < out.size(); ++i) non_finite_ += std::isfinite(out.data()[i]) ? 0 : 1;
  return out;
}

RowVector WeightReader::vector(const std::string& name, int n) {
  RowVector out = RowVector::Zero(std::max(n, 0));
  std::string stored;
  const TensorInfo* tensor = lookup(name, &stored);
  if (tensor == nullptr) {
    problems_.push_back(name + ": missing");
    return out;
  }
  taken_.push_back(stored);
  const std::vector<std::int64_t> expected{n};
  if (tensor->shape != expected) {
    problems_.push_back(stored + ": expected " + shape_text(expected) + ", found " +
                        shape_text(tensor->shape));
    return out;
  }
  source_->read_into(*tensor, out.data());
  parameters_read_ += out.size();
  for (Eigen::Index i = 0; i < out.size(); ++i) non_finite_ += std::isfinite(out.data()[i]) ? 0 : 1;
  return out;
}

std::optional<Error> WeightReader::error() const {
  if (problems_.empty()) return std::nullopt;
  if (problems_.size() == 1) return model_error(source_->path() + ": " + problems_.front());
  const std::size_t shown = std::min<std::size_t>(problems_.size(), 20);
  std::string message =
      source_->path() + ": " + std::to_string(problems_.size()) + " problems with the weights:";
  for (std::size_t i = 0; i < shown; ++i) message += "\n  " + problems_[i];
  if (shown < problems_.size()) {
    message += "\n  … and " + std::to_string(problems_.size() - shown) + " more";
  }
  return model_error(message);
}

std::vector<std::string> WeightReader::unexpected(const std::vector<std::string>& ignorable) const {
  const std::set<std::string> taken(taken_.begin(), taken_.end());
  std::vector<std::string> out;
  for (const std::string& name : source_->names()) {
    if (taken.count(name) != 0) continue;
    const bool ignored = std::any_of(ignorable.begin(), ignorable.end(), [&](const std::string& s) {
      return name.find(s) != std::string::npos;
    });
    if (!ignored) out.push_back(name);
  }
  return out;
}

std::optional<Error> WeightReader::check_memory_budget(std::uint64_t float_count) const {
  return attn::check_memory_budget(float_count, source_->path());
}

}  // namespace attn
