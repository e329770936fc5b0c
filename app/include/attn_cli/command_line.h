#pragma once

#include <QCommandLineParser>
#include <QSize>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <set>
#include <variant>

#include "attn/config.h"
#include "attn/expected.h"
#include "attn/models/shipped_models.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/session_file.h"

namespace attn::cli {

/// What the process returns, as documented in --help.
enum ExitCode : int {
  kExitSuccess = 0,
  kExitBadArguments = 2,  ///< an unknown option, a malformed or out-of-range value
  kExitInvalidInput = 3,  ///< the inputs cannot be computed (empty text, heads ∤ d_model, …)
  kExitCannotWrite = 4,   ///< a file or folder could not be written
};

/// A message for stderr and the exit code that goes with it.
struct Failure {
  int exit_code = kExitBadArguments;
  QString message;
};

/// The settings given on the command line; each one replaces the same setting of a base
/// scenario (the GUI's defaults for an export, the window's last inputs otherwise).
struct ScenarioOverrides {
  std::optional<attn::ui::Session> session;  ///< --session FILE: applied first, whole
  QString session_path;                      ///< the FILE of --session
  std::optional<std::string> example;        ///< its texts and mode, applied before the rest
  std::optional<std::string> source;
  std::optional<std::string> target;
  std::optional<attn::Mode> mode;
  std::optional<int> heads;
  std::optional<int> d_model;
  std::optional<std::uint64_t> seed;
  std::optional<attn::ScoreFunction> score;
  std::optional<attn::MaskSpec> mask;  ///< none, causal, padding:2,5 or custom:FILE
  std::optional<float> temperature;
  std::optional<bool> positions;

  bool any() const;
  /// `base` with these settings applied; `example` must name a built-in example.
  attn::Scenario applyTo(attn::Scenario base) const;
  /// Where the value of `field` came from, for a message about it: its option when given on
  /// the command line ("--heads"), else the session file and its member
  /// ("session file lesson.attnviz, \"heads\""), else the option that would set it.
  QString originOf(attn::InputField field) const;
};

/// The command-line option that sets `field`, e.g. "--heads".
QString option_for_field(attn::InputField field);

/// Which figure the images show: every head, the mean, or one head.
struct FigureView {
  /// Model: every layer's heads (the window's model view); Rollout: attention rollout through
  /// --layer (default: the last layer).
  enum class Kind { Grid, Mean, Head, Model, Rollout } kind = Kind::Grid;
  int head = 0;  ///< Head: 1-based, as in the panel titles
};

/// File kinds --format can ask for.
enum class OutputFormat { Png, Svg, Pdf, Jpg, Csv, Json };

/// A checkpoint to compute with instead of the toy model (--model, --tokenizer).
struct ModelChoice {
  QString path;  ///< a Hugging Face folder or a llama2.c .bin; empty: the toy model
  /// Set when --model named a model attnviz ships ("bert-pronouns"): its card (focus, example).
  std::optional<attn::ShippedModel> shipped;
  QString tokenizer_path;  ///< llama2.c only: its tokenizer.bin when not beside the model
  bool translate = false;  ///< --translate: the target is the model's greedy translation
  int max_tokens = 128;    ///< --max-tokens: at most this many tokens translated
  bool any() const { return !path.isEmpty(); }
};

/// Everything a headless export needs besides the scenario.
struct ExportRequest {
  QString directory;
  ModelChoice model;
  std::optional<int> layer;  ///< --layer: 1-based; empty: the first layer
  std::set<OutputFormat> formats{OutputFormat::Png};
  FigureView view;
  QSize size;  ///< empty: the default for the view (kDefaultGridSize / kDefaultSingleSize)
  double scale = 1.0;
  attn::ui::ViewOptions view_options;  ///< colour scale and cell values (from --session)
};

inline constexpr QSize kDefaultGridSize{1600, 1000};
inline constexpr QSize kDefaultSingleSize{1000, 900};

struct ShowHelp {};
struct ShowVersion {};
struct ListExamples {};
struct ListModels {};
struct OpenWindow {
  ScenarioOverrides overrides;
  ModelChoice model;
};
struct RunExport {
  ScenarioOverrides overrides;
  ExportRequest request;
};
using Command =
    std::variant<ShowHelp, ShowVersion, ListExamples, ListModels, OpenWindow, RunExport, Failure>;

/// attnviz's options (QCommandLineParser). Parsing needs no QApplication, so the program can
/// decide whether it needs a display before creating one.
class CommandLine {
 public:
  CommandLine();
  /// `arguments` includes the program name first, like QCoreApplication::arguments().
  Command parse(const QStringList& arguments);
  /// --help's text; needs a QCoreApplication.
  QString helpText() const { return parser_.helpText(); }

 private:
  std::optional<Failure> parseScenario(ScenarioOverrides* out) const;
  std::optional<Failure> parseExport(ExportRequest* out) const;
  std::optional<Failure> parseModel(ModelChoice* out) const;
  /// A shipped model's example and focus where the command line leaves them open.
  void applyShippedDefaults(const attn::ShippedModel& shipped, ScenarioOverrides* overrides,
                            ExportRequest* request) const;

  QCommandLineParser parser_;
};

/// The index in argv of the first argument that is not valid UTF-8 and a message naming it, or
/// nothing. Qt would silently turn such bytes into U+FFFD.
std::optional<Failure> find_invalid_utf8_argument(int argc, const char* const* argv);

}  // namespace attn::cli
