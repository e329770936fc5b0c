#include "attn/models/model_config.h"

namespace attn {

std::string_view to_string(Family family) {
  switch (family) {
    case Family::Toy:
      return "toy";
    case Family::Gpt2:
      return "gpt2";
    case Family::Bert:
      return "bert";
    case Family::Llama:
      return "llama";
    case Family::Llama2c:
      return "llama2c";
    case Family::Marian:
      return "marian";
  }
  return "toy";
}

}  // namespace attn
