#include "attn/config.h"

#include <array>
#include <utility>

namespace attn {
namespace {

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                         Enum value) {
  for (const auto& [candidate, name] : names)
    if (candidate == value) return name;
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view name) {
  for (const auto& [candidate, candidate_name] : names)
    if (candidate_name == name) return candidate;
  return std::nullopt;
}

constexpr std::array<std::pair<Mode, std::string_view>, 3> kModes{
    {{Mode::Self, "self"}, {Mode::MultiHead, "multihead"}, {Mode::Cross, "cross"}}};
constexpr std::array<std::pair<ScoreFunction, std::string_view>, 5> kScores{
    {{ScoreFunction::ScaledDot, "scaled_dot"},
     {ScoreFunction::Dot, "dot"},
     {ScoreFunction::Additive, "additive"},
     {ScoreFunction::General, "general"},
     {ScoreFunction::Cosine, "cosine"}}};
constexpr std::array<std::pair<MaskKind, std::string_view>, 4> kMasks{
    {{MaskKind::None, "none"},
     {MaskKind::Causal, "causal"},
     {MaskKind::Padding, "padding"},
     {MaskKind::Custom, "custom"}}};

}  // namespace

std::string_view to_string(Mode mode) { return name_of(kModes, mode); }
std::string_view to_string(ScoreFunction score) { return name_of(kScores, score); }
std::string_view to_string(MaskKind mask) { return name_of(kMasks, mask); }
std::optional<Mode> parse_mode(std::string_view name) { return value_of(kModes, name); }
std::optional<ScoreFunction> parse_score_function(std::string_view name) {
  return value_of(kScores, name);
}
std::optional<MaskKind> parse_mask_kind(std::string_view name) { return value_of(kMasks, name); }

}  // namespace attn
