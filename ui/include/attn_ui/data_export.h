#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include "attn/trace.h"
#include "attn_ui/export_outcome.h"

namespace attn::ui {

/// A file to write: its name inside the export folder and its whole content.
struct NamedFile {
  QString name;
  QByteArray bytes;
};

/// Which data files trace_data_files() makes.
struct DataFiles {
  bool csv = true;   ///< head_1.csv … head_h.csv, and mean.csv when h > 1
  bool json = true;  ///< trace.json, the whole trace
};

/// trace_data_files' `block` for every block: a model with several writes
/// "<block name>_head_N.csv" and "<block name>_mean.csv" for each ("h.3.attn_head_1.csv").
inline constexpr int kAllBlocks = -2;

/// The data files of `trace`: each head's weights of `block` (-1: the default block;
/// kAllBlocks: every block) as CSV (token labels as the header row and first column), their
/// mean, and trace.json.
QList<NamedFile> trace_data_files(const attn::Trace& trace, DataFiles which = {}, int block = -1);

/// Writes every file into `directory` or, as far as the file system allows, none of them: all
/// are written to temporary files first (QSaveFile) and renamed into place only when every one
/// was written in full. A failure names the path and the reason. `written` receives the paths.
ExportOutcome write_files_atomically(const QString& directory, const QList<NamedFile>& files,
                                     QStringList* written = nullptr);

/// Writes trace_data_files(trace, {}, kAllBlocks) into the existing folder `directory`.
ExportOutcome export_trace_data(const attn::Trace& trace, const QString& directory,
                                QStringList* written = nullptr);

/// Writes `bytes` to `path` atomically (QSaveFile).
ExportOutcome write_file_atomically(const QString& path, const QByteArray& bytes);

}  // namespace attn::ui
