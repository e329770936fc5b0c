// Masks a teacher clicks and the pipeline's legends: clicking a key label under a heatmap hides
// that key (padding), clicking cells of the large panel edits a custom mask; both show at once
// in the heatmaps and the pipeline's mask stage, survive edits of the text and sessions. Every
// pipeline stage names its value range, and the pipeline tab exports and copies as an image.
#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QTabWidget>
#include <QTest>
#include <cmath>

#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/pipeline_view.h"
#include "attn_ui/range_legend.h"
#include "attn_ui/session_file.h"
#include "attn_ui/settings_panel.h"
#include "ui_test_support.h"

namespace {

using attn::test::settle;
using attn::test::WindowFixture;
using attn::ui::HeatmapPanel;
using attn::ui::PipelineView;

void choose_mask(attn::ui::MainWindow& window, attn::MaskKind kind) {
  QComboBox* box = window.settingsPanel()->maskBox();
  box->setCurrentIndex(box->findData(static_cast<int>(kind)));
  settle(window);
}

void set_source(attn::ui::MainWindow& window, const QString& text) {
  window.settingsPanel()->sourceEdit()->setText(text);
  settle(window);
}

// A real mouse click under key column `column` of `panel` (where its label is drawn).
void click_key_label(HeatmapPanel* panel, int column) {
  const QRect rect = panel->axisRect()->rect();
  const int x = int(std::lround(panel->xAxis->coordToPixel(column)));
  QTest::mouseClick(panel, Qt::LeftButton, {}, QPoint(x, rect.bottom() + 6));
}

// A real mouse click in the middle of cell (row, column) of `panel`.
void click_cell(HeatmapPanel* panel, int row, int column) {
  const int x = int(std::lround(panel->xAxis->coordToPixel(column)));
  const int y = int(std::lround(panel->yAxis->coordToPixel(row)));
  QTest::mouseClick(panel, Qt::LeftButton, {}, QPoint(x, y));
}

const attn::AttentionBlock& shown_block(const attn::ui::MainWindow& window) {
  return window.computedTrace()->blocks.at(0);
}

int stage_of(const PipelineView& pipeline, attn::StageKind kind) {
  for (int i = 0; i < pipeline.stageCount(); ++i)
    if (pipeline.stage(i).kind == kind) return i;
  return -1;
}

TEST(ClickedMasks, AKeyLabelClickHidesThatKeyFromEveryQueryAndAgainShowsIt) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("the cat sat on the mat"));
  choose_mask(*f.window, attn::MaskKind::Padding);
  HeatmapPanel* large = f.window->heatmapView()->focusedPanel();
  click_key_label(large, 2);
  settle(*f.window);

  const attn::MaskSpec& mask = f.window->computedTrace()->scenario.config.mask;
  EXPECT_EQ(mask.kind, attn::MaskKind::Padding);
  EXPECT_EQ(mask.hidden_keys, std::vector<int>{2});
  for (const attn::HeadWeights& head : shown_block(*f.window).head) {
    for (int r = 0; r < head.weights.rows(); ++r) {
      EXPECT_EQ(head.weights(r, 2), 0.0f);
      EXPECT_NEAR(head.weights.row(r).sum(), 1.0f, 1e-5f);
    }
  }
  // The column outline did not move: the click edited the mask instead.
  EXPECT_EQ(f.window->heatmapView()->highlightedColumn(), -1);
  EXPECT_TRUE(f.window->settingsPanel()->maskHint()->text().contains(QStringLiteral("3")));

  // The pipeline's mask stage shows −∞ in that column and says which key it is.
  f.window->tabs()->setCurrentWidget(f.window->pipelineView());
  PipelineView* pipeline = f.window->pipelineView();
  const int masked = stage_of(*pipeline, attn::StageKind::Masked);
  ASSERT_GE(masked, 0);
  const attn::Matrix& scores = pipeline->stage(masked).values;
  for (int r = 0; r < scores.rows(); ++r) {
    EXPECT_TRUE(std::isinf(scores(r, 2)) && scores(r, 2) < 0);
    EXPECT_TRUE(std::isfinite(scores(r, 1)));
  }
  f.window->tabs()->setCurrentWidget(f.window->heatmapView());

  // A grid panel's key label works too, and a second click shows the key again.
  click_key_label(f.window->heatmapView()->focusedPanel(), 2);
  settle(*f.window);
  EXPECT_TRUE(f.window->computedTrace()->scenario.config.mask.hidden_keys.empty());
  EXPECT_GT(shown_block(*f.window).head[0].weights(0, 2), 0.0f);
}

TEST(ClickedMasks, AMaskOutlivesEditsThatShortenTheText) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("the cat sat on the mat"));
  choose_mask(*f.window, attn::MaskKind::Padding);
  f.window->settingsPanel()->toggleHiddenKeys({4});
  settle(*f.window);
  set_source(*f.window, QStringLiteral("the cat"));  // key 4 is gone: no error, nothing hidden
  EXPECT_TRUE(f.window->settingsPanel()->errorText(attn::InputField::Mask).isEmpty());
  EXPECT_EQ(shown_block(*f.window).n_k(), 2);
  EXPECT_NEAR(shown_block(*f.window).head[0].weights.row(0).sum(), 1.0f, 1e-5f);
  set_source(*f.window, QStringLiteral("the cat sat on the mat again"));  // and it is back
  EXPECT_EQ(shown_block(*f.window).head[1].weights(3, 4), 0.0f);
}

TEST(ClickedMasks, CustomStartsFromTheCausalPatternAndCellClicksEditIt) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("one two three four"));
  choose_mask(*f.window, attn::MaskKind::Causal);
  const attn::Matrix causal = shown_block(*f.window).head[0].weights;
  choose_mask(*f.window, attn::MaskKind::Custom);
  // The same weights as causal: the custom mask began as its lower triangle.
  EXPECT_TRUE(shown_block(*f.window).head[0].weights.isApprox(causal, 1e-6f));

  HeatmapPanel* large = f.window->heatmapView()->focusedPanel();
  click_cell(large, 3, 1);  // hide key 1 from query 3
  settle(*f.window);
  for (const attn::HeadWeights& head : shown_block(*f.window).head) {
    EXPECT_EQ(head.weights(3, 1), 0.0f);
    EXPECT_GT(head.weights(3, 0), 0.0f);
    EXPECT_NEAR(head.weights.row(3).sum(), 1.0f, 1e-5f);
    EXPECT_EQ(head.weights(0, 1), 0.0f);  // still causal above the diagonal
  }
  click_cell(large, 0, 3);  // show key 3 to query 0, which causal hid
  settle(*f.window);
  EXPECT_GT(shown_block(*f.window).head[0].weights(0, 3), 0.0f);
  EXPECT_TRUE(f.window->settingsPanel()->maskHint()->text().contains(QStringLiteral("6")))
      << f.window->settingsPanel()->maskHint()->text().toStdString();  // 6 − 1 + 1 hidden

  // A key label in Custom mode hides (or shows) its whole column.
  click_key_label(large, 0);
  settle(*f.window);
  const attn::Matrix& w = shown_block(*f.window).head[0].weights;
  EXPECT_EQ(w(2, 0), 0.0f);
  EXPECT_EQ(w.row(0).sum(), 1.0f);  // query 0 still sees key 3

  // The pipeline says how many cells are hidden.
  f.window->tabs()->setCurrentWidget(f.window->pipelineView());
  PipelineView* pipeline = f.window->pipelineView();
  const int masked = stage_of(*pipeline, attn::StageKind::Masked);
  ASSERT_GE(masked, 0);
  EXPECT_EQ((pipeline->stage(masked).values.array() == -INFINITY).count(),
            (w.array() == 0.0f).count());

  // Show all clears the cells.
  f.window->settingsPanel()->clearMask();
  settle(*f.window);
  EXPECT_GT(shown_block(*f.window).head[0].weights(0, 2), 0.0f);
}

TEST(ClickedMasks, SessionsKeepTheClickedMaskAndRefuseBadPositions) {
  attn::ui::Session session;
  session.scenario.config.mask.kind = attn::MaskKind::Custom;
  session.scenario.config.mask.allowed = attn::BoolMatrix::Constant(3, 4, true);
  session.scenario.config.mask.allowed(2, 3) = false;
  session.scenario.config.mask.allowed(0, 1) = false;
  attn::ui::Session read;
  QString why;
  ASSERT_TRUE(attn::ui::session_from_json(attn::ui::session_to_json(session), &read, &why))
      << why.toStdString();
  EXPECT_EQ(read.scenario.config.mask.kind, attn::MaskKind::Custom);
  EXPECT_TRUE(read.scenario.config.mask.fit_to_input);
  ASSERT_EQ(read.scenario.config.mask.allowed.rows(), 3);
  EXPECT_EQ((!read.scenario.config.mask.allowed.array()).count(), 2);
  EXPECT_FALSE(read.scenario.config.mask.allowed(2, 3));

  session.scenario.config.mask = attn::MaskSpec{attn::MaskKind::Padding, {1, 5}, {}};
  ASSERT_TRUE(attn::ui::session_from_json(attn::ui::session_to_json(session), &read, &why));
  EXPECT_EQ(read.scenario.config.mask.hidden_keys, (std::vector<int>{1, 5}));

  QByteArray json = attn::ui::session_to_json(session);
  json.replace("\"hidden_keys\": [\n            1,", "\"hidden_keys\": [\n            -1,");
  ASSERT_TRUE(json.contains("-1")) << json.toStdString();
  EXPECT_FALSE(attn::ui::session_from_json(json, &read, &why));
  EXPECT_TRUE(why.contains(QStringLiteral("hidden_keys"))) << why.toStdString();

  // And through the window: save, change, open again.
  WindowFixture f;
  set_source(*f.window, QStringLiteral("a b c d"));
  choose_mask(*f.window, attn::MaskKind::Padding);
  f.window->settingsPanel()->toggleHiddenKeys({0, 3});
  settle(*f.window);
  const QString path = f.dir.filePath(QStringLiteral("masked.attnviz"));
  ASSERT_TRUE(f.window->saveSession(path).ok);
  f.window->settingsPanel()->clearMask();
  choose_mask(*f.window, attn::MaskKind::None);
  ASSERT_TRUE(f.window->openSession(path).ok);
  settle(*f.window);
  EXPECT_EQ(f.window->computedTrace()->scenario.config.mask.hidden_keys, (std::vector<int>{0, 3}));
  EXPECT_EQ(shown_block(*f.window).head[0].weights(1, 3), 0.0f);
}

TEST(ClickedMasks, ACausalMaskLeavesKeyLabelClicksToTheOutline) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("the cat sat"));
  choose_mask(*f.window, attn::MaskKind::Causal);
  click_key_label(f.window->heatmapView()->focusedPanel(), 1);
  settle(*f.window);
  EXPECT_EQ(f.window->heatmapView()->highlightedColumn(), 1);
  EXPECT_EQ(f.window->computedTrace()->scenario.config.mask.kind, attn::MaskKind::Causal);
}

TEST(PipelineLegends, EveryStageNamesItsRangeAndWeightsRunFromZeroToOne) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("the animal was tired"));
  f.window->tabs()->setCurrentWidget(f.window->pipelineView());
  settle(*f.window);
  PipelineView* pipeline = f.window->pipelineView();
  ASSERT_GT(pipeline->stageCount(), 8);
  for (int i = 0; i < pipeline->stageCount(); ++i) {
    const attn::PipelineStage& stage = pipeline->stage(i);
    const attn::ui::RangeLegend* legend = pipeline->stageLegend(i);
    ASSERT_NE(legend, nullptr);
    EXPECT_TRUE(legend->isVisibleTo(pipeline));
    if (stage.kind == attn::StageKind::Softmax) {
      EXPECT_EQ(legend->lowText(), QStringLiteral("0"));
      EXPECT_EQ(legend->highText(), QStringLiteral("1"));
      continue;
    }
    float low = INFINITY, high = -INFINITY;
    for (Eigen::Index k = 0; k < stage.values.size(); ++k) {
      const float v = stage.values.data()[k];
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
    EXPECT_NEAR(legend->range().lower, low, 1e-6) << pipeline->stageTitle(i).toStdString();
    EXPECT_NEAR(legend->range().upper, high, 1e-6) << pipeline->stageTitle(i).toStdString();
    EXPECT_EQ(legend->lowText(), attn::ui::RangeLegend::format(low));
    // The panel's colours use the same range as its legend.
    const QCPRange colours = pipeline->stagePanel(i)->colorMap()->dataRange();
    EXPECT_EQ(colours.lower, legend->range().lower);
    EXPECT_EQ(colours.upper, legend->range().upper);
  }
  EXPECT_EQ(attn::ui::RangeLegend::format(-8.2149), QStringLiteral("−8.21"));
  EXPECT_EQ(attn::ui::RangeLegend::format(0.0), QStringLiteral("0"));
  EXPECT_EQ(attn::ui::RangeLegend::format(12.345), QStringLiteral("12.3"));
}

TEST(PipelineLegends, ThePipelineTabExportsAndCopiesWhatIsRevealed) {
  WindowFixture f;
  set_source(*f.window, QStringLiteral("the animal was tired"));
  f.window->tabs()->setCurrentWidget(f.window->pipelineView());
  settle(*f.window);
  PipelineView* pipeline = f.window->pipelineView();
  const QSize all = pipeline->figureSize();
  ASSERT_FALSE(all.isEmpty());
  const QString png = f.dir.filePath(QStringLiteral("pipeline.png"));
  ASSERT_TRUE(f.window->exportImage(png, attn::ui::ImageExportOptions{}).ok);
  const QImage image(png);
  EXPECT_EQ(image.size(), all);
  // Not blank: the stages' colours are there.
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 7)
    for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
  EXPECT_GT(colours.size(), 50);

  // Fewer stages revealed: a shorter picture, and SVG as vector.
  for (int i = 0; i < 6; ++i) pipeline->revealPrevious();
  EXPECT_LT(pipeline->figureSize().height() * pipeline->figureSize().width(),
            all.height() * all.width());
  const QString svg = f.dir.filePath(QStringLiteral("pipeline.svg"));
  ASSERT_TRUE(f.window->exportImage(svg, attn::ui::ImageExportOptions{}).ok);
  QFile file(svg);
  ASSERT_TRUE(file.open(QIODevice::ReadOnly));
  const QByteArray text = file.readAll();
  EXPECT_TRUE(text.contains("<svg"));
  EXPECT_TRUE(text.contains("Q·K") || text.contains("X")) << "stage titles are text in the SVG";

  f.window->copyImage();
  const QImage copied = QApplication::clipboard()->image();
  EXPECT_EQ(copied.width(), pipeline->figureSize().width() * 2);  // copies are 2× for slides
}

}  // namespace
