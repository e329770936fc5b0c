#pragma once

// The models attnviz trains itself and ships (resources/models/NAME): each a Hugging Face folder
// that load_model opens, plus attnviz.json saying how to present it: a title, a one-line
// summary, the layer and head a class should look at first and the sentence to open it on.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/expected.h"

namespace attn {

/// A sentence (and, for a translator, its translation) to open a shipped model on.
struct ShippedExample {
  std::string source;
  std::string target;  ///< empty unless the model translates
};

/// One shipped model, as its attnviz.json describes it.
struct ShippedModel {
  std::string name;    ///< the folder's name, what `--model NAME` takes ("bert-pronouns")
  std::string folder;  ///< the Hugging Face folder load_model opens
  std::string title;   ///< short, for a menu
  std::string title_zh;
  std::string summary;  ///< one sentence: what its heads show
  std::string summary_zh;
  std::string family;   ///< "bert", "marian" or "gpt2", as config.json's model_type
  int focus_layer = 0;  ///< 0-based; Marian: the decoder layer whose cross-attention to show
  int focus_head = -1;  ///< 0-based; −1: the layer's mean over heads
  ShippedExample example;
  std::vector<ShippedExample> more_examples;
};

/// Reads `folder`/attnviz.json. An Error (field Model) names the file and the member that is
/// missing or of the wrong type; text is checked UTF-8, sizes bounded.
Expected<ShippedModel> read_shipped_model(const std::string& folder);

/// Where shipped models are looked for, in order: the folder in $ATTNVIZ_MODELS_DIR when set,
/// then `<executable's folder>/../share/attnviz/models` (the installed layout, which the build
/// tree copies so `build/app/attnviz` finds them too).
std::vector<std::string> shipped_model_roots();

/// Every folder with an attnviz.json directly under one of `roots`, by name; a name found in
/// two roots is taken from the first. Folders whose attnviz.json is unreadable are left out.
std::vector<ShippedModel> list_shipped_models(const std::vector<std::string>& roots);

/// The shipped model called `name` (case-sensitive), or nothing.
std::optional<ShippedModel> find_shipped_model(std::string_view name,
                                               const std::vector<std::string>& roots);

/// What `--model` names: an existing file or folder is taken as it is; otherwise a shipped
/// model's name gives its folder. Anything else comes back unchanged, for load_model's message.
std::string resolve_model_path(const std::string& name_or_path,
                               const std::vector<std::string>& roots);

/// "bert-pronouns, gpt2-induction, marian-en-zh" (or "none found") — for messages.
std::string shipped_model_names(const std::vector<std::string>& roots);

}  // namespace attn
