// The catalogue of shipped models: attnviz.json read and checked, folders listed and found by
// name, `--model NAME` resolved, and the roots ($ATTNVIZ_MODELS_DIR first).
#include "attn/models/shipped_models.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tokenizer_test_files.h"

namespace attn {
namespace {

namespace fs = std::filesystem;
using testing::TempFolder;

const char* const kCard = R"({
  "name": "demo-model", "title": "Demo", "title_zh": "演示",
  "summary": "Shows something.", "summary_zh": "展示一些东西。", "family": "gpt2",
  "focus": {"layer": 1, "head": 3},
  "example": {"source": "Once upon a time", "target": ""},
  "more_examples": [{"source": "a b", "target": "甲 乙"}],
  "behaviour": {"induction": 0.9}
})";

// root/NAME/attnviz.json holding `card`.
std::string add_model(const TempFolder& root, const std::string& name, const std::string& card) {
  const fs::path folder = fs::path(root.path()) / name;
  fs::create_directories(folder);
  root.write(name + "/attnviz.json", card);
  return folder.string();
}

TEST(ShippedModels, ReadsEveryMemberOfTheCard) {
  TempFolder root("shipped");
  const std::string folder = add_model(root, "demo-model", kCard);
  Expected<ShippedModel> model = read_shipped_model(folder);
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model->name, "demo-model");
  EXPECT_EQ(model->folder, folder);
  EXPECT_EQ(model->title, "Demo");
  EXPECT_EQ(model->title_zh, "演示");
  EXPECT_EQ(model->summary, "Shows something.");
  EXPECT_EQ(model->summary_zh, "展示一些东西。");
  EXPECT_EQ(model->family, "gpt2");
  EXPECT_EQ(model->focus_layer, 1);
  EXPECT_EQ(model->focus_head, 3);
  EXPECT_EQ(model->example.source, "Once upon a time");
  EXPECT_EQ(model->example.target, "");
  ASSERT_EQ(model->more_examples.size(), 1u);
  EXPECT_EQ(model->more_examples[0].target, "甲 乙");
}

TEST(ShippedModels, ABadCardNamesTheFileAndTheMember) {
  TempFolder root("shipped");
  struct Case {
    std::string card;
    std::string expected;
  };
  const Case cases[] = {
      {R"({"summary": "s", "family": "gpt2", "focus": {"layer": 0, "head": 0},
           "example": {"source": "x"}})",
       "\"title\" is missing"},
      {R"({"title": 5, "summary": "s", "family": "gpt2", "focus": {"layer": 0, "head": 0},
           "example": {"source": "x"}})",
       "\"title\" should be text, not 5"},
      {R"({"title": "t", "summary": "s", "family": "gpt2", "focus": {"layer": -2, "head": 0},
           "example": {"source": "x"}})",
       "\"layer\" should be a whole number from 0"},
      {R"({"title": "t", "summary": "s", "family": "gpt2", "focus": {"layer": 0, "head": 0.5},
           "example": {"source": "x"}})",
       "\"head\" should be a whole number from -1"},
      {R"({"title": "t", "summary": "s", "family": "gpt2", "focus": {"layer": 0, "head": 0}})",
       "\"example\" is missing"},
      {R"([1, 2])", "should hold one JSON object"},
      {"{\"title\": \"\xff\"}", "UTF-8"},
      {R"({"title": "t", "title": "u"})", "title"},
  };
  for (const Case& c : cases) {
    const std::string folder = add_model(root, "bad", c.card);
    Expected<ShippedModel> model = read_shipped_model(folder);
    ASSERT_FALSE(model.ok()) << c.card;
    EXPECT_NE(model.error().message.find("attnviz.json"), std::string::npos)
        << model.error().message;
    EXPECT_NE(model.error().message.find(c.expected), std::string::npos) << model.error().message;
  }
  EXPECT_FALSE(read_shipped_model(root.path() + "/absent").ok());
}

TEST(ShippedModels, ListsByNameSkipsBrokenCardsAndPrefersTheFirstRoot) {
  TempFolder first("shipped-first");
  TempFolder second("shipped-second");
  add_model(first, "zeta", kCard);
  add_model(first, "alpha", kCard);
  add_model(first, "broken", "{");
  fs::create_directories(fs::path(first.path()) / "no-card");
  const std::string shadowed = add_model(second, "alpha", kCard);
  add_model(second, "beta", kCard);
  const std::vector<ShippedModel> models =
      list_shipped_models({first.path(), second.path(), "/no/such/root"});
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].name, "alpha");
  EXPECT_NE(models[0].folder, shadowed);
  EXPECT_EQ(models[1].name, "beta");
  EXPECT_EQ(models[2].name, "zeta");
  EXPECT_EQ(shipped_model_names({first.path(), second.path()}), "alpha, beta, zeta");
  EXPECT_EQ(shipped_model_names({"/no/such/root"}), "none found");
}

TEST(ShippedModels, FindsANameButNeverAPathOutsideTheRoots) {
  TempFolder root("shipped");
  const std::string folder = add_model(root, "demo-model", kCard);
  ASSERT_TRUE(find_shipped_model("demo-model", {root.path()}).has_value());
  EXPECT_EQ(find_shipped_model("demo-model", {root.path()})->folder, folder);
  EXPECT_FALSE(find_shipped_model("Demo-Model", {root.path()}).has_value());
  EXPECT_FALSE(find_shipped_model("", {root.path()}).has_value());
  EXPECT_FALSE(find_shipped_model("..", {root.path() + "/demo-model"}).has_value());
  EXPECT_FALSE(find_shipped_model("x/../demo-model", {root.path()}).has_value());
}

TEST(ShippedModels, AnExistingPathWinsOverAName) {
  TempFolder root("shipped");
  const std::string folder = add_model(root, "demo-model", kCard);
  EXPECT_EQ(resolve_model_path("demo-model", {root.path()}), folder);
  EXPECT_EQ(resolve_model_path(folder, {}), folder);
  EXPECT_EQ(resolve_model_path("no-such-model", {root.path()}), "no-such-model");
}

TEST(ShippedModels, RootsStartWithTheEnvironmentThenBesideTheExecutable) {
  ::setenv("ATTNVIZ_MODELS_DIR", "/somewhere/models", 1);
  std::vector<std::string> roots = shipped_model_roots();
  ::unsetenv("ATTNVIZ_MODELS_DIR");
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0], "/somewhere/models");
  // This test runs from build/tests: build/share/attnviz/models, which the build links.
  const fs::path beside = fs::read_symlink("/proc/self/exe").parent_path().parent_path();
  EXPECT_EQ(roots[1], (beside / "share/attnviz/models").lexically_normal().string());
  EXPECT_EQ(shipped_model_roots().size(), 1u);
}

}  // namespace
}  // namespace attn
