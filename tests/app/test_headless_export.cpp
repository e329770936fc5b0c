// The real attnviz program run as a batch job, as a teacher's script or a grader would: no
// display, every format, every exit code, and a trace.json from which an independent reference
// recomputes every head's weights and the output.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "attn/examples.h"
#include "attn/models/toy_model.h"
#include "attn_cli/command_line.h"
#include "attn_ui/session_file.h"
#include "attn_ui/settings_panel.h"
#include "matrix_near.h"
#include "reference_attention.h"
#include "toy_run.h"
#include "ui_test_support.h"

namespace {

struct ProgramRun {
  int exit_code = -1;
  QString out;
  QString err;
};

// Runs the program with no display at all: it must choose the offscreen platform itself.
ProgramRun run_attnviz(const QStringList& arguments) {
  QProcess process;
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.remove(QStringLiteral("DISPLAY"));
  environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
  environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
  process.setProcessEnvironment(environment);
  process.start(QStringLiteral(ATTNVIZ_EXECUTABLE), arguments);
  if (!process.waitForFinished(120000)) {
    process.kill();
    return {};
  }
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

QByteArray read_all(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

attn::Matrix matrix_from_json(const QJsonValue& value) {
  const QJsonArray rows = value.toArray();
  const int columns = rows.isEmpty() ? 0 : int(rows.first().toArray().size());
  attn::Matrix m(rows.size(), columns);
  for (int r = 0; r < rows.size(); ++r) {
    const QJsonArray row = rows[r].toArray();
    for (int c = 0; c < columns; ++c) {
      const QJsonValue entry = row[c];
      m(r, c) = entry.isNull() ? -std::numeric_limits<float>::infinity()
                               : static_cast<float>(entry.toDouble());
    }
  }
  return m;
}

// Settings and parameters as a reader of trace.json sees them, nothing else.
struct JsonTrace {
  attn::AttentionConfig config;
  attn::Matrix x_query, x_key;
  attn::ModelParameters parameters;
  std::vector<attn::Matrix> weights;
  attn::Matrix output;
};

JsonTrace read_trace_json(const QString& path) {
  const QJsonObject root = QJsonDocument::fromJson(read_all(path)).object();
  JsonTrace t;
  const QJsonObject config = root[QStringLiteral("config")].toObject();
  t.config.mode = *attn::parse_mode(config[QStringLiteral("mode")].toString().toStdString());
  t.config.heads = config[QStringLiteral("heads")].toInt();
  t.config.d_model = config[QStringLiteral("d_model")].toInt();
  t.config.score =
      *attn::parse_score_function(config[QStringLiteral("score")].toString().toStdString());
  t.config.mask.kind =
      *attn::parse_mask_kind(config[QStringLiteral("mask")].toString().toStdString());
  t.config.temperature = static_cast<float>(config[QStringLiteral("temperature")].toDouble());
  t.x_query = matrix_from_json(root[QStringLiteral("x_query")]);
  t.x_key = matrix_from_json(root[QStringLiteral("x_key")]);
  t.parameters.w_q = matrix_from_json(root[QStringLiteral("w_q")]);
  t.parameters.w_k = matrix_from_json(root[QStringLiteral("w_k")]);
  t.parameters.w_v = matrix_from_json(root[QStringLiteral("w_v")]);
  t.parameters.w_o = matrix_from_json(root[QStringLiteral("w_o")]);
  for (const QJsonValue& head :
       root[QStringLiteral("score_params")].toObject()[QStringLiteral("heads")].toArray()) {
    const QJsonObject p = head.toObject();
    attn::ScoreParameters score;
    score.w = matrix_from_json(p[QStringLiteral("w")]);
    score.w1 = matrix_from_json(p[QStringLiteral("w1")]);
    score.w2 = matrix_from_json(p[QStringLiteral("w2")]);
    score.v = matrix_from_json(p[QStringLiteral("v")]);
    t.parameters.score.push_back(score);
  }
  for (const QJsonValue& head : root[QStringLiteral("heads")].toArray())
    t.weights.push_back(matrix_from_json(head.toObject()[QStringLiteral("weights")]));
  t.output = matrix_from_json(root[QStringLiteral("output")]);
  return t;
}

// Sum of each data row of a CSV written by attnviz (header row and label column skipped).
std::vector<double> csv_row_sums(const QString& path) {
  std::vector<double> sums;
  const QList<QByteArray> lines = read_all(path).split('\n');
  for (int i = 1; i < lines.size(); ++i) {
    const QByteArray line = lines[i].trimmed();
    if (line.isEmpty()) continue;
    const QList<QByteArray> fields = line.split(',');
    double sum = 0;
    for (int f = 1; f < fields.size(); ++f) sum += fields[f].toDouble();
    sums.push_back(sum);
  }
  return sums;
}

TEST(HeadlessExport, WritesEveryFormatValidWithoutADisplay) {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("slides/animal"));  // created with its parent
  const ProgramRun run = run_attnviz({"--export", out, "--format", "png,svg,pdf,jpg,csv,json",
                                      "--size", "800x500", "--scale", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const QDir folder(out);
  const QStringList expected = {"grid.png",   "grid.svg",   "grid.pdf",   "grid.jpg", "head_1.csv",
                                "head_2.csv", "head_3.csv", "head_4.csv", "mean.csv", "trace.json"};
  EXPECT_EQ(folder.entryList(QDir::Files, QDir::Name).size(), expected.size());
  for (const QString& name : expected)
    EXPECT_TRUE(run.out.contains(folder.filePath(name))) << name.toStdString();

  EXPECT_EQ(QImageReader(folder.filePath("grid.png")).size(), QSize(1600, 1000));
  EXPECT_EQ(QImageReader(folder.filePath("grid.jpg")).size(), QSize(1600, 1000));
  EXPECT_EQ(QImageReader(folder.filePath("grid.jpg")).format(), QByteArray("jpeg"));
  const QByteArray svg = read_all(folder.filePath("grid.svg"));
  EXPECT_TRUE(svg.contains("<svg"));
  for (const char* label : {">animal<", ">street<", ">Head 1<", ">Head 4<", ">Mean of 4 heads<"})
    EXPECT_TRUE(svg.contains(label)) << label;
  const QByteArray pdf = read_all(folder.filePath("grid.pdf"));
  EXPECT_TRUE(pdf.startsWith("%PDF-"));
  EXPECT_TRUE(QString::fromLatin1(pdf).contains(
      QRegularExpression(QStringLiteral(R"(/MediaBox \[0 0 800(\.0+)? 500(\.0+)?\])"))));
  for (const char* csv : {"head_1.csv", "head_4.csv", "mean.csv"}) {
    const std::vector<double> sums = csv_row_sums(folder.filePath(csv));
    ASSERT_EQ(sums.size(), 11u) << csv;  // "The animal didn't cross the street because it …"
    for (double sum : sums) EXPECT_NEAR(sum, 1.0, 1e-5) << csv;
  }
  EXPECT_FALSE(QJsonDocument::fromJson(read_all(folder.filePath("trace.json"))).isNull());
}

TEST(HeadlessExport, ViewMeanAndHeadWriteThatPanelAlone) {
  QTemporaryDir dir;
  ProgramRun run = run_attnviz({"--export", dir.path(), "--view", "mean", "--size", "600x500"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  EXPECT_EQ(QImageReader(dir.filePath("mean.png")).size(), QSize(600, 500));
  run = run_attnviz(
      {"--export", dir.path(), "--example", "love-zh-en", "--view", "head:2", "--format", "svg"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const QByteArray svg = read_all(dir.filePath("head_2.svg"));
  EXPECT_TRUE(svg.contains(">Head 2<"));
  EXPECT_FALSE(svg.contains(">Head 1<"));
  EXPECT_TRUE(svg.contains(QStringLiteral(">爱<").toUtf8()));
  EXPECT_TRUE(svg.contains(">love<"));
}

// One render path: the program's PNG is pixel for pixel what the window exports.
TEST(HeadlessExport, ImagesAreTheWindowsOwnExport) {
  QTemporaryDir dir;
  const ProgramRun run = run_attnviz(
      {"--export", dir.path(), "--example", "love-zh-en", "--heads", "8", "--size", "900x600"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();

  attn::test::WindowFixture fixture;
  fixture.window->loadExample(QStringLiteral("love-zh-en"));
  attn::Scenario scenario = fixture.window->settingsPanel()->scenario();
  scenario.config.heads = 8;
  fixture.window->settingsPanel()->setScenario(scenario);
  attn::test::settle(*fixture.window);
  const QString gui_path = dir.filePath(QStringLiteral("window.png"));
  ASSERT_TRUE(
      fixture.window->exportImage(gui_path, {attn::ui::FigurePart::Grid, QSize(900, 600), 1.0}).ok);
  const QImage cli =
      QImage(dir.filePath(QStringLiteral("grid.png"))).convertToFormat(QImage::Format_RGB32);
  const QImage gui = QImage(gui_path).convertToFormat(QImage::Format_RGB32);
  ASSERT_EQ(cli.size(), QSize(900, 600));
  EXPECT_TRUE(cli == gui);
}

// From x_*, w_* and score_params alone, an independent reference recomputes every head's
// weights and the output; and the numbers read back are the engine's floats exactly.
TEST(HeadlessExport, TraceJsonLetsAnyoneRecomputeEveryNumber) {
  struct Case {
    QStringList arguments;
  };
  const std::vector<Case> cases = {
      {{}},
      {{"--score", "additive", "--heads", "2", "--mask", "causal"}},
      {{"--example", "love-zh-en", "--score", "general", "--heads", "8"}},
      {{"--score", "cosine", "--temperature", "0.25", "--positions", "off", "--seed", "7"}},
      {{"--mode", "self", "--score", "dot", "--d-model", "24"}},
      {{"--example", "study-en-zh", "--d-model", "96", "--heads", "16", "--temperature", "3"}},
  };
  for (const Case& c : cases) {
    const std::string label = c.arguments.join(QLatin1Char(' ')).toStdString();
    QTemporaryDir dir;
    QStringList arguments = c.arguments;
    arguments << "--export" << dir.path() << "--format"
              << "json";
    const ProgramRun run = run_attnviz(arguments);
    ASSERT_EQ(run.exit_code, 0) << label << ": " << run.err.toStdString();
    const JsonTrace t = read_trace_json(dir.filePath(QStringLiteral("trace.json")));
    ASSERT_EQ(static_cast<int>(t.weights.size()), t.config.effective_heads()) << label;

    const attn::testing::ReferenceResult reference = attn::testing::reference_multi_head(
        t.x_query, t.x_key, t.parameters, t.config.effective_heads(), t.config);
    for (std::size_t h = 0; h < t.weights.size(); ++h) {
      EXPECT_TRUE(attn::testing::matrices_near(t.weights[h], reference.weights[h], 1e-5))
          << label << ", head " << h + 1;
    }
    EXPECT_TRUE(attn::testing::matrices_near(t.output, reference.output, 1e-5)) << label;

    // Full precision: the same scenario computed here gives bit-identical floats.
    attn::cli::CommandLine command_line;
    QStringList parse_arguments = c.arguments;
    parse_arguments.prepend(QStringLiteral("attnviz"));
    const auto command = command_line.parse(parse_arguments);
    ASSERT_TRUE(std::holds_alternative<attn::cli::OpenWindow>(command)) << label;
    const attn::Scenario scenario = std::get<attn::cli::OpenWindow>(command).overrides.applyTo(
        attn::builtin_examples().front().scenario);
    const attn::Expected<attn::Trace> computed = attn::run(scenario);
    ASSERT_TRUE(computed.ok()) << label;
    const attn::testing::ToyRun engine = attn::testing::flatten(computed.value());
    EXPECT_TRUE(t.output == engine.output) << label;
    EXPECT_TRUE(t.x_query == engine.x_query) << label;
    EXPECT_TRUE(t.weights.back() == engine.head.back().weights) << label;
  }
}

TEST(HeadlessExport, ExitCodesNameTheProblemAndLeaveNothingBehind) {
  QTemporaryDir dir;
  // 2: a bad argument, named with its allowed values.
  ProgramRun run = run_attnviz({"--export", dir.filePath("a"), "--score", "bilinear"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--score") && run.err.contains("scaled_dot, dot, additive"))
      << run.err.toStdString();
  run = run_attnviz({"--export", dir.filePath("a"), "--view", "head:5"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("there are 4 heads")) << run.err.toStdString();

  // 3: input that cannot be computed; no folder is created.
  run = run_attnviz({"--export", dir.filePath("a"), "--heads", "3"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("--heads") && run.err.contains("1, 2, 4, 8"))
      << run.err.toStdString();
  run = run_attnviz({"--export", dir.filePath("a"), "--source", "   "});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("--source")) << run.err.toStdString();
  run = run_attnviz({"--export", dir.filePath("a"), "--mode", "cross", "--target", ""});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("--target")) << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("a")));

  // 4: a folder that cannot be made (a file is in the way), named with the reason.
  QFile blocker(dir.filePath("file"));
  ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
  blocker.close();
  run = run_attnviz({"--export", dir.filePath("file/sub")});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_TRUE(run.err.contains(dir.filePath("file/sub")) && run.err.contains("Not a directory"))
      << run.err.toStdString();
  run = run_attnviz({"--export", dir.filePath("file")});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_TRUE(run.err.contains("a file of that name exists")) << run.err.toStdString();

  // 4: one of the files cannot be written: none is, and the earlier files stay as they were.
  QDir(dir.path()).mkpath(QStringLiteral("old/trace.json"));  // a folder where the file goes
  QFile earlier(dir.filePath("old/grid.png"));
  ASSERT_TRUE(earlier.open(QIODevice::WriteOnly));
  earlier.write("earlier slide");
  earlier.close();
  run = run_attnviz({"--export", dir.filePath("old"), "--format", "png,csv,json"});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_TRUE(run.err.contains("trace.json")) << run.err.toStdString();
  EXPECT_EQ(read_all(dir.filePath("old/grid.png")), QByteArray("earlier slide"));
  EXPECT_EQ(QDir(dir.filePath("old")).entryList(QDir::Files | QDir::Hidden),
            QStringList{"grid.png"});
}

TEST(HeadlessExport, ASessionFileGivesItsSettingsAndOtherOptionsOverrideIt) {
  QTemporaryDir dir;
  attn::ui::Session session;
  session.scenario.source = "我 爱 你";
  session.scenario.target = "I love you";
  session.scenario.config.mode = attn::Mode::Cross;
  session.scenario.config.heads = 8;
  session.scenario.config.score = attn::ScoreFunction::General;
  const QString path = dir.filePath(QStringLiteral("lesson.attnviz"));
  ASSERT_TRUE(attn::ui::save_session_file(path, session).ok);

  ProgramRun run = run_attnviz(
      {"--session", path, "--seed", "9", "--export", dir.filePath("out"), "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const QJsonObject config = QJsonDocument::fromJson(read_all(dir.filePath("out/trace.json")))
                                 .object()[QStringLiteral("config")]
                                 .toObject();
  EXPECT_EQ(config[QStringLiteral("mode")].toString(), QStringLiteral("cross"));
  EXPECT_EQ(config[QStringLiteral("heads")].toInt(), 8);
  EXPECT_EQ(config[QStringLiteral("score")].toString(), QStringLiteral("general"));
  EXPECT_EQ(config[QStringLiteral("seed")].toInt(), 9);
  EXPECT_EQ(config[QStringLiteral("target")].toString(), QStringLiteral("I love you"));

  QFile corrupt(dir.filePath("corrupt.attnviz"));
  ASSERT_TRUE(corrupt.open(QIODevice::WriteOnly));
  corrupt.write("{\"format\": \"attnviz-session\", \"version\": ");
  corrupt.close();
  run = run_attnviz({"--session", corrupt.fileName(), "--export", dir.filePath("bad")});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("--session") && run.err.contains(corrupt.fileName()) &&
              run.err.contains("not valid JSON"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("bad")));
}

// One token at d_model 4096 would write a 934 MB trace.json: refused from the settings alone,
// before the model runs, naming the size and the bound; nothing is written.
TEST(HeadlessExport, AJsonOverTheBoundIsRefusedNamingItsSize) {
  QTemporaryDir dir;
  const ProgramRun run = run_attnviz({"--source", "a", "--heads", "64", "--d-model", "4096",
                                      "--format", "png,json", "--export", dir.filePath("big")});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("trace.json would hold 67.1 million numbers (about 940 MB)") &&
              run.err.contains("at most 16 million"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("big")));
}

// A value the user never typed is named by the session file and its member, not by an option.
TEST(HeadlessExport, ABadSessionValueIsNamedByTheSessionFile) {
  QTemporaryDir dir;
  attn::ui::Session session;
  session.scenario.config.heads = 3;  // does not divide d_model 64
  const QString path = dir.filePath(QStringLiteral("lesson.attnviz"));
  ASSERT_TRUE(attn::ui::save_session_file(path, session).ok);
  ProgramRun run = run_attnviz({"--session", path, "--export", dir.filePath("out")});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains(QStringLiteral("invalid input: session file %1, \"heads\": 3 heads "
                                              "do not divide d_model = 64")
                                   .arg(path)))
      << run.err.toStdString();
  EXPECT_FALSE(run.err.contains("--heads")) << run.err.toStdString();
  run = run_attnviz({"--session", path, "--heads", "6", "--export", dir.filePath("out")});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("invalid input: --heads: 6 heads")) << run.err.toStdString();

  run = run_attnviz({"--session", "/dev/zero", "--export", dir.filePath("out")});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("Cannot open /dev/zero: it holds more than 4 MB"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("out")));
}

// Tokens of combining marks alone have no width of their own; their labels still draw.
TEST(HeadlessExport, TokensOfCombiningMarksOnlyDrawWithoutPainterWarnings) {
  QTemporaryDir dir;
  const ProgramRun run = run_attnviz({"--source", QStringLiteral("\u0301\u0301\u0301 ok"),
                                      "--format", "png,svg", "--export", dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err.toStdString();
  EXPECT_FALSE(run.err.contains("QPainter")) << run.err.toStdString();
  EXPECT_TRUE(
      read_all(dir.filePath("grid.svg")).contains(QStringLiteral(">\u25CC\u0301<").toUtf8()));
}

TEST(HeadlessExport, HelpAndListNeedNoDisplay) {
  ProgramRun run = run_attnviz({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out.contains("--view") && run.out.contains("Exit codes"));
  EXPECT_TRUE(run.out.simplified().contains("json over 16 million numbers is refused"))
      << run.out.toStdString();
  run = run_attnviz({"--list-examples"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(run.out.contains("love-zh-en"));
  run = run_attnviz({"--mode", "both"});  // refused before any window would open
  EXPECT_EQ(run.exit_code, 2);
}

// --mask padding:K,… hides those keys (1-based) from every query, --mask custom:FILE the cells a
// file of 0 and 1 hides; trace.json names what was hidden and the weights there are 0.
TEST(HeadlessExport, PaddingAndCustomMasksFromTheCommandLine) {
  QTemporaryDir dir;
  const QStringList base{"--source", "the cat sat on the mat", "--format", "json"};
  ProgramRun run =
      run_attnviz(QStringList{"--export", dir.filePath("pad"), "--mask", "padding:2,5"} + base);
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  QJsonObject root = QJsonDocument::fromJson(read_all(dir.filePath("pad/trace.json"))).object();
  QJsonObject config = root[QStringLiteral("config")].toObject();
  EXPECT_EQ(config[QStringLiteral("mask")].toString(), QStringLiteral("padding"));
  EXPECT_EQ(config[QStringLiteral("hidden_keys")].toArray(), (QJsonArray{1, 4}));
  const QJsonArray heads = root[QStringLiteral("heads")].toArray();
  ASSERT_EQ(heads.size(), 4);
  for (const QJsonValue& head : heads) {
    const attn::Matrix w = matrix_from_json(head.toObject()[QStringLiteral("weights")]);
    ASSERT_EQ(w.cols(), 6);
    for (int r = 0; r < w.rows(); ++r) {
      EXPECT_EQ(w(r, 1), 0.0f);
      EXPECT_EQ(w(r, 4), 0.0f);
      EXPECT_NEAR(w.row(r).sum(), 1.0f, 1e-5f);
    }
  }

  // A custom mask: 6 queries × 6 keys, query 1 sees only key 0, the others see everything.
  QFile mask_file(dir.filePath("mask.txt"));
  ASSERT_TRUE(mask_file.open(QIODevice::WriteOnly));
  mask_file.write("# query rows, key columns\n1 1 1 1 1 1\n1 0 0 0 0 0\n");
  for (int r = 2; r < 6; ++r) mask_file.write("1,1,1,1,1,1\n");
  mask_file.close();
  run = run_attnviz(QStringList{"--export", dir.filePath("custom"), "--mask",
                                "custom:" + dir.filePath("mask.txt")} +
                    base);
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  root = QJsonDocument::fromJson(read_all(dir.filePath("custom/trace.json"))).object();
  config = root[QStringLiteral("config")].toObject();
  EXPECT_EQ(config[QStringLiteral("mask")].toString(), QStringLiteral("custom"));
  EXPECT_EQ(config[QStringLiteral("hidden_cells")].toArray().size(), 5);
  const attn::Matrix w = matrix_from_json(
      root[QStringLiteral("heads")].toArray()[2].toObject()[QStringLiteral("weights")]);
  EXPECT_FLOAT_EQ(w(1, 0), 1.0f);
  EXPECT_EQ(w.row(1).tail(5).sum(), 0.0f);

  // Refusals name the problem: a bad list, a position past the text, a malformed file.
  run = run_attnviz(QStringList{"--export", dir.filePath("bad"), "--mask", "padding:0"} + base);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--mask") && run.err.contains("1-based")) << run.err.toStdString();
  run = run_attnviz(QStringList{"--export", dir.filePath("bad"), "--mask", "padding:9"} + base);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("padding position 9 is outside the 6 key tokens (positions 1 to 6)"))
      << run.err.toStdString();
  run = run_attnviz(
      QStringList{"--export", dir.filePath("bad"), "--mask", "custom:" + dir.filePath("none.txt")} +
      base);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("cannot read the mask file")) << run.err.toStdString();
  run = run_attnviz(QStringList{"--export", dir.filePath("bad"), "--mask", "diagonal"} + base);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("padding:K,K")) << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(dir.filePath("bad")));
}

}  // namespace
