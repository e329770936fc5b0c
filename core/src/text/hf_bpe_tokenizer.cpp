#include "attn/text/hf_bpe_tokenizer.h"

#include <nlohmann/json.hpp>

#include "subword_support.h"

namespace attn {
namespace {

using nlohmann::json;
using Step = ByteLevelBpeSpec::Step;

std::string type_of(const json& node) {
  if (!node.is_object()) return {};
  const auto found = node.find("type");
  return found != node.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool flag(const json& node, const char* key, bool otherwise) {
  const auto found = node.find(key);
  return found != node.end() && found->is_boolean() ? found->get<bool>() : otherwise;
}

// One pre-tokenizer of the file → steps; an empty string when fine, else the problem.
std::string add_steps(const json& node, std::vector<Step>& steps, bool& byte_level) {
  const std::string type = type_of(node);
  if (byte_level && type != "ByteLevel")
    return "a " + type + " pre-tokenizer after ByteLevel is not supported";
  if (type == "ByteLevel") {
    Step step;
    step.kind = Step::Kind::ByteLevel;
    step.add_prefix_space = flag(node, "add_prefix_space", false);
    step.use_regex = flag(node, "use_regex", true);
    steps.push_back(step);
    byte_level = true;
    return {};
  }
  if (type == "Split") {
    const auto pattern = node.find("pattern");
    Step step;
    step.kind = Step::Kind::Split;
    if (pattern != node.end() && pattern->is_object() && pattern->contains("Regex") &&
        (*pattern)["Regex"].is_string()) {
      step.pattern = (*pattern)["Regex"].get<std::string>();
    } else if (pattern != node.end() && pattern->is_object() && pattern->contains("String") &&
               (*pattern)["String"].is_string()) {
      step.pattern = (*pattern)["String"].get<std::string>();
      step.literal = true;
    } else {
      return "a Split pre-tokenizer without a pattern {\"Regex\": …} or {\"String\": …}";
    }
    const auto behavior = node.find("behavior");
    if (behavior != node.end() && !(behavior->is_string() && *behavior == "Isolated"))
      return "a Split pre-tokenizer with behavior " + behavior->dump() +
             " (only \"Isolated\" is supported)";
    if (flag(node, "invert", false)) return "an inverted Split pre-tokenizer";
    if (step.pattern.empty()) return "a Split pre-tokenizer with an empty pattern";
    steps.push_back(step);
    return {};
  }
  if (type == "Digits") {
    Step step;
    step.kind = Step::Kind::Digits;
    step.individual = flag(node, "individual_digits", false);
    steps.push_back(step);
    return {};
  }
  if (type == "Sequence") {
    const auto list = node.find("pretokenizers");
    if (list == node.end() || !list->is_array()) return "a Sequence without \"pretokenizers\"";
    for (const json& inner : *list) {
      std::string problem = add_steps(inner, steps, byte_level);
      if (!problem.empty()) return problem;
    }
    return {};
  }
  if (type == "Metaspace")
    return "a Metaspace pre-tokenizer (SentencePiece-style BPE: use the model's tokenizer.model)";
  return "a pre-tokenizer of type \"" + (type.empty() ? node.dump().substr(0, 60) : type) + "\"";
}

}  // namespace

Expected<std::unique_ptr<HfBpeTokenizer>> HfBpeTokenizer::load(const std::string& path) {
  Expected<std::string> bytes =
      subword::read_file(path, subword::kMaxTokenizerFileBytes, "the tokenizer file");
  if (!bytes) return bytes.error();
  return parse(*bytes, path);
}

Expected<std::unique_ptr<HfBpeTokenizer>> HfBpeTokenizer::parse(std::string_view json_text,
                                                                const std::string& path) {
  auto fail = [&](const std::string& what) -> Error {
    return Error{InputField::Model, path + ": " + what};
  };
  json file;
  try {
    file = json::parse(json_text.begin(), json_text.end());
  } catch (const json::exception& e) {
    return fail(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!file.is_object()) return fail("expected a JSON object at the top");
  const auto model = file.find("model");
  if (model == file.end() || !model->is_object()) return fail("no \"model\" object");
  std::string model_type = type_of(*model);
  if (model_type.empty() && model->contains("merges")) model_type = "BPE";  // older files
  if (model_type == "Unigram")
    return fail(
        "a Unigram model is not supported; load the model's SentencePiece file "
        "(tokenizer.model / spiece.model) instead");
  if (model_type == "WordPiece" || model_type == "WordLevel")
    return fail("a " + model_type +
                " model in tokenizer.json is not supported; for BERT use vocab.txt");
  if (model_type != "BPE") return fail("unknown model type \"" + model_type + "\"");
  const std::string sentencepiece_hint =
      "this BPE is not byte-level (SentencePiece-style, like Llama 2's); load the folder's "
      "tokenizer.model instead";
  if (flag(*model, "byte_fallback", false)) return fail(sentencepiece_hint + " (byte_fallback)");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const auto found = model->find(key);
    if (found != model->end() && found->is_string() && !found->get<std::string>().empty())
      return fail(std::string("model.") + key + " is not supported by byte-level BPE");
  }

  ByteLevelBpeSpec spec;
  spec.source = path;
  spec.ignore_merges = flag(*model, "ignore_merges", false);

  const auto vocab = model->find("vocab");
  if (vocab == model->end() || !vocab->is_object())
    return fail("model.vocab must be an object of piece → id");
  spec.vocab.reserve(vocab->size());
  for (const auto& [key, value] : vocab->items()) {
    if (!value.is_number_integer()) return fail("the id of \"" + key + "\" is not an integer");
    const auto id = value.get<long long>();
    if (id < 0 || id > subword::kMaxVocabularyId)
      return fail("the id of \"" + key + "\" (" + std::to_string(id) + ") is out of range");
    spec.vocab.emplace_back(key, static_cast<int>(id));
  }
  const auto merges = model->find("merges");
  if (merges == model->end() || !merges->is_array()) return fail("model.merges must be a list");
  spec.merges.reserve(merges->size());
  for (std::size_t i = 0; i < merges->size(); ++i) {
    const json& merge = (*merges)[i];
    if (merge.is_string()) {
      const std::string line = merge.get<std::string>();
      const std::size_t space = line.find(' ');
      if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
        return fail("merge " + std::to_string(i + 1) + " \"" + line +
                    "\" is not two pieces separated by one space");
      spec.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
               merge[1].is_string()) {
      spec.merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      return fail("merge " + std::to_string(i + 1) + " is neither \"a b\" nor [\"a\", \"b\"]");
    }
  }

  const auto pre_tokenizer = file.find("pre_tokenizer");
  bool byte_level = false;
  if (pre_tokenizer == file.end() || pre_tokenizer->is_null())
    return fail(sentencepiece_hint + " (no pre-tokenizer)");
  if (std::string problem = add_steps(*pre_tokenizer, spec.pre_tokenizer, byte_level);
      !problem.empty())
    return fail(problem + " is not supported");
  if (!byte_level) return fail(sentencepiece_hint + " (no ByteLevel pre-tokenizer)");

  const auto normalizer = file.find("normalizer");
  if (normalizer != file.end() && !normalizer->is_null()) {
    std::vector<json> list{*normalizer};
    if (type_of(*normalizer) == "Sequence") {
      const auto inner = normalizer->find("normalizers");
      list = inner != normalizer->end() && inner->is_array() ? inner->get<std::vector<json>>()
                                                             : std::vector<json>{};
    }
    for (const json& step : list) {
      if (type_of(step) == "NFC") {
        spec.nfc = true;
      } else {
        return fail("the normalizer " +
                    (type_of(step).empty() ? step.dump().substr(0, 60) : type_of(step)) +
                    " is not supported (none or NFC are)");
      }
    }
  }

  const auto added = file.find("added_tokens");
  if (added != file.end() && added->is_array()) {
    for (const json& token : *added) {
      if (!token.is_object() || !token.contains("id") || !token["id"].is_number_integer() ||
          !token.contains("content") || !token["content"].is_string())
        return fail("an entry of added_tokens lacks an integer \"id\" or a \"content\"");
      const auto id = token["id"].get<long long>();
      if (id < 0 || id > subword::kMaxVocabularyId)
        return fail("added token id " + std::to_string(id) + " is out of range");
      spec.added_tokens.push_back({token["content"].get<std::string>(), static_cast<int>(id),
                                   flag(token, "special", true)});
    }
  }
  spec.description = "byte-level BPE (tokenizer.json)";

  std::unique_ptr<HfBpeTokenizer> tokenizer(new HfBpeTokenizer);
  if (std::optional<Error> error = tokenizer->build(spec)) return *error;
  return tokenizer;
}

}  // namespace attn
