// The teaching views: the pipeline shows the Trace's own matrices stage by stage and reveals them
// one at a time from the keys a clicker sends; the line view draws one line per pair as opaque
// as its weight; presentation mode enlarges and restores.
#include <gtest/gtest.h>

#include <QPainter>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QMenuBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QToolTip>

#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/line_view.h"
#include "attn_ui/pipeline_view.h"
#include "attn_ui/settings_panel.h"
#include "toy_run.h"
#include "ui_test_support.h"

namespace {

using attn::StageKind;
using attn::test::settle;
using attn::test::WindowFixture;
using attn::ui::PipelineView;

int stage_index(const PipelineView& pipeline, StageKind kind) {
  for (int i = 0; i < pipeline.stageCount(); ++i)
    if (pipeline.stage(i).kind == kind) return i;
  return -1;
}

struct CausalFixture : WindowFixture {
  CausalFixture() {
    attn::Scenario s = window->settingsPanel()->scenario();
    s.config.mask.kind = attn::MaskKind::Causal;
    s.config.temperature = 0.5f;
    window->settingsPanel()->setScenario(s);
    settle(*window);
    window->heatmapView()->setFocusedHead(2);
    window->tabs()->setCurrentWidget(window->pipelineView());
  }
};

TEST(Pipeline, EachStageShownIsTheTracesMatrixForTheFocusedHead) {
  CausalFixture f;
  PipelineView* pipeline = f.window->pipelineView();
  const attn::testing::ToyRun trace = attn::testing::flatten(*f.window->heatmapView()->trace());
  ASSERT_EQ(pipeline->head(), 2);
  const attn::HeadDetail& head = trace.head[2];
  const std::vector<std::pair<StageKind, const attn::Matrix*>> expected = {
      {StageKind::InputQueries, &trace.x_query},
      {StageKind::Queries, &head.q},
      {StageKind::Keys, &head.k},
      {StageKind::Values, &head.v},
      {StageKind::Masked, &head.scores},
      {StageKind::Softmax, &head.weights},
      {StageKind::HeadOutput, &head.output},
      {StageKind::Concat, &trace.concat},
      {StageKind::Output, &trace.output}};
  for (const auto& [kind, matrix] : expected) {
    const int i = stage_index(*pipeline, kind);
    ASSERT_GE(i, 0);
    const attn::ui::HeatmapPanel* panel = pipeline->stagePanel(i);
    EXPECT_TRUE(panel->content().values == *matrix) << pipeline->stageTitle(i).toStdString();
    // What the colour map holds, cell by cell (masked cells are NaN there: drawn grey).
    QCPColorMapData* cells = panel->colorMap()->data();
    for (int r = 0; r < matrix->rows(); ++r) {
      for (int c = 0; c < matrix->cols(); ++c) {
        const double shown = cells->cell(c, r);
        if (std::isinf((*matrix)(r, c)))
          EXPECT_TRUE(std::isnan(shown));
        else
          ASSERT_FLOAT_EQ(float(shown), (*matrix)(r, c)) << pipeline->stageTitle(i).toStdString();
      }
    }
  }
  // Scaled dot product: Q·Kᵀ, then ÷√d_k, then ÷T, then the mask, in that order.
  const QStringList titles = [&] {
    QStringList t;
    for (int i = 0; i < pipeline->stageCount(); ++i) t << pipeline->stageTitle(i);
    return t;
  }();
  EXPECT_EQ(titles.mid(4, 6),
            (QStringList{"Q·Kᵀ", "÷ √d_k", "÷ temperature", "mask", "softmax", "weights·V"}));
  EXPECT_EQ(titles.last(), QStringLiteral("·W_O = output"));

  // Focusing another head in the heatmaps moves the pipeline with it, and back.
  f.window->heatmapView()->setFocusedHead(0);
  EXPECT_EQ(pipeline->head(), 0);
  EXPECT_TRUE(pipeline->stagePanel(stage_index(*pipeline, StageKind::Softmax))->content().values ==
              trace.head[0].weights);
}

TEST(Pipeline, ClickerKeysRevealAndHideOneStageAtATime) {
  CausalFixture f;
  PipelineView* pipeline = f.window->pipelineView();
  f.window->activateWindow();
  pipeline->setFocus();
  const int all = pipeline->stageCount();
  EXPECT_EQ(pipeline->revealedCount(), all);
  for (Qt::Key key : {Qt::Key_Left, Qt::Key_PageUp, Qt::Key_Left}) QTest::keyClick(pipeline, key);
  EXPECT_EQ(pipeline->revealedCount(), all - 3);
  EXPECT_TRUE(pipeline->isStageVisible(all - 4));
  EXPECT_FALSE(pipeline->isStageVisible(all - 3));
  EXPECT_FALSE(pipeline->stagePanel(all - 1)->isVisible());
  for (Qt::Key key : {Qt::Key_Right, Qt::Key_PageDown, Qt::Key_Space})
    QTest::keyClick(pipeline, key);
  EXPECT_EQ(pipeline->revealedCount(), all);
  EXPECT_TRUE(pipeline->stagePanel(all - 1)->isVisible());
  for (int i = 0; i < all + 5; ++i) pipeline->revealPrevious();
  EXPECT_EQ(pipeline->revealedCount(), 1);  // X stays
  pipeline->revealAll();
  EXPECT_EQ(pipeline->revealedCount(), all);
}

TEST(Pipeline, FollowingAQueryRowOutlinesItEverywhereAndListsItsNumbers) {
  CausalFixture f;
  PipelineView* pipeline = f.window->pipelineView();
  const attn::testing::ToyRun trace = attn::testing::flatten(*f.window->heatmapView()->trace());
  const int row = 6;  // "because"
  emit pipeline->stagePanel(stage_index(*pipeline, StageKind::Softmax))->rowLabelClicked(row);
  EXPECT_EQ(pipeline->selectedQueryRow(), row);
  for (int i = 0; i < pipeline->stageCount(); ++i) {
    const bool query_rows = pipeline->stage(i).rows == attn::StageAxis::QueryTokens;
    EXPECT_EQ(pipeline->stagePanel(i)->highlightedRow(), query_rows ? row : -1)
        << pipeline->stageTitle(i).toStdString();
  }
  const QTableWidget* table = pipeline->rowTable();
  ASSERT_TRUE(table->isVisible());
  ASSERT_EQ(table->rowCount(), 5);  // Q·Kᵀ, ÷√d_k, ÷T, mask, softmax
  ASSERT_EQ(table->columnCount(), trace.n_k());
  EXPECT_EQ(table->verticalHeaderItem(0)->text(), QStringLiteral("Q·Kᵀ"));
  EXPECT_EQ(table->horizontalHeaderItem(1)->text(), QStringLiteral("animal"));
  for (int c = 0; c < trace.n_k(); ++c) {
    EXPECT_FLOAT_EQ(float(table->item(4, c)->data(Qt::UserRole).toDouble()),
                    trace.head[2].weights(row, c));
    EXPECT_EQ(
        table->item(3, c)->text(),
        c > row ? QStringLiteral("−∞") : QString::number(trace.head[2].scores(row, c), 'f', 3));
  }
  // The chooser in the bar follows, and "(none)" clears.
  auto* chooser = pipeline->findChild<QComboBox*>(QStringLiteral("pipelineQuery"));
  EXPECT_EQ(chooser->currentText(), QStringLiteral("because"));
  pipeline->selectQueryRow(-1);
  EXPECT_FALSE(table->isVisible());
  EXPECT_EQ(pipeline->stagePanel(0)->highlightedRow(), -1);
}

TEST(Pipeline, OtherScoreFunctionsShowTheirOwnSteps) {
  WindowFixture f;
  attn::Scenario s = f.window->settingsPanel()->scenario();
  s.config.score = attn::ScoreFunction::Additive;
  f.window->settingsPanel()->setScenario(s);
  settle(*f.window);
  f.window->tabs()->setCurrentWidget(f.window->pipelineView());
  const PipelineView* pipeline = f.window->pipelineView();
  EXPECT_EQ(stage_index(*pipeline, StageKind::DotProducts), -1);
  EXPECT_EQ(pipeline->stageTitle(stage_index(*pipeline, StageKind::ScoreFunction)),
            QStringLiteral("tanh(q·W₁ + k·W₂)·vᵀ"));
  // While the tab is shown, a new input reaches the pipeline at once.
  s.config.score = attn::ScoreFunction::General;
  f.window->settingsPanel()->setScenario(s);
  settle(*f.window);
  EXPECT_EQ(pipeline->stageTitle(stage_index(*pipeline, StageKind::ScoreFunction)),
            QStringLiteral("Q·W·Kᵀ"));
  EXPECT_TRUE(pipeline->stage(stage_index(*pipeline, StageKind::Softmax)).values ==
              attn::testing::flatten(*f.window->heatmapView()->trace()).head[0].weights);
}

TEST(LineView, TokenBoxesStayCloseAndPresentationSizeDrawsTwoPixelLines) {
  WindowFixture f;
  f.window->tabs()->setCurrentWidget(f.window->lineView());
  attn::test::type_source(*f.window, QStringLiteral("a short one"));
  settle(*f.window);
  attn::ui::LineCanvas* canvas = f.window->lineView()->canvas();
  const QSize tall(900, 1000);
  const double line_height = QFontMetricsF(canvas->font()).height();
  const QRectF first = canvas->tokenRect(0, 0, tall), last = canvas->tokenRect(0, 2, tall);
  EXPECT_LE(last.top() - first.top(), 2 * 2.2 * line_height + 1e-6);  // not 1000 px apart
  EXPECT_NEAR((first.top() + last.bottom()) / 2, 500, 1.0);           // centred

  // Non-background pixels of the lines alone (labels outside the middle band).
  const auto line_pixels = [&] {
    QImage image(tall, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    canvas->render(&painter, tall);
    painter.end();
    const QRgb background = canvas->palette().color(QPalette::Base).rgba();
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 400; x < 500; ++x) count += image.pixel(x, y) != background;
    return count;
  };
  const int thin = line_pixels();
  f.window->setLabelPointSize(20);
  const int thick = line_pixels();
  EXPECT_GT(thin, 0);
  EXPECT_GE(thick, 2 * thin - thin / 5) << thin << " thin pixels, " << thick << " thick";
}

TEST(LineView, OneLinePerPairAsOpaqueAsItsWeightInEachHeadsColour) {
  WindowFixture f;
  f.window->tabs()->setCurrentWidget(f.window->lineView());
  settle(*f.window);
  const attn::testing::ToyRun trace = attn::testing::flatten(*f.window->heatmapView()->trace());
  attn::ui::LineCanvas* canvas = f.window->lineView()->canvas();
  QVector<attn::ui::AttentionLine> lines = canvas->lines();
  ASSERT_EQ(lines.size(), trace.heads * trace.n_q() * trace.n_k());
  for (const attn::ui::AttentionLine& line : lines)
    ASSERT_FLOAT_EQ(float(line.opacity), trace.head[line.head].weights(line.row, line.column));

  // Head 2 off: its lines go.
  f.window->lineView()->headToggle(1)->click();
  lines = canvas->lines();
  EXPECT_EQ(lines.size(), (trace.heads - 1) * trace.n_q() * trace.n_k());
  for (const attn::ui::AttentionLine& line : lines) EXPECT_NE(line.head, 1);

  // Pointing at the query "it" keeps only its lines.
  const QRectF it = canvas->tokenRect(0, 7, canvas->size());
  QTest::mouseMove(canvas, it.center().toPoint());
  lines = canvas->lines();
  EXPECT_EQ(lines.size(), (trace.heads - 1) * trace.n_k());
  for (const attn::ui::AttentionLine& line : lines) EXPECT_EQ(line.row, 7);
  // A key on the right: only the lines into it.
  QTest::mouseMove(canvas, canvas->tokenRect(1, 1, canvas->size()).center().toPoint());
  for (const attn::ui::AttentionLine& line : canvas->lines()) EXPECT_EQ(line.column, 1);
  EXPECT_NE(attn::ui::LineCanvas::headColor(0, 16), attn::ui::LineCanvas::headColor(1, 16));
}

TEST(LineView, CrossModeHasTheTargetLeftAndExportsAsVectorText) {
  WindowFixture f;
  f.window->loadExample(QStringLiteral("love-zh-en"));
  settle(*f.window);
  const attn::testing::ToyRun trace = attn::testing::flatten(*f.window->heatmapView()->trace());
  attn::ui::LineCanvas* canvas = f.window->lineView()->canvas();
  EXPECT_EQ(canvas->lines().size(), trace.heads * 3 * 3);
  const QString svg_path = f.dir.filePath(QStringLiteral("lines.svg"));
  ASSERT_TRUE(f.window->exportLineImage(svg_path, QSize(700, 400), 1).ok);
  QFile svg(svg_path);
  ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(svg.readAll());
  EXPECT_TRUE(text.contains(QStringLiteral(">爱<")) && text.contains(QStringLiteral(">love<")));
  const QString png_path = f.dir.filePath(QStringLiteral("lines.png"));
  ASSERT_TRUE(f.window->exportLineImage(png_path, QSize(700, 400), 2).ok);
  const QImage png(png_path);
  EXPECT_EQ(png.size(), QSize(1400, 800));
  // The lines are there, in the heads' colours (saturated pixels between the two columns).
  int coloured = 0;
  for (int y = 0; y < png.height(); y += 2)
    for (int x = png.width() / 3; x < 2 * png.width() / 3; x += 2)
      if (png.pixelColor(x, y).hsvSaturation() > 40) ++coloured;
  EXPECT_GT(coloured, 500);
  // Left column: the target's "I love you"; right: the source 我 爱 你.
  EXPECT_LT(canvas->tokenRect(0, 0, QSize(700, 400)).center().x(), 350);
  EXPECT_GT(canvas->tokenRect(1, 0, QSize(700, 400)).center().x(), 350);
}

TEST(Presentation, F11GoesFullScreenWithLargeTextAndRestoresTheLayout) {
  WindowFixture f;
  QDockWidget* dock = f.window->findChild<QDockWidget*>(QStringLiteral("settingsDock"));
  ASSERT_TRUE(dock->isVisible());
  const int points = f.window->labelPointSize();
  const QColor window_colour = f.window->palette().color(QPalette::Window);

  QAction* presentation = nullptr;
  for (QAction* action : f.window->findChildren<QAction*>())
    if (action->shortcut() == QKeySequence(Qt::Key_F11)) presentation = action;
  ASSERT_NE(presentation, nullptr);
  presentation->trigger();
  EXPECT_TRUE(f.window->presentationMode());
  EXPECT_TRUE(f.window->windowState() & Qt::WindowFullScreen);
  EXPECT_FALSE(dock->isVisible());
  EXPECT_GE(f.window->labelPointSize(), 18);
  EXPECT_EQ(f.window->heatmapView()->panel(0)->font().pointSize(), f.window->labelPointSize());
  EXPECT_EQ(QToolTip::font().pointSize(), f.window->labelPointSize());
  EXPECT_EQ(f.window->palette().color(QPalette::Window), QColor(Qt::white));
  EXPECT_EQ(f.window->palette().color(QPalette::WindowText), QColor(Qt::black));

  // Ctrl+= and Ctrl+− change every label's size.
  const int large = f.window->labelPointSize();
  QTest::keyClick(f.window.get(), Qt::Key_Equal, Qt::ControlModifier);
  EXPECT_EQ(f.window->labelPointSize(), large + 2);
  EXPECT_EQ(f.window->pipelineView()->font().pointSize(), large + 2);
  QTest::keyClick(f.window.get(), Qt::Key_Minus, Qt::ControlModifier);
  QTest::keyClick(f.window.get(), Qt::Key_Minus, Qt::ControlModifier);
  EXPECT_EQ(f.window->labelPointSize(), large - 2);

  presentation->trigger();
  EXPECT_FALSE(f.window->presentationMode());
  EXPECT_FALSE(f.window->windowState() & Qt::WindowFullScreen);
  EXPECT_TRUE(dock->isVisible());
  EXPECT_EQ(f.window->labelPointSize(), points);
  EXPECT_EQ(f.window->palette().color(QPalette::Window), window_colour);
}

}  // namespace
