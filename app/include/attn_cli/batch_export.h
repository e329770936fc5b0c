#pragma once

#include <QString>
#include <QStringList>

#include "attn/config.h"
#include "attn_cli/command_line.h"

namespace attn::cli {

/// The outcome of a headless export: an exit code, the message for stderr when it failed, and
/// the paths written when it succeeded.
struct ExportResult {
  int exit_code = kExitSuccess;
  QString message;
  QStringList written;
};

/// Computes `scenario`, renders the requested images with the window's own render path
/// (HeatmapView::renderFigure, offscreen) and writes them with the data files into
/// request.directory, creating it if needed. Every file is prepared in memory before the
/// first is written, and written all-or-nothing. Needs a QApplication.
ExportResult run_export(const attn::Scenario& scenario, const ExportRequest& request);

/// The command-line option that sets `field`, e.g. "--heads".
QString option_for_field(attn::InputField field);

}  // namespace attn::cli
