// The command line's options: defaults equal the window's, every option reaches its setting,
// and every bad value is refused with exit code 2 and a message naming the option and what it
// allows.
#include <gtest/gtest.h>

#include <QStringList>
#include <QTemporaryDir>

#include "attn/examples.h"
#include "attn_cli/command_line.h"
#include "attn_ui/session_file.h"
#include "attn_ui/settings_panel.h"
#include "shipped_model_folder.h"
#include "ui_test_support.h"

namespace {

using attn::cli::Command;
using attn::cli::CommandLine;
using attn::cli::Failure;
using attn::cli::FigureView;
using attn::cli::OutputFormat;
using attn::cli::RunExport;

Command parse(QStringList arguments) {
  arguments.prepend(QStringLiteral("attnviz"));
  CommandLine command_line;
  return command_line.parse(arguments);
}

RunExport parse_export(QStringList arguments) {
  arguments << QStringLiteral("--export") << QStringLiteral("out");
  const Command command = parse(arguments);
  EXPECT_TRUE(std::holds_alternative<RunExport>(command))
      << arguments.join(QLatin1Char(' ')).toStdString();
  return std::holds_alternative<RunExport>(command) ? std::get<RunExport>(command) : RunExport{};
}

attn::Scenario export_scenario(const QStringList& arguments) {
  return parse_export(arguments).overrides.applyTo(attn::builtin_examples().front().scenario);
}

TEST(CommandLine, DefaultsEqualTheWindowsDefaults) {
  attn::test::WindowFixture fresh;  // empty settings: the window's first start
  const attn::Scenario window = fresh.window->settingsPanel()->scenario();
  const attn::Scenario cli = export_scenario({});
  attn::test::expect_same_scenario(cli, window);

  const RunExport run = parse_export({});
  EXPECT_EQ(run.request.formats, std::set<OutputFormat>{OutputFormat::Png});
  EXPECT_EQ(run.request.view.kind, FigureView::Kind::Grid);
  EXPECT_EQ(run.request.scale, 1.0);
  EXPECT_EQ(run.request.directory, QStringLiteral("out"));
}

TEST(CommandLine, EveryOptionReachesItsSetting) {
  const attn::Scenario s =
      export_scenario({"--source",      "我 爱 你", "--target",    "I love you",
                       "--mode",        "cross",    "--heads",     "8",
                       "--d-model",     "128",      "--seed",      "18446744073709551615",
                       "--score",       "additive", "--mask",      "causal",
                       "--temperature", "0.5",      "--positions", "off"});
  EXPECT_EQ(s.source, "我 爱 你");
  EXPECT_EQ(s.target, "I love you");
  EXPECT_EQ(s.config.mode, attn::Mode::Cross);
  EXPECT_EQ(s.config.heads, 8);
  EXPECT_EQ(s.config.d_model, 128);
  EXPECT_EQ(s.config.seed, 18446744073709551615ull);
  EXPECT_EQ(s.config.score, attn::ScoreFunction::Additive);
  EXPECT_EQ(s.config.mask.kind, attn::MaskKind::Causal);
  EXPECT_EQ(s.config.temperature, 0.5f);
  EXPECT_FALSE(s.config.positions);

  const RunExport run = parse_export({"--format", "png,SVG,pdf,jpg,csv,json", "--size", "800x600",
                                      "--scale", "2.5", "--view", "head:3"});
  EXPECT_EQ(run.request.formats.size(), 6u);
  EXPECT_EQ(run.request.size, QSize(800, 600));
  EXPECT_EQ(run.request.scale, 2.5);
  EXPECT_EQ(run.request.view.kind, FigureView::Kind::Head);
  EXPECT_EQ(run.request.view.head, 3);
  EXPECT_EQ(parse_export({"--view", "mean"}).request.view.kind, FigureView::Kind::Mean);
}

TEST(CommandLine, AnExampleGivesItsTextsAndModeAndLaterOptionsWin) {
  const attn::Example* example = attn::find_example("love-zh-en");
  ASSERT_NE(example, nullptr);
  attn::Scenario s = export_scenario({"--example", "love-zh-en"});
  EXPECT_EQ(s.source, example->scenario.source);
  EXPECT_EQ(s.target, example->scenario.target);
  EXPECT_EQ(s.config.mode, attn::Mode::Cross);
  s = export_scenario({"--example", "love-zh-en", "--mode", "self", "--source", "a b"});
  EXPECT_EQ(s.config.mode, attn::Mode::Self);
  EXPECT_EQ(s.source, "a b");
}

// Each bad argument: exit code 2, and the message names the option and its allowed values.
TEST(CommandLine, BadValuesAreRefusedNamingTheOptionAndWhatItAllows) {
  struct Case {
    QStringList arguments;
    std::vector<QString> message_parts;
  };
  const std::vector<Case> cases = {
      {{"--mode", "both"}, {"--mode", "both", "self, multihead or cross"}},
      {{"--heads", "0"}, {"--heads", "1 to 64"}},
      {{"--heads", "four"}, {"--heads", "1 to 64"}},
      {{"--d-model", "5000"}, {"--d-model", "1 to 4096"}},
      {{"--seed", "-1"}, {"--seed", "0 to"}},
      {{"--score", "bilinear"}, {"--score", "scaled_dot, dot, additive, general or cosine"}},
      {{"--mask", "padding"}, {"--mask", "none, causal, padding:K,K"}},
      {{"--mask", "padding:2,x"}, {"--mask", "padding position \"x\"", "1-based"}},
      {{"--temperature", "0"}, {"--temperature", "greater than 0"}},
      {{"--temperature", "nan"}, {"--temperature", "greater than 0"}},
      {{"--positions", "yes"}, {"--positions", "on or off"}},
      {{"--example", "nosuch"}, {"--example", "animal", "love-zh-en"}},
      {{"--export", "d", "--format", "gif"}, {"--format", "gif", "png, svg, pdf, jpg, csv, json"}},
      {{"--export", "d", "--format", ","}, {"--format", "png, svg"}},
      {{"--export", "d", "--size", "800"}, {"--size", "WxH", "100 to 8000"}},
      {{"--export", "d", "--size", "50x50"}, {"--size", "100 to 8000"}},
      {{"--export", "d", "--scale", "0"}, {"--scale", "at most 8"}},
      {{"--export", "d", "--scale", "9"}, {"--scale", "at most 8"}},
      {{"--export", "d", "--size", "8000x8000", "--scale", "4"}, {"--size", "16384"}},
      {{"--export", "d", "--view", "head:0"}, {"--view", "grid, mean, head:N"}},
      {{"--export", "d", "--view", "panel"}, {"--view", "grid, mean, head:N"}},
      {{"--export", ""}, {"--export", "folder"}},
      {{"--format", "png"}, {"--format", "needs --export"}},
      {{"--view", "mean"}, {"--view", "needs --export"}},
      {{"--bogus"}, {"bogus", "--help"}},
      {{"--heads"}, {"heads", "value"}},
      {{"loose words"}, {"loose words", "--source"}},
  };
  for (const Case& c : cases) {
    const Command command = parse(c.arguments);
    const std::string label = c.arguments.join(QLatin1Char(' ')).toStdString();
    ASSERT_TRUE(std::holds_alternative<Failure>(command)) << label;
    const Failure& failure = std::get<Failure>(command);
    EXPECT_EQ(failure.exit_code, attn::cli::kExitBadArguments) << label;
    for (const QString& part : c.message_parts) {
      EXPECT_TRUE(failure.message.contains(part))
          << label << ": \"" << failure.message.toStdString() << "\" lacks \"" << part.toStdString()
          << "\"";
    }
  }
}

// Values that pass as doubles but are stored as floats are refused as the float they become.
TEST(CommandLine, TemperatureIsCheckedAsTheFloatItIsStoredAs) {
  for (const char* t : {"1e-46", "5e-324", "1e39", "1e308", "1e-40"}) {
    const Command command = parse({"--temperature", t});
    ASSERT_TRUE(std::holds_alternative<Failure>(command)) << t;
    const Failure& failure = std::get<Failure>(command);
    EXPECT_EQ(failure.exit_code, attn::cli::kExitBadArguments) << t;
    EXPECT_EQ(failure.message,
              QStringLiteral("--temperature \"%1\": a number greater than 0 that a float holds, "
                             "from 1.17549e-38 to 3.40282e+38, such as 0.5 or 2")
                  .arg(QString::fromLatin1(t)));
  }
  EXPECT_EQ(export_scenario({"--temperature", "1e-30"}).config.temperature, 1e-30f);
  EXPECT_EQ(export_scenario({"--temperature", "3e38"}).config.temperature, 3e38f);
}

TEST(CommandLine, AScaleTooSmallSaysTooSmallWithTheSmallestAllowed) {
  const Command small = parse({"--export", "d", "--scale", "1e-5"});
  ASSERT_TRUE(std::holds_alternative<Failure>(small));
  EXPECT_EQ(std::get<Failure>(small).exit_code, attn::cli::kExitBadArguments);
  EXPECT_EQ(std::get<Failure>(small).message,
            QStringLiteral("--scale \"1e-5\": too small; give at least 0.1 and at most 8"));
  const Command large = parse({"--export", "d", "--scale", "9"});
  ASSERT_TRUE(std::holds_alternative<Failure>(large));
  EXPECT_EQ(std::get<Failure>(large).message,
            QStringLiteral("--scale \"9\": too large; give at least 0.1 and at most 8"));
  EXPECT_EQ(parse_export({"--scale", "0.1"}).request.scale, 0.1);
}

// A value is named where it came from: the option when given, else the session's member.
TEST(CommandLine, ASettingIsNamedByTheSessionFileUnlessAnOptionGaveIt) {
  QTemporaryDir dir;
  attn::ui::Session session;
  session.scenario.config.heads = 3;
  const QString path = dir.filePath(QStringLiteral("lesson.attnviz"));
  ASSERT_TRUE(attn::ui::save_session_file(path, session).ok);

  RunExport run = parse_export({"--session", path});
  EXPECT_EQ(run.overrides.originOf(attn::InputField::Heads),
            QStringLiteral("session file %1, \"heads\"").arg(path));
  EXPECT_EQ(run.overrides.originOf(attn::InputField::DModel),
            QStringLiteral("session file %1, \"d_model\"").arg(path));
  run = parse_export({"--session", path, "--heads", "3", "--example", "love-zh-en"});
  EXPECT_EQ(run.overrides.originOf(attn::InputField::Heads), QStringLiteral("--heads"));
  EXPECT_EQ(run.overrides.originOf(attn::InputField::Target), QStringLiteral("--target"));
  EXPECT_EQ(run.overrides.originOf(attn::InputField::Temperature),
            QStringLiteral("session file %1, \"temperature\"").arg(path));
  EXPECT_EQ(parse_export({}).overrides.originOf(attn::InputField::Heads),
            QStringLiteral("--heads"));
}

TEST(CommandLine, HelpVersionListAndWindowAreTheirOwnCommands) {
  EXPECT_TRUE(std::holds_alternative<attn::cli::ShowHelp>(parse({"--help"})));
  EXPECT_TRUE(std::holds_alternative<attn::cli::ShowVersion>(parse({"--version"})));
  EXPECT_TRUE(std::holds_alternative<attn::cli::ListExamples>(parse({"--list-examples"})));
  EXPECT_TRUE(std::holds_alternative<attn::cli::ListModels>(parse({"--list-models"})));
  const Command window = parse({"--heads", "8"});
  ASSERT_TRUE(std::holds_alternative<attn::cli::OpenWindow>(window));
  EXPECT_EQ(std::get<attn::cli::OpenWindow>(window).overrides.heads, 8);
  EXPECT_FALSE(std::get<attn::cli::OpenWindow>(parse({})).overrides.any());
}

TEST(CommandLine, HelpDocumentsEveryOptionAndTheExitCodes) {
  CommandLine command_line;
  const QString help = command_line.helpText();
  for (const char* option : {"--source",
                             "--target",
                             "--mode",
                             "--heads",
                             "--d-model",
                             "--seed",
                             "--score",
                             "--mask",
                             "--temperature",
                             "--positions",
                             "--example",
                             "--list-examples",
                             "--list-models",
                             "--export",
                             "--format",
                             "--size",
                             "--scale",
                             "--view",
                             "scaled_dot | dot | additive | general | cosine",
                             "self | multihead | cross",
                             "png, svg, pdf, jpg, csv, json",
                             "head:N",
                             "Exit codes",
                             "4 cannot write",
                             "16 million numbers",
                             "4 MB"}) {
    EXPECT_TRUE(help.contains(QString::fromUtf8(option))) << option;
  }
}

TEST(CommandLine, AShippedModelsNameOpensItOnItsExampleAndLayer) {
  QTemporaryDir root;
  const QString folder = attn::test::add_demo_shipped_model(root);
  const Command window = parse({"--model", attn::test::kDemoModel});
  ASSERT_TRUE(std::holds_alternative<attn::cli::OpenWindow>(window));
  const attn::cli::OpenWindow& open = std::get<attn::cli::OpenWindow>(window);
  EXPECT_EQ(open.model.path, folder);
  ASSERT_TRUE(open.model.shipped.has_value());
  EXPECT_EQ(open.model.shipped->focus_head, attn::test::kDemoFocusHead);
  EXPECT_EQ(open.overrides.source, attn::test::kDemoExample.toStdString());

  // An export shows the model's chosen layer unless --layer says otherwise; --source wins.
  const RunExport chosen = parse_export({"--model", attn::test::kDemoModel});
  EXPECT_EQ(chosen.request.layer, attn::test::kDemoFocusLayer + 1);
  EXPECT_EQ(chosen.overrides.source, attn::test::kDemoExample.toStdString());
  const RunExport given =
      parse_export({"--model", attn::test::kDemoModel, "--source", "x y", "--layer", "1"});
  EXPECT_EQ(given.request.layer, 1);
  EXPECT_EQ(given.overrides.source, "x y");

  // A bare unknown name lists the names there are; a path is left to the loader's message.
  const Command unknown = parse({"--model", "no-such-model"});
  ASSERT_TRUE(std::holds_alternative<Failure>(unknown));
  EXPECT_EQ(std::get<Failure>(unknown).exit_code, attn::cli::kExitInvalidInput);
  EXPECT_TRUE(std::get<Failure>(unknown).message.contains(QStringLiteral("no-such-model")));
  EXPECT_TRUE(std::get<Failure>(unknown).message.contains(attn::test::kDemoModel));
  EXPECT_TRUE(std::holds_alternative<attn::cli::OpenWindow>(parse({"--model", "/no/such/dir"})));
}

TEST(CommandLine, InvalidUtf8IsInvalidInputNamingTheOption) {
  const char* argv[] = {"attnviz", "--source", "ab\xff", "--export", "out"};
  const std::optional<Failure> failure = attn::cli::find_invalid_utf8_argument(5, argv);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->exit_code, attn::cli::kExitInvalidInput);
  EXPECT_TRUE(failure->message.contains(QStringLiteral("--source")))
      << failure->message.toStdString();
  EXPECT_TRUE(failure->message.contains(QStringLiteral("byte 2")))
      << failure->message.toStdString();
  const char* equals[] = {"attnviz", "--target=\xc3("};
  const std::optional<Failure> second = attn::cli::find_invalid_utf8_argument(2, equals);
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->message.startsWith(QStringLiteral("--target")))
      << second->message.toStdString();
  const char* fine[] = {"attnviz", "--source", "我爱你"};
  EXPECT_FALSE(attn::cli::find_invalid_utf8_argument(3, fine).has_value());
}

}  // namespace
