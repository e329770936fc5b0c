#include "attn_ui/data_export.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include "attn/trace_export.h"
#include "attn/trace_views.h"

namespace attn::ui {

ExportOutcome write_file_atomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    return ExportOutcome::failure(
        QObject::tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
  }
  return ExportOutcome::success();
}

ExportOutcome export_trace_data(const attn::Trace& trace, const QString& directory,
                                QStringList* written) {
  const QFileInfo info(directory);
  if (!info.isDir()) {
    return ExportOutcome::failure(QObject::tr("Cannot export into %1: it is not a folder")
                                      .arg(QDir::toNativeSeparators(directory)));
  }
  const QDir dir(directory);
  const std::vector<std::string> rows = attn::query_labels(trace);
  const std::vector<std::string> columns = attn::key_labels(trace);

  QList<QPair<QString, std::string>> files;
  for (int h = 0; h < trace.heads; ++h) {
    files.append({QStringLiteral("head_%1.csv").arg(h + 1),
                  attn::matrix_to_csv(trace.head[h].weights, rows, columns)});
  }
  if (trace.heads > 1)
    files.append({QStringLiteral("mean.csv"),
                  attn::matrix_to_csv(attn::mean_weights(trace), rows, columns)});
  files.append({QStringLiteral("trace.json"), attn::trace_to_json(trace)});

  for (const auto& [name, text] : files) {
    const QString path = dir.filePath(name);
    const ExportOutcome outcome = write_file_atomically(path, QByteArray::fromStdString(text));
    if (!outcome.ok) return outcome;
    if (written) written->append(path);
  }
  return ExportOutcome::success();
}

}  // namespace attn::ui
