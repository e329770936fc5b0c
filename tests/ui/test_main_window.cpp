// The window as a teacher uses it: type, change heads and mode, click, make mistakes, restart.
#include <gtest/gtest.h>

#include <QComboBox>
#include <QLineEdit>
#include <QTest>
#include <QToolTip>

#include "attn/models/toy_model.h"
#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/live_engine.h"
#include "attn_ui/settings_panel.h"
#include "toy_run.h"
#include "ui_test_support.h"

namespace {

using attn::test::settle;
using attn::test::type_source;
using attn::test::WindowFixture;
using attn::ui::HeatmapPanel;
using attn::ui::HeatmapView;

void choose(QComboBox* box, const QString& text) {
  const int index = box->findText(text);
  ASSERT_GE(index, 0) << text.toStdString();
  box->setCurrentIndex(index);
}

void choose_data(QComboBox* box, int value) {
  const int index = box->findData(value);
  ASSERT_GE(index, 0) << value;
  box->setCurrentIndex(index);
}

// Every cell a panel's colour map holds, compared with the engine run independently.
void expect_panels_match_engine(const HeatmapView& view, const attn::Scenario& scenario) {
  const attn::Expected<attn::Trace> computed = attn::run(scenario);
  ASSERT_TRUE(computed.ok()) << computed.error().message;
  const attn::AttentionBlock* reference = &computed->blocks.at(0);
  const int heads = reference->heads();
  ASSERT_EQ(view.panelCount(), heads > 1 ? heads + 1 : 1);
  for (int h = 0; h < heads; ++h) {
    const HeatmapPanel* panel = view.panel(h);
    QCPColorMapData* data = panel->colorMap()->data();
    ASSERT_EQ(data->keySize(), reference->n_k());
    ASSERT_EQ(data->valueSize(), reference->n_q());
    for (int r = 0; r < reference->n_q(); ++r)
      for (int c = 0; c < reference->n_k(); ++c)
        ASSERT_FLOAT_EQ(float(data->cell(c, r)), reference->head[h].weights(r, c))
            << "head " << h << " cell " << r << "," << c;
  }
}

TEST(MainWindow, TypingASentenceShowsEveryHeadWithTheEnginesWeights) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("The animal didn't cross the street"));
  const attn::Scenario scenario = f.window->settingsPanel()->scenario();
  EXPECT_EQ(scenario.source, "The animal didn't cross the street");
  const HeatmapView& view = *f.window->heatmapView();
  ASSERT_EQ(attn::testing::flatten(*view.trace()).n_q(), 6);
  expect_panels_match_engine(view, scenario);
  EXPECT_EQ(view.panel(0)->title(), QStringLiteral("Head 1"));
  EXPECT_EQ(view.panel(view.panelCount() - 1)->title(), QStringLiteral("Mean of 4 heads"));
  EXPECT_EQ(view.panel(2)->content().row_labels.at(1), QStringLiteral("animal"));
}

TEST(MainWindow, ChangingTheHeadCountChangesThePanelCount) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("one two three four"));
  QComboBox* heads = f.window->settingsPanel()->headsBox();
  choose(heads, QStringLiteral("8"));
  settle(*f.window);
  EXPECT_EQ(f.window->heatmapView()->panelCount(), 9);
  expect_panels_match_engine(*f.window->heatmapView(), f.window->settingsPanel()->scenario());
  choose(heads, QStringLiteral("16"));
  settle(*f.window);
  EXPECT_EQ(f.window->heatmapView()->panelCount(), 17);
  choose(heads, QStringLiteral("1"));
  settle(*f.window);
  EXPECT_EQ(f.window->heatmapView()->panelCount(), 1);  // one head: no separate mean
}

TEST(MainWindow, CrossModeShowsTargetRowsAgainstSourceColumns) {
  WindowFixture f;
  attn::ui::SettingsPanel* settings = f.window->settingsPanel();
  choose_data(settings->modeBox(), static_cast<int>(attn::Mode::Cross));
  settings->targetEdit()->setText(QStringLiteral("I love you too"));
  type_source(*f.window, QStringLiteral("我爱你"));
  EXPECT_TRUE(settings->targetEdit()->isEnabled());
  const HeatmapView& view = *f.window->heatmapView();
  expect_panels_match_engine(view, settings->scenario());
  HeatmapPanel* panel = view.panel(0);
  EXPECT_EQ(panel->content().values.rows(), 4);  // n_target
  EXPECT_EQ(panel->content().values.cols(), 3);  // n_source
  // The labels drawn: target tokens down the left of the first column, source tokens under
  // the lowest panel (the grid shares its axes), and both on the large focused panel.
  HeatmapPanel* lowest = view.panel(view.panelCount() - 1);
  for (HeatmapPanel* p : {panel, lowest, view.focusedPanel()}) p->replot();
  EXPECT_EQ(panel->yAxis->tickVectorLabels(), (QVector<QString>{"I", "love", "you", "too"}));
  EXPECT_TRUE(panel->yAxis->tickLabels());
  EXPECT_TRUE(lowest->xAxis->tickLabels());
  EXPECT_EQ(lowest->xAxis->tickVectorLabels(), (QVector<QString>{"我", "爱", "你"}));
  EXPECT_EQ(view.focusedPanel()->yAxis->tickVectorLabels(),
            (QVector<QString>{"I", "love", "you", "too"}));
  EXPECT_EQ(view.focusedPanel()->xAxis->tickVectorLabels(), (QVector<QString>{"我", "爱", "你"}));
  EXPECT_EQ(view.focusedPanel()->yAxis->label(), QStringLiteral("queries (target)"));
  EXPECT_EQ(view.focusedPanel()->xAxis->label(), QStringLiteral("keys (source)"));
}

TEST(MainWindow, InvalidEntryShowsItsMessageAndKeepsTheLastGoodResult) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("a good sentence"));
  const std::shared_ptr<const attn::Trace> good = f.window->heatmapView()->trace();
  const attn::Matrix shown = f.window->heatmapView()->panel(0)->content().values;

  type_source(*f.window, QStringLiteral("   "));
  attn::ui::SettingsPanel* settings = f.window->settingsPanel();
  EXPECT_TRUE(settings->errorText(attn::InputField::Source).contains(QStringLiteral("empty")))
      << settings->errorText(attn::InputField::Source).toStdString();
  EXPECT_EQ(f.window->heatmapView()->trace(), good);
  EXPECT_EQ(f.window->heatmapView()->panel(0)->content().values, shown);
  EXPECT_EQ(settings->sourceEdit()->text(), QStringLiteral("   "));  // nothing typed is lost

  // Cross mode with no target: the message sits under the target field.
  choose_data(settings->modeBox(), static_cast<int>(attn::Mode::Cross));
  settings->targetEdit()->clear();
  type_source(*f.window, QStringLiteral("source words"));
  EXPECT_FALSE(settings->errorText(attn::InputField::Target).isEmpty());
  EXPECT_TRUE(settings->errorText(attn::InputField::Source).isEmpty());

  // Fixing it clears the message and shows the new result.
  settings->targetEdit()->setText(QStringLiteral("target"));
  settle(*f.window);
  EXPECT_TRUE(settings->errorText(attn::InputField::Target).isEmpty());
  EXPECT_EQ(attn::testing::flatten(*f.window->heatmapView()->trace()).n_q(), 1);
}

TEST(MainWindow, TooManyTokensAreRefusedUnderTheSourceWithoutLosingTheText) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("short and good"));
  const std::shared_ptr<const attn::Trace> good = f.window->heatmapView()->trace();
  QStringList words;
  for (int i = 0; i < 5000; ++i) words << QStringLiteral("w");
  const QString pasted = words.join(QLatin1Char(' '));
  f.window->settingsPanel()->sourceEdit()->setText(pasted);  // a paste
  settle(*f.window);
  const QString message = f.window->settingsPanel()->errorText(attn::InputField::Source);
  EXPECT_TRUE(message.contains(QStringLiteral("4096"))) << message.toStdString();
  EXPECT_EQ(f.window->heatmapView()->trace(), good);
  EXPECT_EQ(f.window->settingsPanel()->sourceEdit()->text(), pasted);
}

TEST(MainWindow, HoveringACellShowsItsTooltip) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("it was the animal"));
  HeatmapPanel* panel = f.window->heatmapView()->panel(1);
  const QPoint cell(qRound(panel->xAxis->coordToPixel(3)), qRound(panel->yAxis->coordToPixel(0)));
  QTest::mouseMove(panel, cell);
  const float weight =
      attn::testing::flatten(*f.window->heatmapView()->trace()).head[1].weights(0, 3);
  EXPECT_EQ(
      QToolTip::text(),
      QStringLiteral("head 2 · query 'it' → key 'animal': %1").arg(double(weight), 0, 'f', 2));
}

TEST(MainWindow, ClickingAPanelFocusesIt) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("the cat sat on the mat"));
  HeatmapView* view = f.window->heatmapView();
  EXPECT_EQ(view->focusedHead(), HeatmapView::kMeanPanel);
  HeatmapPanel* third = view->panel(2);
  QTest::mouseClick(third, Qt::LeftButton, {}, third->axisRect()->rect().center());
  EXPECT_EQ(view->focusedHead(), 2);
  EXPECT_EQ(view->focusedPanel()->content().values,
            attn::testing::flatten(*view->trace()).head[2].weights);
  EXPECT_EQ(view->focusedPanel()->title(), QStringLiteral("Head 3"));
}

TEST(MainWindow, ClickingATokenLabelOutlinesItsRowInEveryPanel) {
  WindowFixture f;
  type_source(*f.window, QStringLiteral("the cat sat on the mat"));
  HeatmapView* view = f.window->heatmapView();
  HeatmapPanel* first = view->panel(0);
  const QRect rect = first->axisRect()->rect();
  const QPoint row_label(rect.left() - 10, qRound(first->yAxis->coordToPixel(1)));
  QTest::mouseClick(first, Qt::LeftButton, {}, row_label);
  for (int i = 0; i < view->panelCount(); ++i) EXPECT_EQ(view->panel(i)->highlightedRow(), 1);
  EXPECT_EQ(view->focusedPanel()->highlightedRow(), 1);
  const QPoint column_label(qRound(first->xAxis->coordToPixel(4)), rect.bottom() + 10);
  QTest::mouseClick(first, Qt::LeftButton, {}, column_label);
  EXPECT_EQ(view->panel(3)->highlightedColumn(), 4);
  QTest::mouseClick(first, Qt::LeftButton, {}, row_label);  // again: off
  EXPECT_EQ(view->panel(3)->highlightedRow(), -1);
  EXPECT_EQ(view->focusedHead(), HeatmapView::kMeanPanel);  // label clicks do not refocus
}

TEST(MainWindow, InputsSettingsAndViewOptionsSurviveARestart) {
  WindowFixture f;
  attn::ui::SettingsPanel* settings = f.window->settingsPanel();
  choose_data(settings->modeBox(), static_cast<int>(attn::Mode::Cross));
  settings->targetEdit()->setText(QStringLiteral("学生通过观察来学习"));
  settings->dModelBox()->setValue(96);
  choose(settings->headsBox(), QStringLiteral("6"));
  settings->seedBox()->setValue(1234);
  choose_data(settings->scoreBox(), static_cast<int>(attn::ScoreFunction::Cosine));
  choose_data(settings->maskBox(), static_cast<int>(attn::MaskKind::Causal));
  settings->temperatureBox()->setValue(0.5);
  settings->positionsBox()->setChecked(false);
  type_source(*f.window, QStringLiteral("Students learn by looking"));
  f.window->heatmapView()->setGradient(QStringLiteral("magma"));
  f.window->heatmapView()->setFocusedHead(3);
  const attn::Scenario before = settings->scenario();
  f.window->close();  // saves, as quitting does
  f.window.reset();

  std::unique_ptr<attn::ui::MainWindow> again = f.reopen();
  const attn::Scenario after = again->settingsPanel()->scenario();
  EXPECT_EQ(after.source, before.source);
  EXPECT_EQ(after.target, "学生通过观察来学习");
  EXPECT_EQ(after.config.mode, attn::Mode::Cross);
  EXPECT_EQ(after.config.d_model, 96);
  EXPECT_EQ(after.config.heads, 6);
  EXPECT_EQ(after.config.seed, 1234u);
  EXPECT_EQ(after.config.score, attn::ScoreFunction::Cosine);
  EXPECT_EQ(after.config.mask.kind, attn::MaskKind::Causal);
  EXPECT_FLOAT_EQ(after.config.temperature, 0.5f);
  EXPECT_FALSE(after.config.positions);
  EXPECT_EQ(again->heatmapView()->gradient(), QStringLiteral("magma"));
  EXPECT_EQ(again->heatmapView()->focusedHead(), 3);
  EXPECT_EQ(again->heatmapView()->panelCount(), 7);
}

TEST(MainWindow, FirstStartShowsTheFirstExampleAndExamplesLoad) {
  WindowFixture f;
  EXPECT_EQ(f.window->settingsPanel()->scenario().source,
            "The animal didn't cross the street because it was too tired");
  EXPECT_TRUE(f.window->loadExample(QStringLiteral("love-zh-en")));
  settle(*f.window);
  EXPECT_EQ(f.window->settingsPanel()->scenario().config.mode, attn::Mode::Cross);
  EXPECT_EQ(attn::testing::flatten(*f.window->heatmapView()->trace()).n_q(), 3);  // I love you
  EXPECT_FALSE(f.window->loadExample(QStringLiteral("no-such-example")));
}

TEST(MainWindow, LongInputRunsOffTheUiThreadAndStillArrives) {
  WindowFixture f;
  QStringList words;
  for (int i = 0; i < 300; ++i) words << QStringLiteral("w%1").arg(i);
  f.window->settingsPanel()->sourceEdit()->setText(words.join(QLatin1Char(' ')));
  EXPECT_TRUE(f.window->engine()->busy());
  settle(*f.window);
  EXPECT_EQ(attn::testing::flatten(*f.window->heatmapView()->trace()).n_q(), 300);
}

TEST(MainWindow, MenusCarryTheStandardShortcuts) {
  WindowFixture f;
  QStringList shortcuts;
  for (QAction* action : f.window->findChildren<QAction*>())
    if (!action->shortcut().isEmpty()) shortcuts << action->shortcut().toString();
  EXPECT_TRUE(shortcuts.contains(QStringLiteral("Ctrl+E")));
  EXPECT_TRUE(shortcuts.contains(QStringLiteral("Ctrl+C")));
  EXPECT_TRUE(shortcuts.contains(QStringLiteral("Ctrl+Q")));
}

}  // namespace
