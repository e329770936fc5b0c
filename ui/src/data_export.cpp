#include "attn_ui/data_export.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <memory>
#include <vector>

#include "attn/io/trace_export.h"
#include "attn/trace_views.h"

namespace attn::ui {
namespace {

QString write_error(const QString& path, const QSaveFile& file) {
  return QObject::tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
}

}  // namespace

ExportOutcome write_file_atomically(const QString& path, const QByteArray& bytes) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    return ExportOutcome::failure(write_error(path, file));
  }
  return ExportOutcome::success();
}

namespace {

// Heads' CSVs and their mean for one block, each name prefixed by `prefix`.
void append_block_csvs(const attn::Trace& trace, const attn::AttentionBlock& block,
                       const QString& prefix, QList<NamedFile>* files) {
  const std::vector<std::string> rows = attn::query_labels(trace, block);
  const std::vector<std::string> columns = attn::key_labels(trace, block);
  for (int h = 0; h < block.heads(); ++h) {
    files->append(
        {prefix + QStringLiteral("head_%1.csv").arg(h + 1),
         QByteArray::fromStdString(attn::matrix_to_csv(block.head[h].weights, rows, columns))});
  }
  if (block.heads() > 1) {
    files->append(
        {prefix + QStringLiteral("mean.csv"),
         QByteArray::fromStdString(attn::matrix_to_csv(attn::mean_weights(block), rows, columns))});
  }
}

// A checkpoint's module name as part of a file name: letters, digits, '.', '_' and '-' only.
QString file_safe(const std::string& name) {
  QString safe = QString::fromStdString(name);
  for (QChar& c : safe)
    if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('.') &&
        c != QLatin1Char('-'))
      c = QLatin1Char('_');
  return safe;
}

}  // namespace

QList<NamedFile> trace_data_files(const attn::Trace& trace, DataFiles which, int block) {
  QList<NamedFile> files;
  const int count = static_cast<int>(trace.blocks.size());
  if (which.csv && count > 0) {
    if (block == kAllBlocks && count > 1) {
      for (const attn::AttentionBlock& each : trace.blocks)
        append_block_csvs(trace, each, file_safe(each.name) + QLatin1Char('_'), &files);
    } else {
      const int shown =
          block >= 0 && block < count ? block : std::max(0, attn::default_block(trace));
      append_block_csvs(trace, trace.blocks[std::size_t(shown)], QString(), &files);
    }
  }
  if (which.json) {
    files.append(
        {QStringLiteral("trace.json"), QByteArray::fromStdString(attn::trace_to_json(trace))});
  }
  return files;
}

ExportOutcome write_files_atomically(const QString& directory, const QList<NamedFile>& files,
                                     QStringList* written) {
  if (!QFileInfo(directory).isDir()) {
    return ExportOutcome::failure(QObject::tr("Cannot export into %1: it is not a folder")
                                      .arg(QDir::toNativeSeparators(directory)));
  }
  const QDir dir(directory);
  // A folder in a file's place would only fail at the final rename, after other files moved in.
  for (const NamedFile& named : files) {
    const QString path = dir.filePath(named.name);
    if (QFileInfo(path).isDir()) {
      return ExportOutcome::failure(QObject::tr("Cannot write %1: a folder of that name exists")
                                        .arg(QDir::toNativeSeparators(path)));
    }
  }
  // Stage every file first; a QSaveFile destroyed without commit() removes its temporary file.
  std::vector<std::unique_ptr<QSaveFile>> staged;
  for (const NamedFile& named : files) {
    const QString path = dir.filePath(named.name);
    auto file = std::make_unique<QSaveFile>(path);
    if (!file->open(QIODevice::WriteOnly) || file->write(named.bytes) != named.bytes.size() ||
        !file->flush()) {
      return ExportOutcome::failure(write_error(path, *file));
    }
    staged.push_back(std::move(file));
  }
  for (const auto& file : staged) {
    if (!file->commit()) return ExportOutcome::failure(write_error(file->fileName(), *file));
    if (written) written->append(file->fileName());
  }
  return ExportOutcome::success();
}

ExportOutcome export_trace_data(const attn::Trace& trace, const QString& directory,
                                QStringList* written) {
  // Checked before writing a byte: a trace.json of d_model 4096 would take 25 s and 930 MB.
  const std::uint64_t numbers = attn::trace_json_numbers(trace);
  if (numbers > attn::kMaxTraceJsonNumbers) {
    return ExportOutcome::failure(
        QObject::tr("Cannot export trace.json: it would hold %1 million numbers (about %2 MB); "
                    "at most %3 million are written. Lower d_model, the heads or the number of "
                    "tokens.")
            .arg(double(numbers) / 1e6, 0, 'f', 1)
            .arg(qRound64(double(numbers) * attn::kTraceJsonBytesPerNumber / 1e6))
            .arg(double(attn::kMaxTraceJsonNumbers) / 1e6, 0, 'g', 3));
  }
  return write_files_atomically(directory, trace_data_files(trace, {}, kAllBlocks), written);
}

}  // namespace attn::ui
