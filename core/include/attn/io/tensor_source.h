#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"
#include "attn/io/safetensors.h"
#include "attn/matrix.h"

namespace attn {

/// Named float tensors of a checkpoint, wherever they are stored.
class TensorSource {
 public:
  virtual ~TensorSource() = default;
  /// The tensor with exactly this name, or null.
  virtual const TensorInfo* find(std::string_view name) const = 0;
  /// Its elements as float32 into `out` (tensor.elements() floats).
  virtual void read_into(const TensorInfo& tensor, float* out) const = 0;
  /// Every tensor name, in storage order.
  virtual std::vector<std::string> names() const = 0;
  /// What to name in messages: the file or folder.
  virtual std::string path() const = 0;
  /// Bytes on disk, and the dtype most tensors have (for the model card).
  virtual std::uint64_t bytes_on_disk() const = 0;
  virtual DType main_dtype() const = 0;
};

/// The tensors of a Hugging Face folder: model.safetensors, or the shards that
/// model.safetensors.index.json lists (each shard checked; the index's names must match the
/// shards' headers). An Error (field Model) names the folder or file and the problem.
/// Shard names must be plain file names inside the folder. `folder` may also be one
/// .safetensors file.
Expected<std::shared_ptr<const TensorSource>> open_safetensors_folder(const std::string& folder);

/// The most float32 memory one model may take: 16 GiB (4 Gi parameters).
inline constexpr std::uint64_t kMaxModelBytes = std::uint64_t{16} << 30;

/// Refuses, before anything is allocated, a model of `float_count` float32 parameters that
/// would need more than kMaxModelBytes; the message says how much it would need. `what`
/// (a path) starts the message when given.
std::optional<Error> check_memory_budget(std::uint64_t float_count, const std::string& what = {});

/// Takes named tensors out of a TensorSource for one model, checking each shape, and keeps
/// every problem so that one message can name all of them (name, expected shape, found shape).
/// Accepts the names with any of `prefixes` in front ("transformer.", "bert.", "model.") and
/// the legacy LayerNorm names (".gamma" for ".weight", ".beta" for ".bias").
/// A problem reads "h.3.attn.c_attn.weight: expected [768, 2304], found [768, 2303]" or
/// "h.3.attn.c_attn.weight: missing".
class WeightReader {
 public:
  WeightReader(std::shared_ptr<const TensorSource> source, std::vector<std::string> prefixes);

  /// Whether a tensor of this name exists (under any accepted spelling).
  bool has(const std::string& name) const;
  /// A rows × cols matrix stored with shape {rows, cols}; a zero matrix and a recorded problem
  /// when missing or misshaped.
  Matrix matrix(const std::string& name, int rows, int cols);
  /// An n-vector stored with shape {n}; zeros and a recorded problem otherwise.
  RowVector vector(const std::string& name, int n);
  /// The problems so far (missing, misshaped), each a line; empty when all was well.
  const std::vector<std::string>& problems() const { return problems_; }
  /// An Error (field Model) naming the source and listing the problems, or nothing.
  std::optional<Error> error() const;
  /// Names present in the source that were never taken and match none of `ignorable`
  /// (substrings such as "attn.masked_bias", "cls.predictions", "pooler").
  std::vector<std::string> unexpected(const std::vector<std::string>& ignorable) const;
  /// How many float parameters were taken.
  std::int64_t parameters_read() const { return parameters_read_; }
  /// How many non-finite values (NaN, ±Inf) the taken tensors held.
  std::int64_t non_finite() const { return non_finite_; }
  /// check_memory_budget() for `float_count` parameters of this source.
  std::optional<Error> check_memory_budget(std::uint64_t float_count) const;

 private:
  const TensorInfo* lookup(const std::string& name, std::string* stored_name) const;
  std::shared_ptr<const TensorSource> source_;
  std::vector<std::string> prefixes_;
  std::vector<std::string> problems_;
  std::vector<std::string> taken_;
  std::int64_t parameters_read_ = 0;
  std::int64_t non_finite_ = 0;
};

}  // namespace attn
