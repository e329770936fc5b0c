#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "attn/expected.h"
#include "attn/io/tensor_source.h"

namespace attn {

/// The header of a llama2.c checkpoint (karpathy/llama2.c `run.c`, legacy version 0): seven
/// int32 values, then float32 weights. A negative vocab_size means the classifier is stored
/// separately at the end instead of shared with the token embedding.
struct Llama2cHeader {
  int dim = 0;
  int hidden_dim = 0;
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;
  int vocab_size = 0;  ///< always positive here
  int seq_len = 0;
  bool shared_classifier = true;
  int head_size() const { return n_heads > 0 ? dim / n_heads : 0; }
};

/// A llama2.c `.bin`, memory-mapped and checked before any weight is read: every header value
/// positive and sane, heads dividing dim, kv_heads dividing heads, an even head size, and the
/// file exactly as long as the header implies (overflow-checked; a newer export version, which
/// starts with "ak42", is named and refused). Its tensors are offered under llama2.c's names, one
/// per layer:
///   token_embedding_table           vocab × dim
///   layers.L.rms_att_weight         dim
///   layers.L.wq                     dim × dim            (out × in, as run.c's matmul reads it)
///   layers.L.wk, layers.L.wv        kv_dim × dim         (kv_dim = dim · n_kv_heads / n_heads)
///   layers.L.wo                     dim × dim
///   layers.L.rms_ffn_weight         dim
///   layers.L.w1, layers.L.w3        hidden_dim × dim
///   layers.L.w2                     dim × hidden_dim
///   rms_final_weight                dim
///   wcls                            vocab × dim          (only when not shared)
/// (freq_cis_real/imag, stored between rms_final_weight and wcls, are skipped: run.c ignores
/// them too.) An Error (field Model) names the path and the problem.
class Llama2cFile final : public TensorSource {
 public:
  static Expected<std::shared_ptr<const Llama2cFile>> open(const std::string& path);
  ~Llama2cFile() override;

  const Llama2cHeader& header() const { return header_; }
  const TensorInfo* find(std::string_view name) const override;
  void read_into(const TensorInfo& tensor, float* out) const override;
  std::vector<std::string> names() const override;
  std::string path() const override { return path_; }
  std::uint64_t bytes_on_disk() const override { return size_; }
  DType main_dtype() const override { return DType::F32; }

 private:
  Llama2cFile() = default;
  std::string path_;
  const unsigned char* map_ = nullptr;
  std::uint64_t size_ = 0;
  Llama2cHeader header_;
  std::vector<TensorInfo> tensors_;  // begin/end are offsets from the start of the file
  std::map<std::string, std::size_t, std::less<>> by_name_;
};

/// Limits on a llama2.c header beyond "the file is exactly as long as it says" (the same as
/// parse_model_config's).
inline constexpr int kMaxLlama2cDim = 65536;
inline constexpr int kMaxLlama2cHidden = 1 << 20;
inline constexpr int kMaxLlama2cLayers = 1000;
inline constexpr int kMaxLlama2cVocab = 1 << 22;
inline constexpr int kMaxLlama2cSeqLen = 1 << 24;

/// Checks a llama2.c header (the first 28 bytes) against the file size; the fuzzer's entry.
Expected<Llama2cHeader> parse_llama2c_header(const unsigned char* bytes, std::uint64_t file_size);

}  // namespace attn
