#include "attn/examples.h"

#include <string>

namespace attn {
namespace {

Example make(std::string_view name, std::string_view description, Mode mode, std::string source,
             std::string target = {}) {
  Scenario scenario;
  scenario.source = std::move(source);
  scenario.target = std::move(target);
  scenario.config.mode = mode;
  return {name, description, scenario};
}

}  // namespace

const std::vector<Example>& builtin_examples() {
  static const std::vector<Example> examples{
      make("animal", "What does \"it\" attend to? (Vaswani et al.'s coreference example)",
           Mode::MultiHead, "The animal didn't cross the street because it was too tired"),
      make("bank", "One word, two meanings", Mode::MultiHead,
           "I sat on the river bank, then walked to the bank to deposit money."),
      make("nlp-zh", "我爱自然语言处理 (I love natural language processing)", Mode::MultiHead,
           "我爱自然语言处理"),
      make("weather-zh", "今天天气很好，我们去公园散步吧。", Mode::MultiHead,
           "今天天气很好，我们去公园散步吧。"),
      make("cat", "A short sentence for a single head", Mode::Self, "The cat sat on the mat."),
      make("love-zh-en", "Translation pair: 我爱你 → I love you", Mode::Cross, "我爱你",
           "I love you"),
      make("cat-fr-en", "Translation pair: French → English", Mode::Cross,
           "Le chat est assis sur le tapis.", "The cat is sitting on the mat."),
      make("study-en-zh", "Translation pair: English → 中文", Mode::Cross,
           "Students learn attention by looking at it.", "学生通过观察来学习注意力。"),
  };
  return examples;
}

const Example* find_example(std::string_view name) {
  for (const Example& example : builtin_examples())
    if (example.name == name) return &example;
  return nullptr;
}

}  // namespace attn
