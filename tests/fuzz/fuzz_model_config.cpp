// config.json: the input is the file's text, parsed for whichever family its "model_type"
// names; an accepted config must have the sizes the checks promise, and its parameter count goes
// through the memory budget check as load_model does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "attn/io/tensor_source.h"
#include "attn/models/model_config.h"
#include "attn/models/model_loader.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  attn::Expected<attn::ModelConfig> config = attn::parse_model_config(text, "config.json");
  if (!config) {
    if (config.error().message.empty()) attn::fuzz::fail("a refusal without a message");
    return 0;
  }
  const attn::ModelConfig& c = config.value();
  if (c.n_layers <= 0 || c.n_layers > attn::kMaxConfigLayers || c.n_heads <= 0 || c.d_model <= 0 ||
      c.d_model > attn::kMaxConfigDModel || c.head_dim <= 0 || c.n_kv_heads <= 0 ||
      c.n_heads % c.n_kv_heads != 0 || c.vocab_size <= 0 || c.vocab_size > attn::kMaxConfigVocab)
    attn::fuzz::fail("an accepted config with a size outside the limits");
  (void)attn::check_memory_budget(attn::parameter_count(c), "config.json");
  return 0;
}
