#include <gtest/gtest.h>

#include <set>
#include <string>

#include "attn/examples.h"
#include "attn/models/toy_model.h"

namespace attn {
namespace {

TEST(Examples, EveryExampleRunsWithDefaultSettings) {
  ToyModel model;
  std::set<std::string> names;
  for (const Example& example : builtin_examples()) {
    EXPECT_TRUE(names.insert(std::string(example.name)).second) << "duplicate " << example.name;
    const Expected<Trace> trace = model.run(example.scenario);
    EXPECT_TRUE(trace.ok()) << example.name << ": " << (trace.ok() ? "" : trace.error().message);
  }
  EXPECT_GE(names.size(), 6u);
}

TEST(Examples, HasEnglishChineseAndATranslationPair) {
  const Example* animal = find_example("animal");
  ASSERT_NE(animal, nullptr);
  EXPECT_EQ(animal->scenario.source, "The animal didn't cross the street because it was too tired");
  const Example* pair = find_example("love-zh-en");
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->scenario.config.mode, Mode::Cross);
  EXPECT_EQ(pair->scenario.source, "我爱你");
  EXPECT_EQ(pair->scenario.target, "I love you");
  EXPECT_EQ(find_example("no-such-example"), nullptr);
}

}  // namespace
}  // namespace attn
