#include "attn/validation.h"

#include <cmath>
#include <sstream>
#include <string>

namespace attn {
namespace {

std::string divisors_up_to(int d_model, int limit) {
  std::ostringstream out;
  const char* separator = "";
  for (int h = 1; h <= limit; ++h) {
    if (d_model % h == 0) {
      out << separator << h;
      separator = ", ";
    }
  }
  return out.str();
}

}  // namespace

std::optional<Error> validate_settings(const AttentionConfig& config) {
  if (config.d_model < 1 || config.d_model > kMaxDModel) {
    return Error{InputField::DModel, "d_model must be between 1 and " + std::to_string(kMaxDModel) +
                                         ", not " + std::to_string(config.d_model)};
  }
  const int heads = config.effective_heads();
  if (heads < 1 || heads > kMaxHeads) {
    return Error{InputField::Heads, "the number of heads must be between 1 and " +
                                        std::to_string(kMaxHeads) + ", not " +
                                        std::to_string(heads)};
  }
  if (config.d_model % heads != 0) {
    return Error{InputField::Heads,
                 std::to_string(heads) +
                     " heads do not divide d_model = " + std::to_string(config.d_model) +
                     "; head counts that do: " + divisors_up_to(config.d_model, kMaxHeads)};
  }
  if (!std::isfinite(config.temperature) || config.temperature <= 0.0f) {
    return Error{InputField::Temperature,
                 "the temperature must be a finite number greater than 0, not " +
                     std::to_string(config.temperature)};
  }
  return std::nullopt;
}

}  // namespace attn
