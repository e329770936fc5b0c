#include "attn/models/shipped_models.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "../io/checked_json.h"
#include "attn/models/model_loader.h"

namespace attn {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxCardBytes = 1u << 20;
constexpr int kMaxExamples = 64;

Error card_error(const std::string& path, const std::string& problem) {
  return Error{InputField::Model, path + ": " + problem};
}

// A string member; `required` ones must be there.
Expected<std::string> text_member(const nlohmann::json& object, const char* key, bool required,
                                  const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (!required) return std::string();
    return card_error(path, std::string("\"") + key + "\" is missing");
  }
  if (!it->is_string())
    return card_error(path,
                      std::string("\"") + key + "\" should be text, not " + detail::describe(*it));
  return it->get<std::string>();
}

Expected<int> int_member(const nlohmann::json& object, const char* key, int low, int high,
                         const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) return card_error(path, std::string("\"") + key + "\" is missing");
  if (!it->is_number_integer() || it->get<long long>() < low || it->get<long long>() > high)
    return card_error(path, std::string("\"") + key + "\" should be a whole number from " +
                                std::to_string(low) + " to " + std::to_string(high) + ", not " +
                                detail::describe(*it));
  return static_cast<int>(it->get<long long>());
}

Expected<ShippedExample> example_of(const nlohmann::json& value, const std::string& path) {
  if (!value.is_object())
    return card_error(path, "an example should be {\"source\": …, \"target\": …}, not " +
                                detail::describe(value));
  Expected<std::string> source = text_member(value, "source", true, path);
  if (!source) return source.error();
  Expected<std::string> target = text_member(value, "target", false, path);
  if (!target) return target.error();
  return ShippedExample{source.value(), target.value()};
}

Expected<ShippedModel> parse_card(const nlohmann::json& card, const std::string& folder,
                                  const std::string& path) {
  if (!card.is_object()) return card_error(path, "should hold one JSON object");
  ShippedModel model;
  model.folder = folder;
  model.name = fs::path(folder).filename().string();
  struct Text {
    const char* key;
    std::string* out;
    bool required;
  };
  for (const Text& t :
       {Text{"title", &model.title, true}, Text{"title_zh", &model.title_zh, false},
        Text{"summary", &model.summary, true}, Text{"summary_zh", &model.summary_zh, false},
        Text{"family", &model.family, true}}) {
    Expected<std::string> value = text_member(card, t.key, t.required, path);
    if (!value) return value.error();
    *t.out = value.value();
  }
  const auto focus = card.find("focus");
  if (focus == card.end() || !focus->is_object())
    return card_error(path, "\"focus\" should be {\"layer\": L, \"head\": H}");
  Expected<int> layer = int_member(*focus, "layer", 0, kMaxConfigLayers, path);
  if (!layer) return layer.error();
  Expected<int> head = int_member(*focus, "head", -1, kMaxConfigHeads, path);
  if (!head) return head.error();
  model.focus_layer = layer.value();
  model.focus_head = head.value();
  const auto example = card.find("example");
  if (example == card.end()) return card_error(path, "\"example\" is missing");
  Expected<ShippedExample> first = example_of(*example, path);
  if (!first) return first.error();
  model.example = first.value();
  const auto more = card.find("more_examples");
  if (more != card.end()) {
    if (!more->is_array() || more->size() > kMaxExamples)
      return card_error(path, "\"more_examples\" should be a list of at most " +
                                  std::to_string(kMaxExamples) + " examples");
    for (const nlohmann::json& value : *more) {
      Expected<ShippedExample> next = example_of(value, path);
      if (!next) return next.error();
      model.more_examples.push_back(next.value());
    }
  }
  return model;
}

bool is_directory(const std::string& path) {
  std::error_code error;
  return fs::is_directory(path, error);
}

}  // namespace

Expected<ShippedModel> read_shipped_model(const std::string& folder) {
  const std::string path = (fs::path(folder) / "attnviz.json").string();
  Expected<std::string> text = read_small_file(path, kMaxCardBytes);
  if (!text) return text.error();
  Expected<nlohmann::json> card = detail::parse_json_checked(text.value());
  if (!card) return card_error(path, card.error().message);
  return parse_card(card.value(), folder, path);
}

std::vector<std::string> shipped_model_roots() {
  std::vector<std::string> roots;
  if (const char* from_environment = std::getenv("ATTNVIZ_MODELS_DIR");
      from_environment != nullptr && *from_environment != '\0')
    roots.emplace_back(from_environment);
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error)
    roots.push_back((executable.parent_path().parent_path() / "share" / "attnviz" / "models")
                        .lexically_normal()
                        .string());
  return roots;
}

std::vector<ShippedModel> list_shipped_models(const std::vector<std::string>& roots) {
  std::vector<ShippedModel> found;
  for (const std::string& root : roots) {
    if (!is_directory(root)) continue;
    std::vector<std::string> folders;
    std::error_code error;
    for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
      if (is_directory(it->path().string())) folders.push_back(it->path().string());
    }
    std::sort(folders.begin(), folders.end());
    for (const std::string& folder : folders) {
      Expected<ShippedModel> model = read_shipped_model(folder);
      if (!model) continue;
      const bool seen = std::any_of(found.begin(), found.end(), [&](const ShippedModel& m) {
        return m.name == model.value().name;
      });
      if (!seen) found.push_back(model.value());
    }
  }
  std::sort(found.begin(), found.end(),
            [](const ShippedModel& a, const ShippedModel& b) { return a.name < b.name; });
  return found;
}

std::optional<ShippedModel> find_shipped_model(std::string_view name,
                                               const std::vector<std::string>& roots) {
  // A name is one path component: "../x" or "a/b" never reaches outside the roots.
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..")
    return std::nullopt;
  for (const std::string& root : roots) {
    const std::string folder = (fs::path(root) / std::string(name)).string();
    if (!is_directory(folder)) continue;
    Expected<ShippedModel> model = read_shipped_model(folder);
    if (model) return model.value();
  }
  return std::nullopt;
}

std::string resolve_model_path(const std::string& name_or_path,
                               const std::vector<std::string>& roots) {
  std::error_code error;
  if (fs::exists(name_or_path, error)) return name_or_path;
  if (std::optional<ShippedModel> shipped = find_shipped_model(name_or_path, roots))
    return shipped->folder;
  return name_or_path;
}

std::string shipped_model_names(const std::vector<std::string>& roots) {
  std::string names;
  for (const ShippedModel& model : list_shipped_models(roots))
    names += (names.empty() ? "" : ", ") + model.name;
  return names.empty() ? "none found" : names;
}

}  // namespace attn
