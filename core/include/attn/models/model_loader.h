#pragma once

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

/// The most bytes of a config.json or tokenizer_config.json attnviz reads.
inline constexpr std::uint64_t kMaxConfigBytes = 16u << 20;

/// A small text file (config.json): at most `limit` bytes, read whatever the file is (devices
/// and pipes included). An Error names the path and the problem.
Expected<std::string> read_small_file(const std::string& path, std::uint64_t limit);

}  // namespace attn
