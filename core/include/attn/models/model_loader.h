#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "attn/expected.h"
#include "attn/models/transformer_model.h"

namespace attn {

/// Opens a checkpoint from disk, checked before anything is used:
/// - a Hugging Face folder: config.json (the family from "model_type"), model.safetensors or
///   its shards (model.safetensors.index.json), and the tokenizer files (see load_tokenizer);
/// - a llama2.c `.bin`, with its tokenizer: `tokenizer_path` when given, else tokenizer.bin
///   beside it, else the one tok*.bin beside it.
/// An Error (field Model) names the path and the problem; nothing half-loaded is returned.
Expected<std::shared_ptr<const TransformerModel>> load_model(
    const std::string& path, const std::string& tokenizer_path = {});

/// How many float parameters a model of `config` holds: embeddings (tokens, learned positions,
/// token types), each layer's attention (q, k, v, o with their biases), feed-forward (two
/// matrices, three for SwiGLU) and norms, and a classifier of its own when not tied. Saturates
/// at UINT64_MAX. load_model checks it against kMaxModelBytes (check_memory_budget) from
/// config.json or the llama2.c header alone, before any weight is read.
std::uint64_t parameter_count(const ModelConfig& config);

/// The most bytes of a config.json or tokenizer_config.json attnviz reads.
inline constexpr std::uint64_t kMaxConfigBytes = 16u << 20;

/// A small text file (config.json): at most `limit` bytes, read whatever the file is (devices
/// and pipes included). An Error names the path and the problem.
Expected<std::string> read_small_file(const std::string& path, std::uint64_t limit);

}  // namespace attn
