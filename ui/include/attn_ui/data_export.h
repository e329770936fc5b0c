#pragma once

#include <QString>
#include <QStringList>

#include "attn/trace.h"
#include "attn_ui/export_outcome.h"

namespace attn::ui {

/// Writes into `directory`: head_1.csv … head_h.csv (each head's weights, token labels as the
/// header row and first column), mean.csv when h > 1, and trace.json (the whole trace). Each file
/// is written atomically. `written` receives the paths written.
ExportOutcome export_trace_data(const attn::Trace& trace, const QString& directory,
                                QStringList* written = nullptr);

/// Writes `bytes` to `path` atomically (QSaveFile).
ExportOutcome write_file_atomically(const QString& path, const QByteArray& bytes);

}  // namespace attn::ui
