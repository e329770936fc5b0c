// The parts of the window one at a time: gradients, token labels, grid layout, the settings
// panel's head choices and the live engine's coalescing and worker thread.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include "attn/models/toy_model.h"
#include "attn_ui/cell_value_labels.h"
#include "attn_ui/export_image_dialog.h"
#include "attn_ui/gradients.h"
#include "attn_ui/grid_layout.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/live_engine.h"
#include "attn_ui/qt_strings.h"
#include "attn_ui/settings_panel.h"
#include "attn_ui/token_ticker.h"

namespace {

using attn::ui::HeatmapPanel;

TEST(Gradients, ViridisIsTheDefaultAndRunsFromPurpleToYellow) {
  ASSERT_EQ(attn::ui::gradient_ids().front(), QStringLiteral("viridis"));
  QCPColorGradient viridis = attn::ui::make_gradient(QStringLiteral("viridis"));
  EXPECT_EQ(viridis.color(0, QCPRange(0, 1)), QColor(QStringLiteral("#440154")).rgb());
  EXPECT_EQ(viridis.color(1, QCPRange(0, 1)), QColor(QStringLiteral("#fde725")).rgb());
  // Unknown names fall back to the default rather than to an empty gradient.
  QCPColorGradient unknown = attn::ui::make_gradient(QStringLiteral("no-such"));
  EXPECT_EQ(unknown.color(0.5, QCPRange(0, 1)), viridis.color(0.5, QCPRange(0, 1)));
  EXPECT_GE(attn::ui::gradient_ids().size(), 4);
}

TEST(Gradients, TextIsWhiteOnDarkCellsAndBlackOnLightOnes) {
  EXPECT_EQ(attn::ui::readable_text_color(QColor(QStringLiteral("#440154"))), QColor(Qt::white));
  EXPECT_EQ(attn::ui::readable_text_color(QColor(QStringLiteral("#fde725"))), QColor(Qt::black));
}

TEST(TokenTicker, ElidesByCharactersNotBytes) {
  EXPECT_EQ(attn::ui::TokenTicker::elide(QStringLiteral("short")), QStringLiteral("short"));
  EXPECT_EQ(attn::ui::TokenTicker::elide(QStringLiteral("internationalisation"), 6),
            QStringLiteral("inter…"));
  EXPECT_EQ(attn::ui::TokenTicker::elide(QStringLiteral("自然语言处理模型"), 4),
            QStringLiteral("自然语…"));
}

attn::ui::PanelContent square_content(int n) {
  attn::ui::PanelContent content;
  content.title = QStringLiteral("Head 1");
  content.tooltip_name = QStringLiteral("head 1");
  content.values = attn::Matrix::Constant(n, n, 1.0f / float(n));
  for (int i = 0; i < n; ++i) {
    content.row_labels << QStringLiteral("token%1").arg(i);
    content.column_labels << QStringLiteral("token%1").arg(i);
  }
  return content;
}

TEST(TokenTicker, ThinsLabelsSoTheyNeverOverlap) {
  HeatmapPanel panel;
  panel.resize(300, 300);
  panel.setContent(square_content(200));
  panel.replot();
  const QVector<QString> labels = panel.yAxis->tickVectorLabels();
  const QVector<double> ticks = panel.yAxis->tickVector();
  ASSERT_GE(ticks.size(), 2);
  EXPECT_LT(ticks.size(), 200);
  const double spacing =
      std::abs(panel.yAxis->coordToPixel(ticks[1]) - panel.yAxis->coordToPixel(ticks[0]));
  EXPECT_GE(spacing, QFontMetricsF(panel.yAxis->tickLabelFont()).height());
  EXPECT_EQ(labels[1], QStringLiteral("token%1").arg(int(ticks[1])));
}

TEST(TokenTicker, ShowsEveryLabelWhenThereIsRoom) {
  HeatmapPanel panel;
  panel.resize(600, 600);
  panel.setContent(square_content(5));
  panel.replot();
  EXPECT_EQ(panel.yAxis->tickVectorLabels().size(), 5);
  EXPECT_EQ(panel.xAxis->tickVectorLabels().size(), 5);
  EXPECT_EQ(panel.xAxis->tickVectorLabels()[4], QStringLiteral("token4"));
}

// Thousands of tokens: the colour map holds one cell per device pixel shown (each the mean of
// the weights it covers), never one per token, and no value is written into cells too small.
TEST(HeatmapPanel, LongInputsAreDrawnAtTheResolutionTheyAreShownAt) {
  constexpr int n = 2048;
  attn::ui::PanelContent content = square_content(n);
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) content.values(r, c) = float((r * 7 + c * 3) % 11) / 10.0f;
  HeatmapPanel panel;
  panel.resize(300, 300);
  panel.setShowNumbers(true);
  panel.setContent(content);
  panel.replot();
  // A 300-pixel panel asks for the smallest map kept: 512 × 512, 4 × 4 tokens a map cell.
  ASSERT_EQ(panel.mapSize(), QSize(512, 512));
  for (const QPoint cell : {QPoint(0, 0), QPoint(17, 300), QPoint(511, 511)}) {
    double sum = 0;
    for (int r = cell.y() * 4; r < cell.y() * 4 + 4; ++r)
      for (int c = cell.x() * 4; c < cell.x() * 4 + 4; ++c) sum += content.values(r, c);
    EXPECT_NEAR(panel.colorMap()->data()->cell(cell.x(), cell.y()), sum / 16, 1e-6);
  }
  // Tooltips still give each token's own weight.
  EXPECT_TRUE(panel.toolTipForCell(5, 9).endsWith(
      attn::ui::CellValueLabels::format(content.values(5, 9), false)));

  // An export of 1500 pixels a side draws one map cell per pixel of its heatmap: more than
  // on screen, fewer than the tokens.
  QImage image(1500, 1500, QImage::Format_ARGB32_Premultiplied);
  QCPPainter painter(&image);
  panel.toPainter(&painter, 1500, 1500);
  painter.end();
  EXPECT_GT(panel.mapSize().width(), 1000);
  EXPECT_LE(panel.mapSize().width(), 1500);
  EXPECT_EQ(panel.mapSize().height(), panel.mapSize().width());

  attn::ui::CellValueLabels* values = nullptr;
  for (QCPLayerable* item : panel.layer(QStringLiteral("main"))->children())
    if (auto* found = qobject_cast<attn::ui::CellValueLabels*>(item)) values = found;
  ASSERT_NE(values, nullptr);
  EXPECT_FALSE(values->drewValues());  // cells of 2 pixels hold no text
}

TEST(HeatmapPanel, UpToFiveHundredTwelveTokensEveryCellIsDrawn) {
  HeatmapPanel panel;
  panel.resize(200, 200);
  panel.setContent(square_content(300));
  panel.replot();
  EXPECT_EQ(panel.mapSize(), QSize(300, 300));
  EXPECT_EQ(HeatmapPanel::mapSide(4096, 700.4), 701);
  EXPECT_EQ(HeatmapPanel::mapSide(4096, 100), 512);
  EXPECT_EQ(HeatmapPanel::mapSide(4096, 9000), 4096);
}

// A token of combining marks or invisible characters alone would be a label of no width.
TEST(TokenLabels, MarksAloneSitOnADottedCircleAndInvisiblesShowTheirCodePoint) {
  using attn::ui::visible_label;
  EXPECT_EQ(visible_label(QStringLiteral("\u0301")), QStringLiteral("\u25CC\u0301"));
  EXPECT_EQ(visible_label(QStringLiteral("\u0301\u0301\u0301")),
            QStringLiteral("\u25CC\u0301\u0301\u0301"));
  EXPECT_EQ(visible_label(QStringLiteral("\u200B")), QStringLiteral("U+200B"));
  EXPECT_EQ(visible_label(QStringLiteral("\u200D\u0301")), QStringLiteral("U+200D\u25CC\u0301"));
  for (const QString& kept :
       {QStringLiteral("e\u0301"), QStringLiteral("猫"), QStringLiteral("it's")})
    EXPECT_EQ(visible_label(kept), kept);
  EXPECT_EQ(attn::ui::token_labels({"\xCC\x81", "ok"}),
            (QStringList{QStringLiteral("\u25CC\u0301"), QStringLiteral("ok")}));
}

TEST(HeatmapPanel, CellsAreSquareAndCrisp) {
  HeatmapPanel panel;
  panel.resize(700, 400);
  attn::ui::PanelContent content = square_content(4);
  panel.setContent(content);
  panel.replot();
  EXPECT_FALSE(panel.colorMap()->interpolate());
  const double cell_width = std::abs(panel.xAxis->coordToPixel(1) - panel.xAxis->coordToPixel(0));
  const double cell_height = std::abs(panel.yAxis->coordToPixel(1) - panel.yAxis->coordToPixel(0));
  EXPECT_NEAR(cell_width, cell_height, 2.0);
}

TEST(CellValueLabels, WriteTwoDecimalsOrACompactFormInNarrowerCells) {
  using attn::ui::CellValueLabels;
  EXPECT_EQ(CellValueLabels::format(0.4321, false), QStringLiteral("0.43"));
  EXPECT_EQ(CellValueLabels::format(0.4321, true), QStringLiteral(".43"));
  EXPECT_EQ(CellValueLabels::format(0.999, true), QStringLiteral("1"));
  EXPECT_EQ(CellValueLabels::format(0.004, true), QStringLiteral(".00"));
  HeatmapPanel panel;
  auto* labels = panel.findChild<CellValueLabels*>();
  ASSERT_NE(labels, nullptr);
  const QFontMetricsF metrics(panel.xAxis->tickLabelFont());
  const double tall = metrics.height() + 4;
  const double full = metrics.horizontalAdvance(QStringLiteral("0.00")) + 4;
  EXPECT_EQ(labels->styleFor(full, tall), CellValueLabels::Style::Full);
  EXPECT_EQ(labels->styleFor(full - 2, tall), CellValueLabels::Style::Compact);
  EXPECT_EQ(labels->styleFor(metrics.horizontalAdvance(QStringLiteral(".00")), tall),
            CellValueLabels::Style::None);
  EXPECT_EQ(labels->styleFor(full, metrics.height() - 1), CellValueLabels::Style::None);
}

TEST(HeatmapPanel, FollowsADarkPalette) {
  HeatmapPanel panel;
  QPalette dark;
  dark.setColor(QPalette::Window, QColor(30, 30, 30));
  dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
  dark.setColor(QPalette::Base, QColor(20, 20, 20));
  panel.setPalette(dark);
  panel.resize(300, 300);
  panel.setContent(square_content(3));
  EXPECT_EQ(panel.xAxis->tickLabelColor(), QColor(230, 230, 230));
  EXPECT_EQ(panel.yAxis->basePen().color(), QColor(230, 230, 230));
  // The area outside the heatmap is painted in the palette's window colour.
  const QImage image = panel.toPixmap(300, 300).toImage();
  EXPECT_EQ(image.pixelColor(2, 2), QColor(30, 30, 30));
}

TEST(HeatmapPanel, TooltipNamesHeadQueryKeyAndWeight) {
  HeatmapPanel panel;
  attn::ui::PanelContent content;
  content.tooltip_name = QStringLiteral("head 3");
  content.values = attn::Matrix(1, 2);
  content.values << 0.57f, 0.43f;
  content.row_labels = QStringList{QStringLiteral("it")};
  content.column_labels = QStringList{QStringLiteral("the"), QStringLiteral("animal")};
  panel.resize(400, 300);
  panel.setContent(content);
  panel.replot();
  EXPECT_EQ(panel.toolTipForCell(0, 1), QStringLiteral("head 3 · query 'it' → key 'animal': 0.43"));
  const QPoint centre(qRound(panel.xAxis->coordToPixel(1)), qRound(panel.yAxis->coordToPixel(0)));
  ASSERT_TRUE(panel.cellAt(centre).has_value());
  EXPECT_EQ(*panel.cellAt(centre), QPoint(1, 0));
  EXPECT_FALSE(panel.cellAt(QPoint(1, 1)).has_value());  // the title corner is not a cell
}

TEST(GridLayout, PicksTheShapeWithTheLargestCells) {
  // 9 square panels in a square area: 3 × 3.
  const attn::ui::GridShape nine = attn::ui::best_grid_shape(9, QSizeF(900, 900), 10, 10);
  EXPECT_EQ(nine.columns, 3);
  EXPECT_EQ(nine.rows, 3);
  // 4 panels in a wide strip: one row.
  const attn::ui::GridShape wide = attn::ui::best_grid_shape(4, QSizeF(1600, 400), 10, 10);
  EXPECT_EQ(wide.columns, 4);
}

TEST(GridLayout, SharedAxesPutLabelsOnTheOuterEdgesOnly) {
  // 5 panels in 3 columns: the first column has query labels; panels with nothing below them
  // (3, 4 in the last row and 2 above an empty slot) have key labels.
  const QVector<attn::ui::PanelSlot> placed =
      attn::ui::grid_slots(5, QRectF(0, 0, 340, 240), 10, 10, attn::ui::LabelGutters{40, 30}, 0);
  ASSERT_EQ(placed.size(), 5);
  const QVector<bool> rows{placed[0].row_labels, placed[1].row_labels, placed[2].row_labels,
                           placed[3].row_labels, placed[4].row_labels};
  const QVector<bool> columns{placed[0].column_labels, placed[1].column_labels,
                              placed[2].column_labels, placed[3].column_labels,
                              placed[4].column_labels};
  EXPECT_EQ(rows, (QVector<bool>{true, false, false, true, false}));
  EXPECT_EQ(columns, (QVector<bool>{false, false, true, true, true}));
  // Gutters widen and heighten the labelled slots; the heatmap room is the same everywhere.
  EXPECT_DOUBLE_EQ(placed[0].rect.width(), placed[1].rect.width() + 40);
  EXPECT_DOUBLE_EQ(placed[3].rect.height(), placed[0].rect.height() + 30);
  EXPECT_DOUBLE_EQ(placed[1].rect.left(), 40 + placed[1].rect.width());
}

TEST(ExportImageDialog, OffersGridOrFocusedHeadAtTheirOnScreenSizes) {
  attn::ui::ExportImageDialog dialog({attn::ui::FigurePart::Grid, QSize(), 2.0}, QSize(900, 700),
                                     QSize(500, 450));
  attn::ui::ImageExportOptions options = dialog.options();
  EXPECT_EQ(options.part, attn::ui::FigurePart::Grid);
  EXPECT_EQ(options.size, QSize(900, 700));
  EXPECT_DOUBLE_EQ(options.scale, 2.0);
  auto* part = dialog.findChild<QComboBox*>();
  ASSERT_NE(part, nullptr);
  part->setCurrentIndex(1);  // the focused head: its own size
  options = dialog.options();
  EXPECT_EQ(options.part, attn::ui::FigurePart::Focused);
  EXPECT_EQ(options.size, QSize(500, 450));
}

TEST(SettingsPanel, OffersOnlyHeadCountsThatDivideDModel) {
  EXPECT_EQ(attn::ui::SettingsPanel::headChoices(64), (QList<int>{1, 2, 4, 8, 16, 32, 64}));
  EXPECT_EQ(attn::ui::SettingsPanel::headChoices(12), (QList<int>{1, 2, 3, 4, 6, 12}));
  attn::ui::SettingsPanel panel;
  attn::Scenario scenario;
  scenario.source = "a b";
  scenario.config.heads = 8;
  panel.setScenario(scenario);
  panel.dModelBox()->setValue(100);  // 8 does not divide 100: the nearest count below is 5
  EXPECT_EQ(panel.scenario().config.heads, 5);
  QStringList offered;
  for (int i = 0; i < panel.headsBox()->count(); ++i) offered << panel.headsBox()->itemText(i);
  EXPECT_EQ(offered, (QStringList{"1", "2", "4", "5", "10", "20", "25", "50"}));
  EXPECT_TRUE(
      panel.findChild<QLabel*>(QStringLiteral("headsHint"))->text().contains("so 5 are used"));
  panel.dModelBox()->setValue(64);  // and back: the person's 8 returns
  EXPECT_EQ(panel.scenario().config.heads, 8);
  panel.headsBox()->setCurrentIndex(panel.headsBox()->findData(16));
  EXPECT_TRUE(panel.findChild<QLabel*>(QStringLiteral("headsHint"))->text().contains("d_k = 4"));
  panel.dModelBox()->setValue(48);  // 16 divides 48: kept
  EXPECT_EQ(panel.scenario().config.heads, 16);
}

TEST(SettingsPanel, ShowsAnErrorUnderItsControlAndKeepsTheText) {
  attn::ui::SettingsPanel panel;
  attn::Scenario scenario;
  scenario.source = "keep me";
  panel.setScenario(scenario);
  panel.showError({attn::InputField::Target, "Target text is empty"});
  EXPECT_EQ(panel.errorText(attn::InputField::Target), QStringLiteral("Target text is empty"));
  EXPECT_TRUE(panel.errorText(attn::InputField::Source).isEmpty());
  EXPECT_EQ(panel.scenario().source, "keep me");
  panel.clearErrors();
  EXPECT_TRUE(panel.errorText(attn::InputField::Target).isEmpty());
}

attn::Scenario sentence(const std::string& text, int heads) {
  attn::Scenario scenario;
  scenario.source = text;
  scenario.config.heads = heads;
  return scenario;
}

TEST(LiveEngine, CoalescesRequestsMadeInOnePass) {
  attn::ui::LiveEngine engine;
  QSignalSpy finished(&engine, &attn::ui::LiveEngine::finished);
  engine.request(sentence("t", 4));
  engine.request(sentence("th", 4));
  engine.request(sentence("the cat", 4));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !engine.busy(); }));
  ASSERT_EQ(finished.count(), 1);
  const auto trace = finished.at(0).at(0).value<std::shared_ptr<const attn::Trace>>();
  EXPECT_EQ(trace->blocks.at(0).n_q(), 2);
}

TEST(LiveEngine, WorkerThreadGivesTheSameNumbersAsTheEngine) {
  attn::ui::LiveEngine engine;
  engine.setInlineWorkLimit(0);  // everything off the UI thread
  QSignalSpy finished(&engine, &attn::ui::LiveEngine::finished);
  const attn::Scenario scenario = sentence("the worker thread computes this one", 8);
  engine.request(scenario);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !engine.busy(); }, 30000));
  ASSERT_EQ(finished.count(), 1);
  const auto trace = finished.at(0).at(0).value<std::shared_ptr<const attn::Trace>>();
  const attn::Expected<attn::Trace> reference = attn::run(scenario);
  ASSERT_TRUE(reference.ok());
  for (int h = 0; h < 8; ++h) {
    EXPECT_EQ(trace->blocks.at(0).head[h].weights, reference->blocks.at(0).head[h].weights);
  }
}

TEST(LiveEngine, ReportsRefusedInputWithItsField) {
  attn::ui::LiveEngine engine;
  QSignalSpy failed(&engine, &attn::ui::LiveEngine::failed);
  engine.request(sentence("   ", 4));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !engine.busy(); }));
  ASSERT_EQ(failed.count(), 1);
  const auto error = failed.at(0).at(0).value<attn::Error>();
  EXPECT_EQ(error.field, attn::InputField::Source);
  EXPECT_FALSE(error.message.empty());
}

}  // namespace
