#pragma once

#include <QString>
#include <QStringList>
#include <functional>

#include "attn/config.h"
#include "attn_cli/command_line.h"

namespace attn::cli {

/// The outcome of a headless export: an exit code, the message for stderr when it failed, and
/// the paths written when it succeeded.
struct ExportResult {
  int exit_code = kExitSuccess;
  QString message;
  QStringList written;
  QString translation;  ///< with --translate: the target the model produced
};

/// Names the source of a setting in a message: an option, or a session file and its member.
using FieldNamer = std::function<QString(attn::InputField)>;

/// Computes `scenario`, renders the requested images with the window's own render path
/// (HeatmapView::renderFigure, offscreen) and writes them with the data files into
/// request.directory, creating it if needed. Every file is prepared in memory before the
/// first is written, and written all-or-nothing. Requests that would run for long (a trace.json
/// of more than kMaxTraceJsonNumbers numbers) are refused before anything is computed. An
/// invalid setting is named by `name_of`. With a translation model (Marian) the images and CSV
/// files show the cross-attention of the chosen decoder layer, and request.model.translate
/// first fills the target with the model's greedy translation. Needs a QApplication.
ExportResult run_export(const attn::Scenario& scenario, const ExportRequest& request,
                        const FieldNamer& name_of = option_for_field);

}  // namespace attn::cli
