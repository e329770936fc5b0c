// The models attnviz ships, in the window: opened by name on their example with their chosen
// layer and head focused, listed in the Examples menu (which says which model each example
// uses and switches to it), and opened on the first start. A tiny GPT-2 stands in for them
// ($ATTNVIZ_MODELS_DIR), so these tests do not depend on the trained weights.
#include <gtest/gtest.h>

#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "attn_ui/heatmap_view.h"
#include "attn_ui/settings_panel.h"
#include "shipped_model_folder.h"
#include "ui_test_support.h"

namespace {

using attn::test::WindowFixture;
using attn::ui::MainWindow;

// The Examples menu's entry whose text starts with `prefix`, or nullptr.
QAction* example_entry(MainWindow& window, const QString& prefix) {
  for (QAction* top : window.menuBar()->actions()) {
    if (!top->menu()) continue;
    for (QAction* action : top->menu()->actions())
      if (action->text().startsWith(prefix)) return action;
  }
  return nullptr;
}

bool wait_for_model(MainWindow& window, QSignalSpy& opened) {
  if (opened.isEmpty() && !opened.wait(60000)) return false;
  attn::test::settle(window);
  return window.computedTrace() && window.computedTrace()->model.family == attn::Family::Gpt2;
}

TEST(ShippedWindow, OpensAShippedModelOnItsExampleWithItsHeadFocused) {
  QTemporaryDir root;
  attn::test::add_demo_shipped_model(root);
  WindowFixture f;
  MainWindow& window = *f.window;
  QSignalSpy opened(&window, &MainWindow::modelOpened);
  ASSERT_TRUE(window.openShippedModel(attn::test::kDemoModel));
  ASSERT_TRUE(wait_for_model(window, opened));
  EXPECT_EQ(QString::fromStdString(window.settingsPanel()->scenario().source),
            attn::test::kDemoExample);
  EXPECT_EQ(window.layer(), attn::test::kDemoFocusLayer);
  EXPECT_EQ(window.heatmapView()->focusedHead(), attn::test::kDemoFocusHead);
  EXPECT_EQ(window.heatmapView()->block(), attn::test::kDemoFocusLayer);

  // Its second example, already opened: no second read, the focus comes back.
  window.heatmapView()->setFocusedHead(0);
  ASSERT_TRUE(window.openShippedModel(attn::test::kDemoModel, 1));
  attn::test::settle(window);
  EXPECT_EQ(QString::fromStdString(window.settingsPanel()->scenario().source),
            attn::test::kDemoMoreExample);
  EXPECT_EQ(window.heatmapView()->focusedHead(), attn::test::kDemoFocusHead);

  // Nothing changes for a name or example that is not there.
  EXPECT_FALSE(window.openShippedModel(attn::test::kDemoModel, 2));
  EXPECT_FALSE(window.openShippedModel(QStringLiteral("no-such-model")));
  EXPECT_EQ(QString::fromStdString(window.settingsPanel()->scenario().source),
            attn::test::kDemoMoreExample);
}

TEST(ShippedWindow, ExamplesMenuNamesEachExamplesModelAndSwitchesToIt) {
  QTemporaryDir root;
  attn::test::add_demo_shipped_model(root);
  WindowFixture f;
  MainWindow& window = *f.window;
  QAction* shipped = example_entry(
      window, attn::test::kDemoTitle + QStringLiteral(" — ") + attn::test::kDemoExample);
  QAction* second = example_entry(
      window, attn::test::kDemoTitle + QStringLiteral(" — ") + attn::test::kDemoMoreExample);
  QAction* toy = example_entry(window, QStringLiteral("Toy model (seeded) — cat: "));
  ASSERT_NE(shipped, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(toy, nullptr);
  EXPECT_EQ(shipped->toolTip(), QStringLiteral("A tiny untrained GPT-2 for tests."));

  QSignalSpy opened(&window, &MainWindow::modelOpened);
  shipped->trigger();
  ASSERT_TRUE(wait_for_model(window, opened));
  EXPECT_EQ(window.heatmapView()->focusedHead(), attn::test::kDemoFocusHead);

  // A toy example goes back to the toy model.
  toy->trigger();
  attn::test::settle(window);
  EXPECT_EQ(window.computedTrace()->model.family, attn::Family::Toy);
  EXPECT_EQ(window.settingsPanel()->scenario().source, "The cat sat on the mat.");
}

TEST(ShippedWindow, OnlyTheVeryFirstStartCountsAsFirst) {
  WindowFixture f;
  EXPECT_TRUE(MainWindow::isFirstStart(*f.settings));
  f.window->saveSettings();
  EXPECT_FALSE(MainWindow::isFirstStart(*f.settings));
}

}  // namespace
