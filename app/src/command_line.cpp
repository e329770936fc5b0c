#include "attn_cli/command_line.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <cmath>

#include "attn/attention/masking.h"
#include "attn/examples.h"
#include "attn/io/trace_export.h"
#include "attn/text/utf8.h"
#include "attn/validation.h"

namespace attn::cli {
namespace {

// Options, in the order --help lists them.
const QString kSource = QStringLiteral("source");
const QString kTarget = QStringLiteral("target");
const QString kMode = QStringLiteral("mode");
const QString kHeads = QStringLiteral("heads");
const QString kDModel = QStringLiteral("d-model");
const QString kSeed = QStringLiteral("seed");
const QString kScore = QStringLiteral("score");
const QString kMask = QStringLiteral("mask");
const QString kTemperature = QStringLiteral("temperature");
const QString kPositions = QStringLiteral("positions");
const QString kExample = QStringLiteral("example");
const QString kSession = QStringLiteral("session");
const QString kListExamples = QStringLiteral("list-examples");
const QString kListModels = QStringLiteral("list-models");
const QString kExport = QStringLiteral("export");
const QString kFormat = QStringLiteral("format");
const QString kSize = QStringLiteral("size");
const QString kScale = QStringLiteral("scale");
const QString kView = QStringLiteral("view");
const QString kModel = QStringLiteral("model");
const QString kTokenizer = QStringLiteral("tokenizer");
const QString kLayer = QStringLiteral("layer");
const QString kTranslate = QStringLiteral("translate");
const QString kMaxTokens = QStringLiteral("max-tokens");

constexpr int kMinSide = 100;
constexpr int kMaxSide = 8000;     // as in the Export image dialog
constexpr double kMinScale = 0.1;  // the smallest layout (100 × 100) still gives 10 × 10 pixels
constexpr double kMaxScale = 8.0;
constexpr int kMaxPixelsPerSide = 16384;

constexpr qint64 kMaxMaskFileBytes = qint64(64) << 20;  // a 4096 × 4096 mask is 32 MB

Failure bad_argument(const QString& option, const QString& value, const QString& allowed) {
  return {kExitBadArguments, QStringLiteral("--%1 \"%2\": %3").arg(option, value, allowed)};
}

std::optional<int> parse_int(const QString& text, int low, int high) {
  bool ok = false;
  const int value = text.toInt(&ok);
  if (!ok || value < low || value > high) return std::nullopt;
  return value;
}

// "none", "causal", "padding:2,5" or "custom:FILE" (FILE read whole, at most kMaxMaskFileBytes).
attn::Expected<attn::MaskSpec> parse_mask_option(const QString& text) {
  const auto refuse = [](const QString& why) {
    return attn::Error{attn::InputField::Mask, why.toStdString()};
  };
  const QString kind = text.section(QLatin1Char(':'), 0, 0);
  const QString rest = text.section(QLatin1Char(':'), 1);
  const bool has_rest = text.contains(QLatin1Char(':'));
  if (!has_rest && (kind == QLatin1String("none") || kind == QLatin1String("causal")))
    return attn::MaskSpec{*attn::parse_mask_kind(kind.toStdString()), {}, {}};
  if (kind == QLatin1String("padding") && has_rest) {
    attn::Expected<std::vector<int>> keys = attn::parse_key_positions(rest.toStdString());
    if (!keys) return keys.error();
    return attn::MaskSpec{attn::MaskKind::Padding, std::move(keys).value(), {}};
  }
  if (kind == QLatin1String("custom") && has_rest && !rest.isEmpty()) {
    QFile file(rest);
    if (!file.open(QIODevice::ReadOnly))
      return refuse(
          QStringLiteral("cannot read the mask file %1: %2").arg(rest, file.errorString()));
    const QByteArray bytes = file.read(kMaxMaskFileBytes + 1);
    if (bytes.size() > kMaxMaskFileBytes)
      return refuse(QStringLiteral("the mask file %1 is larger than %2 MB")
                        .arg(rest)
                        .arg(kMaxMaskFileBytes >> 20));
    attn::Expected<attn::MaskSpec> mask =
        attn::parse_mask_rows(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    if (!mask)
      return refuse(
          QStringLiteral("%1: %2").arg(rest, QString::fromStdString(mask.error().message)));
    return mask;
  }
  return refuse(
      QStringLiteral("choose none, causal, padding:K,K,… (1-based key positions) or "
                     "custom:FILE"));
}

QString temperature_range() {
  return QStringLiteral(
             "a number greater than 0 that a float holds, from %1 to %2, such as 0.5 "
             "or 2")
      .arg(attn::kMinTemperature, 0, 'g', 6)
      .arg(attn::kMaxTemperature, 0, 'g', 6);
}

QString names_of_formats() { return QStringLiteral("png, svg, pdf, jpg, csv, json"); }

std::optional<OutputFormat> parse_format(const QString& name) {
  static const QList<QPair<QString, OutputFormat>> kFormats = {
      {QStringLiteral("png"), OutputFormat::Png},  {QStringLiteral("svg"), OutputFormat::Svg},
      {QStringLiteral("pdf"), OutputFormat::Pdf},  {QStringLiteral("jpg"), OutputFormat::Jpg},
      {QStringLiteral("jpeg"), OutputFormat::Jpg}, {QStringLiteral("csv"), OutputFormat::Csv},
      {QStringLiteral("json"), OutputFormat::Json}};
  for (const auto& [text, format] : kFormats) {
    if (name.compare(text, Qt::CaseInsensitive) == 0) return format;
  }
  return std::nullopt;
}

QString example_names() {
  QStringList names;
  for (const attn::Example& example : attn::builtin_examples())
    names.append(QString::fromUtf8(example.name.data(), qsizetype(example.name.size())));
  return names.join(QStringLiteral(", "));
}

// The option a raw argument belongs to: itself when it is "--name=value", else the one before.
QString option_of_argument(int index, const char* const* argv) {
  const QString self = QString::fromLatin1(argv[index]);
  if (self.startsWith(QLatin1String("--")) && self.contains(QLatin1Char('=')))
    return self.section(QLatin1Char('='), 0, 0);
  if (index > 1 && QString::fromLatin1(argv[index - 1]).startsWith(QLatin1String("--")))
    return QString::fromLatin1(argv[index - 1]);
  return QStringLiteral("argument %1").arg(index);
}

}  // namespace

bool ScenarioOverrides::any() const {
  return session || example || source || target || mode || heads || d_model || seed || score ||
         mask || temperature || positions;
}

attn::Scenario ScenarioOverrides::applyTo(attn::Scenario s) const {
  if (session) s = session->scenario;
  if (example) {
    if (const attn::Example* e = attn::find_example(*example)) {
      s.source = e->scenario.source;
      s.target = e->scenario.target;
      s.config.mode = e->scenario.config.mode;
    }
  }
  if (source) s.source = *source;
  if (target) s.target = *target;
  if (mode) s.config.mode = *mode;
  if (heads) s.config.heads = *heads;
  if (d_model) s.config.d_model = *d_model;
  if (seed) s.config.seed = *seed;
  if (score) s.config.score = *score;
  if (mask) s.config.mask = *mask;
  if (temperature) s.config.temperature = *temperature;
  if (positions) s.config.positions = *positions;
  return s;
}

QString option_for_field(attn::InputField field) {
  switch (field) {
    case attn::InputField::Source:
      return QStringLiteral("--source");
    case attn::InputField::Target:
      return QStringLiteral("--target");
    case attn::InputField::Mode:
      return QStringLiteral("--mode");
    case attn::InputField::Heads:
      return QStringLiteral("--heads");
    case attn::InputField::DModel:
      return QStringLiteral("--d-model");
    case attn::InputField::Seed:
      return QStringLiteral("--seed");
    case attn::InputField::Score:
      return QStringLiteral("--score");
    case attn::InputField::Mask:
      return QStringLiteral("--mask");
    case attn::InputField::Temperature:
      return QStringLiteral("--temperature");
    case attn::InputField::Model:
      return QStringLiteral("--model");
    case attn::InputField::Layer:
      return QStringLiteral("--layer");
    case attn::InputField::Other:
      break;
  }
  return QStringLiteral("input");
}

QString ScenarioOverrides::originOf(attn::InputField field) const {
  using attn::InputField;
  const bool from_example = example && (field == InputField::Source ||
                                        field == InputField::Target || field == InputField::Mode);
  const bool given =
      from_example || (field == InputField::Source && source) ||
      (field == InputField::Target && target) || (field == InputField::Mode && mode) ||
      (field == InputField::Heads && heads) || (field == InputField::DModel && d_model) ||
      (field == InputField::Seed && seed) || (field == InputField::Score && score) ||
      (field == InputField::Mask && mask) || (field == InputField::Temperature && temperature);
  if (given || !session || field == InputField::Other) return option_for_field(field);
  // The session's member has the option's name without "--", and d_model its underscore.
  QString member = option_for_field(field).mid(2);
  member.replace(QLatin1Char('-'), QLatin1Char('_'));
  return QStringLiteral("session file %1, \"%2\"")
      .arg(QDir::toNativeSeparators(session_path), member);
}

CommandLine::CommandLine() {
  parser_.setApplicationDescription(QStringLiteral(
      "See every attention head's weights for the sentences you type.\n\n"
      "Without --export, opens the window (with the given settings, if any).\n"
      "With --export DIR, computes, writes the files into DIR and exits; no display is needed.\n"
      "Defaults are the window's defaults: the first example, multihead, 4 heads, d_model 64.\n\n"
      "Exit codes: 0 success; 2 bad arguments; 3 invalid input (e.g. an empty text, heads not "
      "dividing d_model); 4 cannot write."));
  parser_.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
  parser_.addHelpOption();
  parser_.addVersionOption();
  const auto add = [this](const QString& name, const QString& description,
                          const QString& value = {}) {
    parser_.addOption(QCommandLineOption(name, description, value));
  };
  add(kSource,
      QStringLiteral("The text to attend over (the keys; also the queries unless "
                     "--mode cross)."),
      QStringLiteral("TEXT"));
  add(kTarget, QStringLiteral("Cross mode: the text whose tokens are the queries."),
      QStringLiteral("TEXT"));
  add(kMode, QStringLiteral("self | multihead | cross (default: multihead)."),
      QStringLiteral("MODE"));
  add(kHeads,
      QStringLiteral("Number of heads, 1–%1, dividing --d-model (default: 4).").arg(kMaxHeads),
      QStringLiteral("H"));
  add(kDModel, QStringLiteral("Width of token vectors, 1–%1 (default: 64).").arg(kMaxDModel),
      QStringLiteral("D"));
  add(kSeed, QStringLiteral("Seed of the toy model's weights, 0–2^64−1 (default: 0)."),
      QStringLiteral("S"));
  add(kScore,
      QStringLiteral("scaled_dot | dot | additive | general | cosine (default: scaled_dot)."),
      QStringLiteral("FUNCTION"));
  add(kMask,
      QStringLiteral("none | causal | padding:K,K,… (hide those keys from every query; "
                     "1-based token positions) | custom:FILE (one line per query of 0 and 1, "
                     "one per key, 1 = visible) (default: none)."),
      QStringLiteral("MASK"));
  add(kTemperature,
      QStringLiteral("Scores are divided by T, a number > 0 that a float holds, %1 to %2 "
                     "(default: 1).")
          .arg(attn::kMinTemperature, 0, 'g', 3)
          .arg(attn::kMaxTemperature, 0, 'g', 3),
      QStringLiteral("T"));
  add(kPositions, QStringLiteral("on | off: add sinusoidal positions (default: on)."),
      QStringLiteral("on|off"));
  add(kModel,
      QStringLiteral("Compute with a real checkpoint instead of the toy model: the name of a "
                     "model attnviz ships (see --list-models; it opens on its example sentence "
                     "and layer unless --source and --layer say otherwise), a Hugging Face "
                     "folder (config.json, model.safetensors or its shards, tokenizer files; "
                     "model_type gpt2, bert, llama, mistral, qwen2 or marian) or a llama2.c "
                     ".bin. --source is the text (BERT: sentence A, --target sentence B; "
                     "Marian translation models: --source is translated, --target is the "
                     "translation, teacher-forced, or see --translate); the toy "
                     "settings (--mode, --heads, --d-model, --seed, --score, --mask, "
                     "--temperature, --positions) do not apply. A model that cannot be opened "
                     "exits 3 with the path and the problem."),
      QStringLiteral("NAME|PATH"));
  add(kTokenizer,
      QStringLiteral("With a llama2.c --model: its tokenizer.bin (default: tokenizer.bin, or the "
                     "one tok*.bin, beside the model)."),
      QStringLiteral("FILE"));
  add(kLayer,
      QStringLiteral("With --model and --export: the layer the images and CSV files show, "
                     "1-based (default: 1, or the layer a shipped model names); trace.json holds "
                     "every layer."),
      QStringLiteral("N"));
  add(kTranslate,
      QStringLiteral("With a Marian --model: translate --source greedily (the most likely token "
                     "each step) and use the translation as the target; it is printed on "
                     "stderr. Leave out --target."));
  add(kMaxTokens,
      QStringLiteral("With --translate: at most N tokens, 1–4096, the end token included "
                     "(default: 128; never more than the model's positions)."),
      QStringLiteral("N"));
  add(kExample,
      QStringLiteral("Start from a built-in example's texts and mode; other options override "
                     "it. One of: %1.")
          .arg(example_names()),
      QStringLiteral("NAME"));
  add(kSession,
      QStringLiteral("Start from a session saved by the window (.attnviz): its texts, settings, "
                     "colour scale and cell values; other options override it. At most 4 MB "
                     "are read, from a file or a pipe."),
      QStringLiteral("FILE"));
  add(kListExamples, QStringLiteral("Print the built-in examples and exit."));
  add(kListModels, QStringLiteral("Print the models attnviz ships (for --model NAME) and exit."));
  add(kExport,
      QStringLiteral("Write files into DIR (created if missing) without a window, then exit."),
      QStringLiteral("DIR"));
  add(kFormat,
      QStringLiteral("Comma-separated: %1 (default: png). Images are grid.*, mean.* or "
                     "head_N.* by --view; csv gives head_N.csv and mean.csv; json gives "
                     "trace.json, about %2 bytes per number: (5·n_q + 3·n_k)·d_model + "
                     "2·h·n_q·n_k + 4·d_model² numbers (one token at d_model 4096 is 67 "
                     "million, 940 MB). json over %3 million numbers is refused (exit 3). "
                     "Images of more than 512 tokens are drawn at their pixel size, each pixel "
                     "the mean of the weights it covers.")
          .arg(names_of_formats())
          .arg(attn::kTraceJsonBytesPerNumber)
          .arg(double(attn::kMaxTraceJsonNumbers) / 1e6, 0, 'g', 3),
      QStringLiteral("LIST"));
  add(kSize,
      QStringLiteral("Layout size WxH, each %1–%2 (default: %3x%4 for the grid, %5x%6 for one "
                     "panel). SVG and PDF pages have this size.")
          .arg(kMinSide)
          .arg(kMaxSide)
          .arg(kDefaultGridSize.width())
          .arg(kDefaultGridSize.height())
          .arg(kDefaultSingleSize.width())
          .arg(kDefaultSingleSize.height()),
      QStringLiteral("WxH"));
  add(kScale,
      QStringLiteral("PNG and JPEG pixels per layout pixel, a number from %1 to %2 (default: 1).")
          .arg(kMinScale)
          .arg(kMaxScale),
      QStringLiteral("K"));
  add(kView,
      QStringLiteral("grid (every head and the mean) | mean | head:N (1-based) | model (every "
                     "layer's heads, layers down) | rollout (attention rollout through --layer, "
                     "default the last) (default: grid)."),
      QStringLiteral("VIEW"));
}

Command CommandLine::parse(const QStringList& arguments) {
  if (!parser_.parse(arguments)) {
    return Failure{kExitBadArguments, parser_.errorText() + QStringLiteral(" See attnviz --help.")};
  }
  if (parser_.isSet(QStringLiteral("help")) || parser_.isSet(QStringLiteral("help-all")))
    return ShowHelp{};
  if (parser_.isSet(QStringLiteral("version"))) return ShowVersion{};
  if (!parser_.positionalArguments().isEmpty()) {
    return Failure{kExitBadArguments,
                   QStringLiteral("unexpected argument \"%1\"; texts go after --source or "
                                  "--target. See attnviz --help.")
                       .arg(parser_.positionalArguments().first())};
  }
  if (parser_.isSet(kListExamples)) return ListExamples{};
  if (parser_.isSet(kListModels)) return ListModels{};

  ScenarioOverrides overrides;
  if (std::optional<Failure> failure = parseScenario(&overrides)) return *failure;
  ModelChoice model;
  if (std::optional<Failure> failure = parseModel(&model)) return *failure;
  if (!parser_.isSet(kExport)) {
    for (const QString& name : {kFormat, kSize, kScale, kView, kLayer}) {
      if (parser_.isSet(name))
        return Failure{kExitBadArguments, QStringLiteral("--%1 needs --export DIR").arg(name)};
    }
    if (model.shipped) applyShippedDefaults(*model.shipped, &overrides, nullptr);
    return OpenWindow{overrides, model};
  }
  ExportRequest request;
  request.model = model;
  if (std::optional<Failure> failure = parseExport(&request)) return *failure;
  if (model.shipped) applyShippedDefaults(*model.shipped, &overrides, &request);
  if (overrides.session) request.view_options = overrides.session->view;
  return RunExport{overrides, request};
}

std::optional<Failure> CommandLine::parseScenario(ScenarioOverrides* out) const {
  const auto value = [this](const QString& name) { return parser_.value(name); };
  if (parser_.isSet(kSession)) {
    attn::ui::Session session;
    const attn::ui::ExportOutcome loaded = attn::ui::load_session_file(value(kSession), &session);
    if (!loaded.ok)
      return Failure{kExitInvalidInput, QStringLiteral("--session: ") + loaded.message};
    out->session = session;
    out->session_path = value(kSession);
  }
  if (parser_.isSet(kExample)) {
    if (!attn::find_example(value(kExample).toStdString()))
      return bad_argument(kExample, value(kExample),
                          QStringLiteral("no such example; choose one of ") + example_names());
    out->example = value(kExample).toStdString();
  }
  if (parser_.isSet(kSource)) out->source = value(kSource).toStdString();
  if (parser_.isSet(kTarget)) out->target = value(kTarget).toStdString();
  if (parser_.isSet(kMode)) {
    out->mode = attn::parse_mode(value(kMode).toStdString());
    if (!out->mode)
      return bad_argument(kMode, value(kMode), QStringLiteral("choose self, multihead or cross"));
  }
  if (parser_.isSet(kHeads)) {
    out->heads = parse_int(value(kHeads), 1, attn::kMaxHeads);
    if (!out->heads)
      return bad_argument(kHeads, value(kHeads),
                          QStringLiteral("a whole number from 1 to %1").arg(attn::kMaxHeads));
  }
  if (parser_.isSet(kDModel)) {
    out->d_model = parse_int(value(kDModel), 1, attn::kMaxDModel);
    if (!out->d_model)
      return bad_argument(kDModel, value(kDModel),
                          QStringLiteral("a whole number from 1 to %1").arg(attn::kMaxDModel));
  }
  if (parser_.isSet(kSeed)) {
    bool ok = false;
    const qulonglong seed = value(kSeed).toULongLong(&ok);
    if (!ok || value(kSeed).startsWith(QLatin1Char('-')))
      return bad_argument(kSeed, value(kSeed),
                          QStringLiteral("a whole number from 0 to 18446744073709551615"));
    out->seed = seed;
  }
  if (parser_.isSet(kScore)) {
    out->score = attn::parse_score_function(value(kScore).toStdString());
    if (!out->score)
      return bad_argument(kScore, value(kScore),
                          QStringLiteral("choose scaled_dot, dot, additive, general or cosine"));
  }
  if (parser_.isSet(kMask)) {
    attn::Expected<attn::MaskSpec> mask = parse_mask_option(value(kMask));
    if (!mask)
      return bad_argument(kMask, value(kMask), QString::fromStdString(mask.error().message));
    out->mask = std::move(mask).value();
  }
  if (parser_.isSet(kTemperature)) {
    bool ok = false;
    const double t = value(kTemperature).toDouble(&ok);
    // Checked as the float it is stored as: 1e-46 would become 0 and 1e39 infinity.
    if (!ok || !attn::temperature_in_range(t))
      return bad_argument(kTemperature, value(kTemperature), temperature_range());
    out->temperature = static_cast<float>(t);
  }
  if (parser_.isSet(kPositions)) {
    const QString on_off = value(kPositions).toLower();
    if (on_off != QLatin1String("on") && on_off != QLatin1String("off"))
      return bad_argument(kPositions, value(kPositions), QStringLiteral("choose on or off"));
    out->positions = on_off == QLatin1String("on");
  }
  return std::nullopt;
}

std::optional<Failure> CommandLine::parseModel(ModelChoice* out) const {
  if (parser_.isSet(kTokenizer) && !parser_.isSet(kModel)) {
    return Failure{kExitBadArguments, QStringLiteral("--tokenizer needs --model PATH")};
  }
  if (parser_.isSet(kLayer) && !parser_.isSet(kModel)) {
    return Failure{kExitBadArguments,
                   QStringLiteral("--layer needs --model PATH (the toy model has one layer)")};
  }
  if (parser_.isSet(kTranslate) && !parser_.isSet(kModel)) {
    return Failure{kExitBadArguments,
                   QStringLiteral("--translate needs --model PATH (a Marian translation model)")};
  }
  if (parser_.isSet(kMaxTokens) && !parser_.isSet(kTranslate)) {
    return Failure{kExitBadArguments, QStringLiteral("--max-tokens needs --translate")};
  }
  if (!parser_.isSet(kModel)) return std::nullopt;
  out->path = parser_.value(kModel);
  if (out->path.isEmpty())
    return bad_argument(kModel, out->path, QStringLiteral("give a path or a model's name"));
  const std::string named = out->path.toStdString();
  const std::vector<std::string> roots = attn::shipped_model_roots();
  if (!QFileInfo::exists(out->path)) {
    out->shipped = attn::find_shipped_model(named, roots);
    // A bare word that is neither a file nor a shipped model: say which names there are.
    if (!out->shipped && !out->path.contains(QLatin1Char('/'))) {
      return Failure{kExitInvalidInput,
                     QStringLiteral("invalid input: --model: \"%1\" is neither a file or folder "
                                    "nor a model attnviz ships (%2)")
                         .arg(out->path, QString::fromStdString(attn::shipped_model_names(roots)))};
    }
    if (out->shipped) out->path = QString::fromStdString(out->shipped->folder);
  }
  out->tokenizer_path = parser_.value(kTokenizer);
  out->translate = parser_.isSet(kTranslate);
  if (out->translate && parser_.isSet(kTarget)) {
    return Failure{kExitBadArguments,
                   QStringLiteral("--translate writes the target itself: leave out --target")};
  }
  if (parser_.isSet(kMaxTokens)) {
    const std::optional<int> max_tokens = parse_int(parser_.value(kMaxTokens), 1, 4096);
    if (!max_tokens) {
      return bad_argument(kMaxTokens, parser_.value(kMaxTokens),
                          QStringLiteral("a whole number from 1 to 4096"));
    }
    out->max_tokens = *max_tokens;
  }
  return std::nullopt;
}

void CommandLine::applyShippedDefaults(const attn::ShippedModel& shipped,
                                       ScenarioOverrides* overrides, ExportRequest* request) const {
  const bool texts_given = overrides->source || overrides->target || overrides->example ||
                           overrides->session.has_value();
  if (!texts_given) {
    overrides->source = shipped.example.source;
    overrides->target = shipped.example.target;
    if (!shipped.example.target.empty() && !overrides->mode) overrides->mode = attn::Mode::Cross;
  }
  if (request != nullptr && !request->layer) request->layer = shipped.focus_layer + 1;
}

std::optional<Failure> CommandLine::parseExport(ExportRequest* out) const {
  if (parser_.isSet(kLayer)) {
    out->layer = parse_int(parser_.value(kLayer), 1, 100000);
    if (!out->layer) {
      return bad_argument(kLayer, parser_.value(kLayer),
                          QStringLiteral("a layer number from 1 to the model's layer count"));
    }
  }
  out->directory = parser_.value(kExport);
  if (out->directory.isEmpty())
    return bad_argument(kExport, out->directory, QStringLiteral("give the folder to write into"));

  if (parser_.isSet(kFormat)) {
    out->formats.clear();
    for (const QString& name : parser_.value(kFormat).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
      const std::optional<OutputFormat> format = parse_format(name.trimmed());
      if (!format)
        return bad_argument(kFormat, name.trimmed(),
                            QStringLiteral("choose from ") + names_of_formats());
      out->formats.insert(*format);
    }
    if (out->formats.empty())
      return bad_argument(kFormat, parser_.value(kFormat),
                          QStringLiteral("list one or more of ") + names_of_formats());
  }

  if (parser_.isSet(kView)) {
    const QString view = parser_.value(kView).toLower();
    static const QRegularExpression head_pattern(QStringLiteral("^head:(\\d+)$"));
    const QRegularExpressionMatch head = head_pattern.match(view);
    if (view == QLatin1String("grid")) {
      out->view.kind = FigureView::Kind::Grid;
    } else if (view == QLatin1String("mean")) {
      out->view.kind = FigureView::Kind::Mean;
    } else if (view == QLatin1String("model")) {
      out->view.kind = FigureView::Kind::Model;
    } else if (view == QLatin1String("rollout")) {
      out->view.kind = FigureView::Kind::Rollout;
    } else if (head.hasMatch() && parse_int(head.captured(1), 1, attn::kMaxHeads)) {
      out->view = {FigureView::Kind::Head, head.captured(1).toInt()};
    } else {
      return bad_argument(kView, parser_.value(kView),
                          QStringLiteral("choose grid, mean, head:N with N from 1 to the "
                                         "number of heads, model or rollout"));
    }
  }

  if (parser_.isSet(kSize)) {
    static const QRegularExpression size_pattern(QStringLiteral("^(\\d+)[xX×](\\d+)$"));
    const QRegularExpressionMatch match = size_pattern.match(parser_.value(kSize).trimmed());
    const std::optional<int> width =
        match.hasMatch() ? parse_int(match.captured(1), kMinSide, kMaxSide) : std::nullopt;
    const std::optional<int> height =
        match.hasMatch() ? parse_int(match.captured(2), kMinSide, kMaxSide) : std::nullopt;
    if (!width || !height)
      return bad_argument(kSize, parser_.value(kSize),
                          QStringLiteral("WxH such as 1600x1000, each side from %1 to %2")
                              .arg(kMinSide)
                              .arg(kMaxSide));
    out->size = QSize(*width, *height);
  }
  if (parser_.isSet(kScale)) {
    bool ok = false;
    const double scale = parser_.value(kScale).toDouble(&ok);
    const QString allowed =
        QStringLiteral("at least %1 and at most %2").arg(kMinScale).arg(kMaxScale);
    if (!ok || !std::isfinite(scale))
      return bad_argument(kScale, parser_.value(kScale),
                          QStringLiteral("a number, %1, such as 2").arg(allowed));
    if (scale < kMinScale)
      return bad_argument(kScale, parser_.value(kScale),
                          QStringLiteral("too small; give %1").arg(allowed));
    if (scale > kMaxScale)
      return bad_argument(kScale, parser_.value(kScale),
                          QStringLiteral("too large; give %1").arg(allowed));
    out->scale = scale;
  }
  const bool wide =
      out->view.kind == FigureView::Kind::Grid || out->view.kind == FigureView::Kind::Model;
  const QSize size = out->size.isValid() ? out->size : wide ? kDefaultGridSize : kDefaultSingleSize;
  const int widest = qRound(std::max(size.width(), size.height()) * out->scale);
  if (widest > kMaxPixelsPerSide) {
    return Failure{kExitBadArguments,
                   QStringLiteral("--size %1x%2 at --scale %3 gives %4 pixels on a side; at most "
                                  "%5 are allowed")
                       .arg(size.width())
                       .arg(size.height())
                       .arg(out->scale)
                       .arg(widest)
                       .arg(kMaxPixelsPerSide)};
  }
  return std::nullopt;
}

std::optional<Failure> find_invalid_utf8_argument(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const attn::Utf8Decoding decoding = attn::decode_utf8(argv[i]);
    if (!decoding.valid) {
      return Failure{kExitInvalidInput, QStringLiteral("%1: the text is not valid UTF-8 (%2)")
                                            .arg(option_of_argument(i, argv),
                                                 QString::fromStdString(decoding.problem))};
    }
  }
  return std::nullopt;
}

}  // namespace attn::cli
