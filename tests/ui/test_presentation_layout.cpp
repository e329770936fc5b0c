// The heatmaps tab laid out as a class sees it: in presentation mode at a projector's
// 1280 × 720 with 8 and 16 heads, in English and Chinese, no title is cut, the focused panel
// shows every token label at ≥ 18 pt, and everything stays inside the window; in the normal
// window the grid is centred and the focused panel is not drawn twice.
#include <gtest/gtest.h>

#include <QFontMetricsF>

#include "attn_ui/color_bar.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/language.h"
#include "attn_ui/settings_panel.h"
#include "attn_ui/token_ticker.h"
#include "ui_test_support.h"

namespace {

using attn::test::WindowFixture;
using attn::ui::HeatmapPanel;
using attn::ui::HeatmapView;
using attn::ui::MainWindow;

void show_example(MainWindow& window, const QString& example, int heads, QSize size) {
  ASSERT_TRUE(window.loadExample(example));
  attn::Scenario scenario = window.settingsPanel()->scenario();
  scenario.config.heads = heads;
  window.settingsPanel()->setScenario(scenario);
  window.show();
  window.resize(size);
  attn::test::settle(window);
  QCoreApplication::processEvents();
}

// Presentation mode at `size`: full screen is the offscreen platform's own size, so the
// window is put back to a projector's size with presentation's layout and fonts kept.
void present(MainWindow& window, QSize size) {
  window.setPresentationMode(true);
  window.setWindowState(Qt::WindowNoState);
  window.resize(size);
  attn::test::settle(window);
  QCoreApplication::processEvents();
}

int stride(const QCPAxis* axis) {
  const auto ticker = axis->ticker().dynamicCast<attn::ui::TokenTicker>();
  return ticker ? ticker->stride() : -1;
}

void expect_title_fits(const HeatmapPanel& panel) {
  const double needed = QFontMetricsF(panel.titleFont()).horizontalAdvance(panel.title());
  EXPECT_LE(needed, panel.titleRect().width() + 0.5)
      << "title \"" << panel.title().toStdString() << "\" is cut";
  EXPECT_GT(panel.titleRect().width(), 0);
}

void expect_presentation_readable(MainWindow& window, int heads) {
  HeatmapView& view = *window.heatmapView();
  ASSERT_TRUE(view.presentation());
  ASSERT_EQ(view.panelCount(), heads + 1);
  const QRect grid = view.gridArea()->rect();
  for (int i = 0; i < view.panelCount(); ++i) {
    HeatmapPanel& panel = *view.panel(i);
    panel.replot();
    // toAlignedRect may round a fractional edge out by a pixel.
    EXPECT_TRUE(grid.adjusted(-1, -1, 1, 1).contains(panel.geometry()))
        << "panel " << i << " leaves the grid: " << panel.geometry().right() << ","
        << panel.geometry().bottom() << " in " << grid.width() << "×" << grid.height();
    if (panel.isVisible()) expect_title_fits(panel);
  }
  // The mean is focused: shown large, and its place in the grid says so instead.
  EXPECT_FALSE(view.panel(heads)->isVisible());
  EXPECT_EQ(view.focusPlaceholder().toAlignedRect(), view.panel(heads)->geometry());

  HeatmapPanel& focused = *view.focusedPanel();
  focused.replot();
  expect_title_fits(focused);
  EXPECT_GE(focused.xAxis->tickLabelFont().pointSize(), MainWindow::kMinPresentationPoints);
  EXPECT_EQ(stride(focused.xAxis), 1) << "key labels are thinned";
  EXPECT_EQ(stride(focused.yAxis), 1) << "query labels are thinned";
  EXPECT_TRUE(focused.xAxis->tickLabels());

  // The colour bar is wide enough for its labels at this size.
  const QFontMetricsF bar_metrics(view.colorBar()->font());
  EXPECT_GE(view.colorBar()->width(), bar_metrics.horizontalAdvance(QStringLiteral("0.000")) + 40);
  EXPECT_TRUE(window.rect().contains(view.mapTo(&window, view.rect().bottomRight())));
}

class Presentation : public ::testing::TestWithParam<std::tuple<int, const char*>> {};

TEST_P(Presentation, NothingIsCutAtProjectorSize) {
  const auto [heads, language] = GetParam();
  attn::ui::install_language(QString::fromLatin1(language));
  {
    WindowFixture f;
    show_example(*f.window, QStringLiteral("weather-zh"), heads, QSize(1280, 720));
    present(*f.window, QSize(1280, 720));
    expect_presentation_readable(*f.window, heads);
    // English words stand upright under the columns, still all of them.
    show_example(*f.window, QStringLiteral("animal"), heads, QSize(1280, 720));
    expect_presentation_readable(*f.window, heads);
  }
  attn::ui::install_language(QStringLiteral("en"));
}

INSTANTIATE_TEST_SUITE_P(HeadsAndLanguages, Presentation,
                         ::testing::Combine(::testing::Values(8, 16),
                                            ::testing::Values("en", "zh_CN")));

TEST(HeatmapsLayout, TheGridIsPackedAndCentredAndTheFocusedPanelNotDrawnTwice) {
  WindowFixture f;
  show_example(*f.window, QStringLiteral("weather-zh"), 8, QSize(1600, 1000));
  HeatmapView& view = *f.window->heatmapView();
  ASSERT_EQ(view.panelCount(), 9);
  QRect block;
  for (int i = 0; i < view.panelCount(); ++i) block |= view.panel(i)->geometry();
  const QRect grid = view.gridArea()->rect();
  EXPECT_NEAR(block.center().x(), grid.center().x(), 2);
  EXPECT_TRUE(grid.contains(block));
  // Packed: neighbours in a row are one spacing apart (no gaps opening between them).
  const QRect head2 = view.panel(1)->geometry();
  const QRect head3 = view.panel(2)->geometry();
  EXPECT_LE(head3.left() - head2.right(), 8);
  EXPECT_FALSE(view.panel(8)->isVisible());  // the mean is the large panel
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(view.panel(i)->isVisible()) << i;
  // Focusing head 3 puts the mean back in the grid and head 3 in its place.
  view.setFocusedHead(2);
  EXPECT_TRUE(view.panel(8)->isVisible());
  EXPECT_FALSE(view.panel(2)->isVisible());
  EXPECT_EQ(view.focusPlaceholder().toAlignedRect(), view.panel(2)->geometry());
  for (int i = 0; i < view.panelCount(); ++i)
    if (view.panel(i)->isVisible()) expect_title_fits(*view.panel(i));
  // Leaving presentation mode brings the labelled grid back.
  f.window->setPresentationMode(true);
  f.window->setPresentationMode(false);
  EXPECT_FALSE(view.presentation());
  EXPECT_TRUE(view.panel(0)->yAxis->visible());
}

// Two heads and their mean: the grid leaves the large panel out rather than spend a third of
// its room on a placeholder, and the two panels left share the room.
TEST(HeatmapsLayout, WithTwoHeadsTheGridHoldsNoPlaceholder) {
  WindowFixture f;
  show_example(*f.window, QStringLiteral("weather-zh"), 2, QSize(1600, 1000));
  HeatmapView& view = *f.window->heatmapView();
  ASSERT_EQ(view.panelCount(), 3);
  EXPECT_TRUE(view.focusPlaceholder().isEmpty());
  EXPECT_FALSE(view.panel(2)->isVisible());  // the mean, shown large
  const QRect grid = view.gridArea()->rect();
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(view.panel(i)->isVisible()) << i;
    EXPECT_TRUE(grid.adjusted(-1, -1, 1, 1).contains(view.panel(i)->geometry())) << i;
    expect_title_fits(*view.panel(i));
  }
  EXPECT_FALSE(view.panel(0)->geometry().intersects(view.panel(1)->geometry()));
  const double area = double(grid.width()) * grid.height();
  const QRect head1 = view.panel(0)->geometry();
  EXPECT_GT(double(head1.width()) * head1.height(), area / 5);
  // Focusing head 1 puts the mean in the grid and takes head 1 out.
  view.setFocusedHead(0);
  EXPECT_TRUE(view.panel(2)->isVisible());
  EXPECT_FALSE(view.panel(0)->isVisible());
  EXPECT_TRUE(view.focusPlaceholder().isEmpty());
}

}  // namespace
