// The window computing with a real checkpoint (the real stories260K model from ../shared/data):
// what it shows equals the engine's own weights, and the toy-only settings are disabled.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>
#include <filesystem>

#include "attn/models/model_loader.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/live_engine.h"
#include "attn_ui/settings_panel.h"
#include "ui_test_support.h"

namespace {

namespace fs = std::filesystem;
using attn::test::type_source;
using attn::test::WindowFixture;
using attn::ui::HeatmapView;

const fs::path kStories = fs::path(ATTN_SHARED_DATA) / "stories260K" / "stories260K.bin";

TEST(RealModelWindow, ShowsTheFirstLayersHeadsAsTheEngineComputesThem) {
  if (!fs::exists(kStories)) {
    GTEST_SKIP() << "../shared/data/stories260K not found beside the checkout: skipped";
  }
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      attn::load_model(kStories.string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  WindowFixture f;
  f.window->useModel(model.value());
  type_source(*f.window, QStringLiteral("Once upon a time, Lily saw a ball."));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !f.window->engine()->busy(); }, 30000));

  attn::Scenario scenario;
  scenario.source = "Once upon a time, Lily saw a ball.";
  const attn::Expected<attn::Trace> engine = model.value()->run(scenario);
  ASSERT_TRUE(engine.ok());
  const attn::AttentionBlock& layer0 = engine->blocks.at(0);
  const HeatmapView& view = *f.window->heatmapView();
  ASSERT_EQ(view.panelCount(), 9);  // 8 heads and their mean
  for (int h = 0; h < 8; ++h) {
    QCPColorMapData* data = view.panel(h)->colorMap()->data();
    ASSERT_EQ(data->keySize(), layer0.n_k());
    for (int r = 0; r < layer0.n_q(); ++r)
      for (int c = 0; c < layer0.n_k(); ++c)
        ASSERT_FLOAT_EQ(float(data->cell(c, r)), layer0.head[h].weights(r, c)) << h;
  }
  EXPECT_EQ(view.panel(0)->content().row_labels.front(), QStringLiteral("<s>"));

  attn::ui::SettingsPanel* panel = f.window->settingsPanel();
  EXPECT_FALSE(panel->headsBox()->isEnabled());
  EXPECT_FALSE(panel->dModelBox()->isEnabled());
  EXPECT_FALSE(panel->seedBox()->isEnabled());
  EXPECT_FALSE(panel->maskBox()->isEnabled());
  EXPECT_FALSE(panel->targetEdit()->isEnabled());  // not BERT: no sentence B
  EXPECT_TRUE(f.window->windowTitle().contains(QStringLiteral("stories260K")));
}

// Typing one more word reuses the last run and still shows exactly what a full run gives.
TEST(RealModelWindow, TypingAtTheEndMatchesAFullRun) {
  if (!fs::exists(kStories)) {
    GTEST_SKIP() << "../shared/data/stories260K not found beside the checkout: skipped";
  }
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> model =
      attn::load_model(kStories.string());
  ASSERT_TRUE(model.ok()) << model.error().message;
  WindowFixture f;
  f.window->useModel(model.value());
  type_source(*f.window, QStringLiteral("Lily saw a big"));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !f.window->engine()->busy(); }, 30000));
  type_source(*f.window, QStringLiteral("Lily saw a big red ball"));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !f.window->engine()->busy(); }, 30000));

  attn::Scenario scenario;
  scenario.source = "Lily saw a big red ball";
  const attn::Expected<attn::Trace> full = model.value()->run(scenario);
  ASSERT_TRUE(full.ok());
  const auto& shown = f.window->heatmapView()->trace();
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->blocks.size(), full->blocks.size());
  for (std::size_t b = 0; b < full->blocks.size(); ++b) {
    for (int h = 0; h < full->blocks[b].heads(); ++h) {
      const attn::Matrix diff = shown->blocks[b].head[h].weights - full->blocks[b].head[h].weights;
      EXPECT_LT(diff.cwiseAbs().maxCoeff(), 1e-5f) << b << " " << h;
    }
  }
}

}  // namespace
