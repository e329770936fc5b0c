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
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
  // 1e39 and 1e-46 are numbers > 0 as doubles but ∞ and 0 as the float that is stored.
  QByteArray huge_temperature = valid;
  huge_temperature.replace("\"temperature\": 0.5", "\"temperature\": 1e39");
  QByteArray tiny_temperature = valid;
  tiny_temperature.replace("\"temperature\": 0.5", "\"temperature\": 1e-46");

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
      {"hot.attnviz", huge_temperature,
       "\"temperature\" should be a number greater than 0, "
       "from 1.17549e-38 to 3.40282e+38"},
      {"cold.attnviz", tiny_temperature, "from 1.17549e-38 to 3.40282e+38"},
      {"empty.attnviz", QByteArray(), "it is empty"},
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

// Devices and pipes report a size of 0: the reader must stop at the limit whatever the file is,
// and a FIFO nobody writes to must not block. Each case ends by its content, never by a clock.
TEST(Session, DevicesPipesAndFifosAreReadNoFurtherThanTheLimit) {
  constexpr qint64 kLimit = 4 << 20;
  const auto load = [](const QString& path) {
    Session session;
    return attn::ui::load_session_file(path, &session);
  };
  const auto expect_refused = [](const attn::ui::ExportOutcome& outcome, const QString& path,
                                 const QString& reason) {
    EXPECT_FALSE(outcome.ok) << path.toStdString();
    EXPECT_EQ(outcome.message, QStringLiteral("Cannot open %1: %2").arg(path, reason));
  };
  expect_refused(load(QStringLiteral("/dev/zero")), QStringLiteral("/dev/zero"),
                 QStringLiteral("it holds more than 4 MB, too large for a session"));
  const attn::ui::ExportOutcome proc = load(QStringLiteral("/proc/self/status"));  // size 0
  EXPECT_FALSE(proc.ok);
  EXPECT_TRUE(proc.message.contains(QStringLiteral("not valid JSON")))
      << proc.message.toStdString();

  QTemporaryDir dir;
  const QString big = dir.filePath(QStringLiteral("big.attnviz"));
  QFile big_file(big);
  ASSERT_TRUE(big_file.open(QIODevice::WriteOnly) && big_file.resize(5 << 20));
  big_file.close();
  expect_refused(load(big), big,
                 QStringLiteral("at 5 MB it is too large for a session (at most 4 MB)"));

  // A FIFO that nobody writes to reads as empty instead of blocking in open().
  const QString fifo = dir.filePath(QStringLiteral("fifo.attnviz"));
  ASSERT_EQ(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
  expect_refused(load(fifo), fifo, QStringLiteral("it is empty"));

  // A reader of our own keeps what is written in the pipe; the writer opens before the load.
  const QByteArray fifo_path = QFile::encodeName(fifo);
  const int keeper = ::open(fifo_path.constData(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(keeper, 0);
  int writer = ::open(fifo_path.constData(), O_WRONLY);
  ASSERT_GE(writer, 0);
  std::thread endless([writer] {  // one byte past the limit: more than the reader may take
    const QByteArray chunk(64 << 10, 'y');
    qint64 left = kLimit + 1;
    while (left > 0) {
      const ssize_t n =
          ::write(writer, chunk.constData(), size_t(std::min<qint64>(left, chunk.size())));
      if (n <= 0) break;
      left -= n;
    }
    ::close(writer);
  });
  expect_refused(load(fifo), fifo,
                 QStringLiteral("it holds more than 4 MB, too large for a session"));
  endless.join();

  // A valid session through the FIFO opens like a file.
  writer = ::open(fifo_path.constData(), O_WRONLY);
  ASSERT_GE(writer, 0);
  const QByteArray json = attn::ui::session_to_json(lesson());
  ASSERT_EQ(::write(writer, json.constData(), size_t(json.size())), ssize_t(json.size()));
  ::close(writer);
  Session read;
  const attn::ui::ExportOutcome piped = attn::ui::load_session_file(fifo, &read);
  EXPECT_TRUE(piped.ok) << piped.message.toStdString();
  expect_same(read, lesson());
  ::close(keeper);
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

// Found by fuzz_session: a missing or huge whole number ("heads" absent, "d_model": 1e300) was
// converted to int before being refused, which is undefined behaviour (UBSan: "nan is outside
// the range of representable values of type 'int'"). Now it is refused with its name only.
TEST(Session, AMissingOrHugeWholeNumberIsRefusedWithoutConvertingIt) {
  attn::ui::Session good;
  const QByteArray json = attn::ui::session_to_json(good);
  for (const QByteArray& replacement :
       {QByteArray("\"absent\""), QByteArray("\"heads\": 1e300, \"x\""),
        QByteArray("\"heads\": -1e300, \"x\""), QByteArray("\"heads\": \"4\", \"x\"")}) {
    QByteArray broken = json;
    broken.replace("\"heads\"", replacement);
    attn::ui::Session read;
    QString why;
    EXPECT_FALSE(attn::ui::session_from_json(broken, &read, &why)) << broken.toStdString();
    EXPECT_TRUE(why.contains(QStringLiteral("\"heads\" should be a whole number from 1 to 64")))
        << why.toStdString();
  }
}
