// Sessions (.attnviz): save → open brings back every setting; a corrupt, newer or unreadable
// file is refused with its reason and changes nothing on screen.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>

#include "attn_ui/heatmap_view.h"
#include "attn_ui/session_file.h"
#include "attn_ui/settings_panel.h"
#include "toy_run.h"
#include "ui_test_support.h"

namespace {

using attn::test::settle;
using attn::test::WindowFixture;
using attn::ui::Session;

void write(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write(bytes);
}

Session lesson() {
  Session s;
  s.scenario.source = "我 爱 你";
  s.scenario.target = "I love you";
  s.scenario.config.mode = attn::Mode::Cross;
  s.scenario.config.heads = 8;
  s.scenario.config.d_model = 96;
  s.scenario.config.seed = 12345;
  s.scenario.config.score = attn::ScoreFunction::Additive;
  s.scenario.config.mask.kind = attn::MaskKind::Causal;
  s.scenario.config.temperature = 0.5f;
  s.scenario.config.positions = false;
  s.view.gradient = QStringLiteral("magma");
  s.view.show_numbers = false;
  s.view.fixed_range = true;
  s.view.focused_head = 5;
  return s;
}

void expect_same(const Session& a, const Session& b) {
  attn::test::expect_same_scenario(a.scenario, b.scenario);
  EXPECT_EQ(a.view.gradient, b.view.gradient);
  EXPECT_EQ(a.view.show_numbers, b.view.show_numbers);
  EXPECT_EQ(a.view.fixed_range, b.view.fixed_range);
  EXPECT_EQ(a.view.focused_head, b.view.focused_head);
}

TEST(Session, SaveThenOpenInAnotherWindowBringsBackEverySetting) {
  WindowFixture teacher;
  teacher.window->applySession(lesson());
  settle(*teacher.window);
  expect_same(teacher.window->currentSession(), lesson());
  const QString path = teacher.dir.filePath(QStringLiteral("lesson.attnviz"));
  ASSERT_TRUE(teacher.window->saveSession(path).ok);

  WindowFixture student;  // fresh settings: the defaults on screen
  ASSERT_TRUE(student.window->openSession(path).ok);
  settle(*student.window);
  expect_same(student.window->currentSession(), lesson());
  EXPECT_EQ(student.window->settingsPanel()->sourceEdit()->text(), QStringLiteral("我 爱 你"));
  EXPECT_EQ(student.window->settingsPanel()->headsBox()->currentText(), QStringLiteral("8"));
  EXPECT_EQ(student.window->heatmapView()->focusedHead(), 5);
  ASSERT_TRUE(student.window->heatmapView()->trace());
  EXPECT_EQ(attn::testing::flatten(*student.window->heatmapView()->trace()).heads, 8);
  EXPECT_EQ(student.window->recentSessions().value(0), QFileInfo(path).absoluteFilePath());
}

TEST(Session, TheJsonCarriesAFormatAndVersionAndAHugeSeedExactly) {
  Session s = lesson();
  s.scenario.config.seed = 18446744073709551615ull;
  const QByteArray json = attn::ui::session_to_json(s);
  EXPECT_TRUE(json.contains("\"format\": \"attnviz-session\""));
  EXPECT_TRUE(json.contains("\"version\": 1"));
  Session read;
  QString why;
  ASSERT_TRUE(attn::ui::session_from_json(json, &read, &why)) << why.toStdString();
  expect_same(read, s);
}

TEST(Session, BadFilesAreRefusedWithTheirReasonAndChangeNothing) {
  WindowFixture f;
  settle(*f.window);
  const Session before = f.window->currentSession();
  const auto trace_before = f.window->heatmapView()->trace();
  ASSERT_TRUE(trace_before);

  QByteArray newer = attn::ui::session_to_json(lesson());
  newer.replace("\"version\": 1", "\"version\": 7");
  QByteArray bad_heads = attn::ui::session_to_json(lesson());
  bad_heads.replace("\"heads\": 8", "\"heads\": 0");
  QByteArray bad_mode = attn::ui::session_to_json(lesson());
  bad_mode.replace("\"mode\": \"cross\"", "\"mode\": \"sideways\"");
  const QByteArray valid = attn::ui::session_to_json(lesson());

  struct Case {
    const char* name;
    QByteArray bytes;
    QString reason;
  };
  const std::vector<Case> cases = {
      {"garbage.attnviz", QByteArray("\x89PNG\r\n\x1a\n\xff\xfe", 10), "not valid JSON"},
      {"truncated.attnviz", valid.left(valid.size() / 2), "not valid JSON"},
      {"other.attnviz", R"({"format":"something-else","version":1})", "not an attnviz session"},
      {"newer.attnviz", newer, "newer attnviz (format version 7"},
      {"heads.attnviz", bad_heads, "\"heads\" should be a whole number from 1 to 64"},
      {"mode.attnviz", bad_mode, "\"mode\" should be self, multihead or cross"},
  };
  for (const Case& c : cases) {
    const QString path = f.dir.filePath(QString::fromLatin1(c.name));
    write(path, c.bytes);
    const attn::ui::ExportOutcome outcome = f.window->openSession(path);
    EXPECT_FALSE(outcome.ok) << c.name;
    EXPECT_TRUE(outcome.message.contains(path)) << outcome.message.toStdString();
    EXPECT_TRUE(outcome.message.contains(c.reason))
        << c.name << ": " << outcome.message.toStdString();
    settle(*f.window);
    expect_same(f.window->currentSession(), before);
    EXPECT_EQ(f.window->heatmapView()->trace(), trace_before) << c.name;
  }

  for (const QString& unreadable :
       {f.dir.filePath(QStringLiteral("missing.attnviz")), f.dir.path()}) {
    const attn::ui::ExportOutcome outcome = f.window->openSession(unreadable);
    EXPECT_FALSE(outcome.ok);
    EXPECT_TRUE(outcome.message.startsWith(QStringLiteral("Cannot open")))
        << outcome.message.toStdString();
    expect_same(f.window->currentSession(), before);
  }
  EXPECT_TRUE(f.window->recentSessions().isEmpty());
}

TEST(Session, SavingIntoAMissingFolderFailsAndRecentSessionsSurviveARestart) {
  WindowFixture f;
  settle(*f.window);
  EXPECT_FALSE(f.window->saveSession(f.dir.filePath(QStringLiteral("no/such/a.attnviz"))).ok);
  for (int i = 0; i < attn::ui::MainWindow::kMaxRecentSessions + 2; ++i)
    ASSERT_TRUE(f.window->saveSession(f.dir.filePath(QStringLiteral("s%1.attnviz").arg(i))).ok);
  const QStringList recent = f.window->recentSessions();
  ASSERT_EQ(recent.size(), attn::ui::MainWindow::kMaxRecentSessions);
  EXPECT_TRUE(recent.first().endsWith(QStringLiteral("s9.attnviz")));
  f.window->saveSettings();
  const auto reopened = f.reopen();
  EXPECT_EQ(reopened->recentSessions(), recent);
}

}  // namespace
