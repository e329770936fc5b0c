#include "attn/validation.h"

#include <cmath>
#include <cstdio>
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

// "0", "inf", "1e-05": %g, not std::to_string's "0.000000".
std::string shortest(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return text;
}

}  // namespace

bool temperature_in_range(double temperature) {
  const float stored = static_cast<float>(temperature);  // NaN stays NaN and fails below
  return stored >= float(kMinTemperature) && stored <= float(kMaxTemperature);
}

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
                     shortest(config.temperature)};
  }
  return std::nullopt;
}

std::optional<Error> validate_size(int n_q, int n_k, int heads) {
  const double floats = 2.0 * heads * double(n_q) * double(n_k);
  if (floats <= kMaxAttentionFloats) return std::nullopt;
  char gigabytes[32];
  std::snprintf(gigabytes, sizeof gigabytes, "%.1f", floats * sizeof(float) / 1e9);
  return Error{InputField::Source, std::to_string(n_q) + " × " + std::to_string(n_k) +
                                       " tokens with " + std::to_string(heads) +
                                       " heads would need " + gigabytes +
                                       " GB for scores and weights (at most 2.1 GB): use fewer "
                                       "tokens or fewer heads"};
}

}  // namespace attn
