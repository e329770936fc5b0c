#include "attn/models/model_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

#include "attn/io/llama2c_file.h"
#include "attn/io/tensor_source.h"
#include "attn/models/bert_model.h"
#include "attn/models/gpt2_model.h"
#include "attn/models/llama_model.h"
#include "attn/models/marian_model.h"
#include "attn/text/llama2c_tokenizer.h"

namespace attn {
namespace fs = std::filesystem;
namespace {

Error model_error(const std::string& message) { return Error{InputField::Model, message}; }

std::string family_title(Family family) {
  switch (family) {
    case Family::Gpt2:
      return "GPT-2";
    case Family::Bert:
      return "BERT";
    case Family::Llama:
      return "Llama";
    case Family::Llama2c:
      return "llama2.c";
    case Family::Marian:
      return "Marian";
    case Family::Toy:
      break;
  }
  return "Toy";
}

ModelInfo card_for(const ModelConfig& config, const std::string& path,
                   const TensorSource& tensors) {
  ModelInfo info;
  info.family = config.family;
  info.name = family_title(config.family) + " (" + fs::path(path).filename().string() + ")";
  if (fs::path(path).filename().empty()) {
    info.name =
        family_title(config.family) + " (" + fs::path(path).parent_path().filename().string() + ")";
  }
  info.path = path;
  info.layers = config.n_layers;
  info.heads = config.n_heads;
  info.kv_heads = config.n_kv_heads;
  info.d_model = config.d_model;
  info.head_dim = config.head_dim;
  info.vocab_size = config.vocab_size;
  info.max_tokens = config.max_positions;
  info.dtype = std::string(to_string(tensors.main_dtype()));
  info.file_bytes = tensors.bytes_on_disk();
  // What the config asks for that attnviz does not compute: the card says so.
  for (const std::string& sentence : config.unsupported) info.warnings.push_back(sentence);
  return info;
}

// Marian (opus-mt): source.spm, target.spm and vocab.json instead of one tokenizer.
Expected<std::shared_ptr<const TransformerModel>> load_marian(
    const ModelConfig& config, const std::string& folder,
    const std::shared_ptr<const TensorSource>& tensors) {
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer = MarianTokenizer::load(folder);
  if (!tokenizer) return tokenizer.error();
  ModelInfo info = card_for(config, folder, *tensors);
  info.layers = std::max(config.encoder_layers, config.n_layers);
  auto model = MarianModel::load(config, std::move(tokenizer).value(), tensors, info);
  if (!model) return model.error();
  return std::shared_ptr<const TransformerModel>(model.value());
}

// a · b + c with saturation, for parameter_count.
std::uint64_t mul_add(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  if (a != 0 && b > kMax / a) return kMax;
  return a * b > kMax - c ? kMax : a * b + c;
}

Expected<std::shared_ptr<const TransformerModel>> load_folder(const std::string& folder) {
  const std::string config_path = (fs::path(folder) / "config.json").string();
  if (!fs::exists(config_path)) {
    return model_error(folder +
                       ": no config.json here; a Hugging Face model folder holds "
                       "config.json, model.safetensors and its tokenizer files");
  }
  Expected<std::string> text = read_small_file(config_path, kMaxConfigBytes);
  if (!text) return text.error();
  Expected<ModelConfig> config = parse_model_config(text.value(), config_path);
  if (!config) return config.error();
  // A config whose weights could never fit is refused before anything is opened or allocated.
  if (std::optional<Error> too_large = check_memory_budget(parameter_count(*config), config_path))
    return *too_large;
  Expected<std::shared_ptr<const TensorSource>> tensors = open_safetensors_folder(folder);
  if (!tensors) return tensors.error();
  if (config->family == Family::Marian) return load_marian(config.value(), folder, tensors.value());
  Expected<std::unique_ptr<SubwordTokenizer>> tokenizer = load_tokenizer(folder);
  if (!tokenizer) return tokenizer.error();
  std::shared_ptr<const SubwordTokenizer> shared_tokenizer = std::move(tokenizer).value();
  ModelInfo info = card_for(config.value(), folder, *tensors.value());

  switch (config->family) {
    case Family::Gpt2: {
      auto model = Gpt2Model::load(config.value(), shared_tokenizer, tensors.value(), info);
      if (!model) return model.error();
      return std::shared_ptr<const TransformerModel>(model.value());
    }
    case Family::Bert: {
      auto model = BertModel::load(config.value(), shared_tokenizer, tensors.value(), info);
      if (!model) return model.error();
      return std::shared_ptr<const TransformerModel>(model.value());
    }
    case Family::Llama: {
      auto model = LlamaModel::load(config.value(), shared_tokenizer, tensors.value(), info);
      if (!model) return model.error();
      return std::shared_ptr<const TransformerModel>(model.value());
    }
    default:
      break;
  }
  return model_error(config_path + ": model_type \"" + config->model_type +
                     "\" is not supported; attnviz reads " + supported_model_types());
}

// tokenizer.bin beside the checkpoint, else the only tok*.bin there (stories260K ships
// tok512.bin).
Expected<std::string> find_llama2c_tokenizer(const std::string& checkpoint) {
  const fs::path folder = fs::path(checkpoint).parent_path().empty()
                              ? fs::path(".")
                              : fs::path(checkpoint).parent_path();
  if (fs::exists(folder / "tokenizer.bin")) return (folder / "tokenizer.bin").string();
  std::vector<std::string> candidates;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("tok", 0) == 0 && entry.path().extension() == ".bin") {
      candidates.push_back(entry.path().string());
    }
  }
  if (candidates.size() == 1) return candidates.front();
  return model_error(
      checkpoint + ": no tokenizer.bin beside it" +
      (candidates.empty() ? std::string() : " and more than one tok*.bin; name the one to use") +
      " (llama2.c models need their tokenizer.bin)");
}

Expected<std::shared_ptr<const TransformerModel>> load_llama2c(const std::string& path,
                                                               const std::string& tokenizer_path) {
  Expected<std::shared_ptr<const Llama2cFile>> file = Llama2cFile::open(path);
  if (!file) return file.error();
  const Llama2cHeader& header = file.value()->header();
  if (std::optional<Error> too_large =
          check_memory_budget(parameter_count(from_llama2c(header)), path))
    return *too_large;
  Expected<std::string> tokenizer_file =
      tokenizer_path.empty() ? find_llama2c_tokenizer(path) : Expected<std::string>(tokenizer_path);
  if (!tokenizer_file) return tokenizer_file.error();
  Expected<std::unique_ptr<Llama2cTokenizer>> tokenizer =
      Llama2cTokenizer::load(tokenizer_file.value(), header.vocab_size);
  if (!tokenizer) return tokenizer.error();
  const ModelConfig config = from_llama2c(header);
  ModelInfo info = card_for(config, path, *file.value());
  std::shared_ptr<const SubwordTokenizer> shared_tokenizer = std::move(tokenizer).value();
  auto model = LlamaModel::load_llama2c(config, shared_tokenizer, file.value(), info);
  if (!model) return model.error();
  return std::shared_ptr<const TransformerModel>(model.value());
}

}  // namespace

std::uint64_t parameter_count(const ModelConfig& config) {
  const auto u = [](int value) { return static_cast<std::uint64_t>(value > 0 ? value : 0); };
  const std::uint64_t d = u(config.d_model);
  const std::uint64_t q_width = u(config.n_heads) * u(config.head_dim);
  const std::uint64_t kv_width = u(config.n_kv_heads) * u(config.head_dim);
  const bool gated = config.family == Family::Llama || config.family == Family::Llama2c;
  // One layer: q, o (d × q_width), k, v (d × kv_width) with biases, the feed-forward matrices
  // (d × d_ff, two or three) with their biases (d_ff in, d out), two norms (weight and bias).
  std::uint64_t layer = mul_add(d, 2 * q_width + 2 * kv_width, 2 * q_width + 2 * kv_width + 4 * d);
  layer = mul_add(mul_add(d, u(config.d_ff), 0), gated ? 3 : 2, layer + u(config.d_ff) + d);
  std::uint64_t layers = u(config.n_layers);
  if (config.family == Family::Marian) layers += u(config.encoder_layers);
  std::uint64_t total = mul_add(layer, layers, 0);
  total = mul_add(u(config.vocab_size), d, total);
  if (config.family != Family::Llama && config.family != Family::Llama2c)
    total = mul_add(u(config.max_positions) + u(config.type_vocab_size), d, total);
  if (!config.tie_word_embeddings) total = mul_add(u(config.vocab_size), d, total);
  return mul_add(2, d, total);  // the final norm
}

Expected<std::string> read_small_file(const std::string& path, std::uint64_t limit) {
  // O_NONBLOCK: a FIFO nobody writes to must not hang the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return model_error(path + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return model_error(path + ": is a folder, not a file");
  }
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) break;  // an empty pipe: nothing more now
    if (got < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return model_error(path + ": cannot read: " + why);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > limit) {
      ::close(fd);
      return model_error(path + ": larger than " + std::to_string(limit >> 20) +
                         " MB, too large for this kind of file");
    }
  }
  ::close(fd);
  return text;
}

Expected<std::shared_ptr<const TransformerModel>> load_model(const std::string& path,
                                                             const std::string& tokenizer_path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) return model_error(path + ": no such file or folder");
  if (fs::is_directory(status)) return load_folder(path);
  if (fs::is_regular_file(status)) return load_llama2c(path, tokenizer_path);
  return model_error(path +
                     ": not a folder or a regular file (a model is a Hugging Face folder "
                     "or a llama2.c .bin)");
}

}  // namespace attn
