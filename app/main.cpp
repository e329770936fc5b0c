// attnviz — type sentences, choose self / multi-head / cross attention and a head count, and see
// every head's attention weights as heatmaps.
//
//   attnviz                          the window, with the inputs of the last session
//   attnviz --example NAME …         the window on a built-in example and/or given settings
//   attnviz --export DIR …           no window: write images and data into DIR, then exit
//   attnviz --help                   every option with its allowed values, and the exit codes
#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <cstdio>
#include <cstdlib>

#include "attn/allocator_tuning.h"
#include "attn/examples.h"
#include "attn/models/model_loader.h"
#include "attn/models/shipped_models.h"
#include "attn_cli/batch_export.h"
#include "attn_cli/command_line.h"
#include "attn_ui/language.h"
#include "attn_ui/main_window.h"
#include "attn_ui/settings_panel.h"

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void set_application_identity() {
  QCoreApplication::setOrganizationName(QStringLiteral("attnviz"));
  QCoreApplication::setApplicationName(QStringLiteral("attnviz"));
  QCoreApplication::setApplicationVersion(QStringLiteral(ATTNVIZ_VERSION));
}

int fail(const attn::cli::Failure& failure) {
  std::fprintf(stderr, "attnviz: %s\n", failure.message.toLocal8Bit().constData());
  return failure.exit_code;
}

// Name, title and summary of each shipped model, and the folder it was found in.
int list_models() {
  const std::vector<std::string> roots = attn::shipped_model_roots();
  const std::vector<attn::ShippedModel> models = attn::list_shipped_models(roots);
  if (models.empty()) {
    std::string where;
    for (const std::string& root : roots) where += (where.empty() ? "" : ", ") + root;
    std::fprintf(stderr, "attnviz: no shipped models found (looked in %s)\n", where.c_str());
    return attn::cli::kExitSuccess;
  }
  for (const attn::ShippedModel& m : models) {
    std::printf("%-16s %s: %s\n%-16s %s\n", m.name.c_str(), m.title.c_str(), m.summary.c_str(), "",
                m.folder.c_str());
  }
  return attn::cli::kExitSuccess;
}

int list_examples() {
  for (const attn::Example& e : attn::builtin_examples()) {
    std::printf("%-12s %s\n", std::string(e.name).c_str(), std::string(e.description).c_str());
  }
  return attn::cli::kExitSuccess;
}

// Qt's warning that XDG_RUNTIME_DIR is unset (usual in CI and cron) is noise for a batch job;
// every other message still reaches stderr.
void quiet_runtime_dir_warning(QtMsgType type, const QMessageLogContext& context,
                               const QString& message) {
  if (message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR"))) return;
  std::fprintf(stderr, "%s\n", qFormatLogMessage(type, context, message).toLocal8Bit().constData());
}

int run_export(int argc, char** argv, const attn::cli::RunExport& command) {
  // A headless export never shows a window, so it needs no display.
  qputenv("QT_QPA_PLATFORM", "offscreen");
  qInstallMessageHandler(quiet_runtime_dir_warning);
  QApplication app(argc, argv);
  const attn::Scenario scenario =
      command.overrides.applyTo(attn::builtin_examples().front().scenario);
  // A refused value is named where it came from: an option, or the session file's member.
  const attn::cli::ExportResult result = attn::cli::run_export(
      scenario, command.request,
      [&](attn::InputField field) { return command.overrides.originOf(field); });
  if (result.exit_code != attn::cli::kExitSuccess) return fail({result.exit_code, result.message});
  if (command.request.model.translate) {
    std::fprintf(stderr, "attnviz: translation: %s\n",
                 result.translation.toLocal8Bit().constData());
  }
  for (const QString& path : result.written) std::printf("%s\n", path.toLocal8Bit().constData());
  return attn::cli::kExitSuccess;
}

int open_window(int argc, char** argv, const attn::cli::OpenWindow& command) {
  std::shared_ptr<const attn::TransformerModel> model;
  if (command.model.any()) {
    attn::Expected<std::shared_ptr<const attn::TransformerModel>> loaded = attn::load_model(
        command.model.path.toStdString(), command.model.tokenizer_path.toStdString());
    if (!loaded) {
      return fail(
          {attn::cli::kExitInvalidInput, QStringLiteral("invalid input: --model: %1")
                                             .arg(QString::fromStdString(loaded.error().message))});
    }
    model = loaded.value();
  }
  QApplication app(argc, argv);
  QApplication::setDesktopFileName(QStringLiteral("attnviz"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/attnviz/icons/attnviz.svg")));
  QSettings settings;
  // The interface follows the system's language unless one was chosen in View ▸ Language.
  attn::ui::install_language(attn::ui::startup_language(settings));
  const bool first_start = attn::ui::MainWindow::isFirstStart(settings);
  attn::ui::MainWindow window(&settings);
  if (command.overrides.session) window.applySession(*command.overrides.session);
  // A class sees a trained model's pronoun head first; the toy model is one menu away.
  if (first_start && !model && !command.overrides.any())
    window.openShippedModel(QString::fromLatin1(attn::ui::MainWindow::kFirstStartModel));
  if (model) window.useModel(model);
  if (command.model.shipped)
    window.focusWhenComputed(command.model.shipped->focus_layer, command.model.shipped->focus_head);
  if (command.overrides.any()) {
    attn::ui::SettingsPanel* panel = window.settingsPanel();
    panel->setScenario(command.overrides.applyTo(panel->scenario()));
  }
  window.show();
  return QApplication::exec();
}

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();
  set_application_identity();
  if (std::optional<attn::cli::Failure> bad = attn::cli::find_invalid_utf8_argument(argc, argv))
    return fail(*bad);

  QStringList arguments;
  for (int i = 0; i < argc; ++i) arguments.append(QString::fromUtf8(argv[i]));
  attn::cli::CommandLine command_line;
  const attn::cli::Command command = command_line.parse(arguments);

  return std::visit(
      Overloaded{
          [&](const attn::cli::ShowHelp&) -> int {
            QCoreApplication app(argc, argv);
            std::printf("%s", command_line.helpText().toLocal8Bit().constData());
            return attn::cli::kExitSuccess;
          },
          [&](const attn::cli::ShowVersion&) -> int {
            std::printf("attnviz %s\n", ATTNVIZ_VERSION);
            return attn::cli::kExitSuccess;
          },
          [&](const attn::cli::ListExamples&) -> int { return list_examples(); },
          [&](const attn::cli::ListModels&) -> int { return list_models(); },
          [&](const attn::cli::Failure& failure) -> int { return fail(failure); },
          [&](const attn::cli::RunExport& run) -> int { return run_export(argc, argv, run); },
          [&](const attn::cli::OpenWindow& open) -> int { return open_window(argc, argv, open); },
      },
      command);
}
