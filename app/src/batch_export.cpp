#include "attn_cli/batch_export.h"

#include <QDir>
#include <QFileInfo>
#include <filesystem>
#include <memory>
#include <system_error>

#include "attn/io/trace_export.h"
#include "attn/models/model_loader.h"
#include "attn/models/toy_model.h"
#include "attn/text/tokenizer.h"
#include "attn/trace_views.h"
#include "attn/validation.h"
#include "attn_ui/data_export.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/model_grid_view.h"

#include <qcustomplot.h>

namespace attn::cli {
namespace {

std::optional<attn::ui::ImageFormat> image_format(OutputFormat format) {
  switch (format) {
    case OutputFormat::Png:
      return attn::ui::ImageFormat::Png;
    case OutputFormat::Jpg:
      return attn::ui::ImageFormat::Jpeg;
    case OutputFormat::Svg:
      return attn::ui::ImageFormat::Svg;
    case OutputFormat::Pdf:
      return attn::ui::ImageFormat::Pdf;
    case OutputFormat::Csv:
    case OutputFormat::Json:
      return std::nullopt;
  }
  return std::nullopt;
}

// grid.png, mean.png, head_3.png, model.png or rollout.png.
QString image_stem(const FigureView& view) {
  switch (view.kind) {
    case FigureView::Kind::Grid:
      return QStringLiteral("grid");
    case FigureView::Kind::Mean:
      return QStringLiteral("mean");
    case FigureView::Kind::Head:
      return QStringLiteral("head_%1").arg(view.head);
    case FigureView::Kind::Model:
      return QStringLiteral("model");
    case FigureView::Kind::Rollout:
      return QStringLiteral("rollout");
  }
  return {};
}

// Creates `directory` and its parents; an empty string on success, else the reason.
QString make_directory(const QString& directory) {
  const QFileInfo info(directory);
  if (info.exists() && !info.isDir()) return QStringLiteral("a file of that name exists");
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(directory.toStdString()), error);
  if (error) return QString::fromStdString(error.message());
  return {};
}

ExportResult failure(int code, QString message) { return {code, std::move(message), {}, {}}; }

// Query and key token counts, when both texts tokenize (else the run names the problem).
std::optional<std::pair<int, int>> token_counts(const attn::Scenario& scenario) {
  const attn::Expected<std::vector<attn::Token>> source = attn::tokenize(scenario.source);
  if (!source) return std::nullopt;
  const int n_k = int(source->size());
  if (scenario.config.mode != attn::Mode::Cross) return std::make_pair(n_k, n_k);
  const attn::Expected<std::vector<attn::Token>> target = attn::tokenize(scenario.target);
  if (!target) return std::nullopt;
  return std::make_pair(int(target->size()), n_k);
}

// trace.json costs about 14 bytes a number and the d_model² projections dominate at large
// d_model: a request over kMaxTraceJsonNumbers is refused before the model runs.
std::optional<QString> json_too_large(const attn::Scenario& scenario) {
  // Settings or texts the run refuses anyway are left to its own, more precise message.
  if (attn::validate_settings(scenario.config)) return std::nullopt;
  const std::optional<std::pair<int, int>> n = token_counts(scenario);
  if (!n || std::max(n->first, n->second) > attn::kMaxTokens) return std::nullopt;
  const std::uint64_t numbers = attn::trace_json_numbers(scenario.config, n->first, n->second);
  if (numbers <= attn::kMaxTraceJsonNumbers) return std::nullopt;
  return QStringLiteral(
             "trace.json would hold %1 million numbers (about %2 MB) for d_model %3, %4 heads "
             "and %5 × %6 tokens; at most %7 million (about %8 MB) are written. Lower --d-model, "
             "--heads or the number of tokens, or leave json out of --format.")
      .arg(double(numbers) / 1e6, 0, 'f', 1)
      .arg(qRound64(double(numbers) * attn::kTraceJsonBytesPerNumber / 1e6))
      .arg(scenario.config.d_model)
      .arg(scenario.config.effective_heads())
      .arg(n->first)
      .arg(n->second)
      .arg(double(attn::kMaxTraceJsonNumbers) / 1e6, 0, 'g', 3)
      .arg(qRound64(double(attn::kMaxTraceJsonNumbers) * attn::kTraceJsonBytesPerNumber / 1e6));
}

}  // namespace

ExportResult run_export(const attn::Scenario& scenario, const ExportRequest& request,
                        const FieldNamer& name_of) {
  const bool wants_json = request.formats.count(OutputFormat::Json) > 0;
  std::shared_ptr<const attn::AttentionModel> model = std::make_shared<const attn::ToyModel>();
  if (request.model.any()) {
    attn::Expected<std::shared_ptr<const attn::TransformerModel>> loaded = attn::load_model(
        request.model.path.toStdString(), request.model.tokenizer_path.toStdString());
    if (!loaded) {
      return failure(kExitInvalidInput, QStringLiteral("invalid input: --model: %1")
                                            .arg(QString::fromStdString(loaded.error().message)));
    }
    model = loaded.value();
    if (request.model.translate && !loaded.value()->translates()) {
      return failure(kExitInvalidInput,
                     QStringLiteral("invalid input: --translate: %1 is not a translation model "
                                    "(model_type marian)")
                         .arg(QString::fromStdString(loaded.value()->info().name)));
    }
  } else if (wants_json) {
    if (const std::optional<QString> why = json_too_large(scenario))
      return failure(kExitInvalidInput, QStringLiteral("invalid input: ") + *why);
  }
  attn::Scenario input = scenario;
  QString translation;
  if (const auto* real = dynamic_cast<const attn::TransformerModel*>(model.get());
      real != nullptr && real->translates()) {
    input.config.mode = attn::Mode::Cross;  // the images show a decoder layer's cross-attention
    if (request.model.translate) {
      attn::TranslateOptions options;
      options.max_tokens = request.model.max_tokens;
      attn::Expected<attn::Translation> translated = real->translate(scenario.source, options);
      if (!translated) {
        return failure(kExitInvalidInput,
                       QStringLiteral("invalid input: %1: %2")
                           .arg(name_of(translated.error().field),
                                QString::fromStdString(translated.error().message)));
      }
      input.target = translated->text;
      translation = QString::fromStdString(translated->text);
    }
  }
  attn::Expected<attn::Trace> computed = model->run(input);
  if (!computed) {
    return failure(kExitInvalidInput, QStringLiteral("invalid input: %1: %2")
                                          .arg(name_of(computed.error().field),
                                               QString::fromStdString(computed.error().message)));
  }
  auto trace = std::make_shared<const attn::Trace>(std::move(computed).value());
  int block = std::max(0, attn::default_block(*trace));
  if (request.layer) {
    const int layers = trace->layers();
    if (*request.layer > layers) {
      return failure(kExitBadArguments,
                     QStringLiteral("--layer %1: %2 has %3 layer(s); choose 1 to %3")
                         .arg(*request.layer)
                         .arg(QString::fromStdString(trace->model.name))
                         .arg(layers));
    }
    block = attn::block_for_layer(*trace, *request.layer - 1);
  }
  if (wants_json && request.model.any()) {
    const std::uint64_t numbers = attn::trace_json_numbers(*trace);
    if (numbers > attn::kMaxTraceJsonNumbers) {
      return failure(
          kExitInvalidInput,
          QStringLiteral("invalid input: trace.json would hold %1 million numbers (about %2 MB) "
                         "for %3 blocks over %4 tokens; at most %5 million are written. Use "
                         "fewer tokens, or leave json out of --format (csv writes one layer).")
              .arg(double(numbers) / 1e6, 0, 'f', 1)
              .arg(qRound64(double(numbers) * attn::kTraceJsonBytesPerNumber / 1e6))
              .arg(trace->blocks.size())
              .arg(trace->source_tokens.size())
              .arg(double(attn::kMaxTraceJsonNumbers) / 1e6, 0, 'g', 3));
    }
  }
  const int heads = trace->blocks.at(block).heads();
  if (request.view.kind == FigureView::Kind::Head && request.view.head > heads) {
    return failure(kExitBadArguments,
                   QStringLiteral("--view head:%1: there %2; choose head:1 to head:%3, mean or "
                                  "grid")
                       .arg(request.view.head)
                       .arg(heads == 1 ? QStringLiteral("is 1 head")
                                       : QStringLiteral("are %1 heads").arg(heads))
                       .arg(heads));
  }

  QList<attn::ui::NamedFile> files;
  const FigureView::Kind kind = request.view.kind;
  const bool wide = kind == FigureView::Kind::Grid || kind == FigureView::Kind::Model;
  attn::ui::ImageExportOptions options;
  options.part =
      kind == FigureView::Kind::Grid ? attn::ui::FigurePart::Grid : attn::ui::FigurePart::Focused;
  options.size = request.size.isValid() ? request.size
                 : wide                 ? kDefaultGridSize
                                        : kDefaultSingleSize;
  options.scale = request.scale;
  bool wants_images = false;
  for (OutputFormat format : request.formats) wants_images |= image_format(format).has_value();
  if (wants_images) {
    // The rollout is a trace of its own (one n × n block) shown like a head.
    std::shared_ptr<const attn::Trace> shown = trace;
    int shown_block = block;
    if (kind == FigureView::Kind::Rollout) {
      const int through = request.layer ? *request.layer - 1 : trace->layers() - 1;
      attn::Trace rollout = attn::rollout_trace(*trace, through);
      if (rollout.blocks.empty()) {
        return failure(kExitBadArguments,
                       QStringLiteral("--view rollout: this input has no self-attention over the "
                                      "source (cross attention only); choose another view"));
      }
      shown = std::make_shared<const attn::Trace>(std::move(rollout));
      shown_block = 0;
    }
    attn::ui::HeatmapView view;
    attn::ui::ModelGridView model_view;
    view.resize(options.size);
    view.setGradient(request.view_options.gradient);
    view.setShowNumbers(request.view_options.show_numbers);
    view.setFixedRange(request.view_options.fixed_range);
    if (kind == FigureView::Kind::Rollout) {
      const int through = shown->blocks.front().layer + 1;
      view.setSingleHeadTitle(QStringLiteral("Rollout through layer %1").arg(through));
    }
    view.setTrace(shown, shown_block);
    view.setFocusedHead(kind == FigureView::Kind::Head      ? request.view.head - 1
                        : kind == FigureView::Kind::Rollout ? 0
                                                            : attn::ui::HeatmapView::kMeanPanel);
    model_view.resize(options.size);
    model_view.setGradient(request.view_options.gradient);
    model_view.setTrace(trace);
    for (OutputFormat format : request.formats) {
      const std::optional<attn::ui::ImageFormat> image = image_format(format);
      if (!image) continue;
      attn::ui::NamedFile file;
      file.name = image_stem(request.view) + QLatin1Char('.') + attn::ui::suffix_for_format(*image);
      const attn::ui::ExportOutcome encoded =
          kind == FigureView::Kind::Model
              ? attn::ui::encode_picture(
                    [&](QCPPainter* painter) { model_view.render(painter, options.size); }, *image,
                    options.size, options.scale, model_view.palette().color(QPalette::Base),
                    file.name, &file.bytes)
              : attn::ui::encode_figure(view, *image, options, file.name, &file.bytes);
      if (!encoded.ok) return failure(kExitBadArguments, encoded.message);
      files.append(std::move(file));
    }
  }
  const attn::ui::DataFiles data{request.formats.count(OutputFormat::Csv) > 0,
                                 request.formats.count(OutputFormat::Json) > 0};
  files.append(attn::ui::trace_data_files(*trace, data, block));

  const bool existed = QFileInfo::exists(request.directory);
  const QString why = make_directory(request.directory);
  if (!why.isEmpty()) {
    return failure(kExitCannotWrite, QStringLiteral("cannot write into %1: %2")
                                         .arg(QDir::toNativeSeparators(request.directory), why));
  }
  ExportResult result;
  result.translation = translation;
  const attn::ui::ExportOutcome written =
      attn::ui::write_files_atomically(request.directory, files, &result.written);
  if (!written.ok) {
    if (!existed) QDir().rmdir(request.directory);  // only if still empty
    return failure(kExitCannotWrite, written.message);
  }
  return result;
}

}  // namespace attn::cli
