#include "attn_ui/figure_export.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QFileInfo>
#include <QPageSize>
#include <QPdfWriter>
#include <QPicture>
#include <QSvgGenerator>
#include <cmath>

#include "attn_ui/data_export.h"

namespace attn::ui {
namespace {

// Larger than any slide needs, small enough that the image (4 bytes per pixel) always allocates.
constexpr int kMaxPixels = 16384;

QSize effective_size(HeatmapView& view, const ImageExportOptions& options) {
  QSize size = options.size.isValid() ? options.size : view.partSize(options.part);
  return size.expandedTo(QSize(100, 100));
}

}  // namespace

std::optional<ImageFormat> image_format_for_path(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("png")) return ImageFormat::Png;
  if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg")) return ImageFormat::Jpeg;
  if (suffix == QLatin1String("svg")) return ImageFormat::Svg;
  if (suffix == QLatin1String("pdf")) return ImageFormat::Pdf;
  return std::nullopt;
}

QImage render_picture_image(const PaintFunction& paint, const QSize& size, double scale,
                            const QColor& background) {
  if (scale <= 0) scale = 1.0;
  const QSize pixels(qRound(size.width() * scale), qRound(size.height() * scale));
  if (pixels.width() > kMaxPixels || pixels.height() > kMaxPixels) return {};
  QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
  if (image.isNull()) return image;
  image.fill(background);
  QCPPainter painter(&image);
  painter.setRenderHint(QPainter::TextAntialiasing);
  painter.scale(scale, scale);
  paint(&painter);
  painter.end();
  return image;
}

QImage render_figure_image(HeatmapView& view, const ImageExportOptions& options) {
  const QSize size = effective_size(view, options);
  return render_picture_image(
      [&](QCPPainter* painter) { view.renderFigure(painter, size, options.part); }, size,
      options.scale, view.palette().color(QPalette::Window));
}

QString suffix_for_format(ImageFormat format) {
  switch (format) {
    case ImageFormat::Png:
      return QStringLiteral("png");
    case ImageFormat::Jpeg:
      return QStringLiteral("jpg");
    case ImageFormat::Svg:
      return QStringLiteral("svg");
    case ImageFormat::Pdf:
      return QStringLiteral("pdf");
  }
  return {};
}

ExportOutcome encode_picture(const PaintFunction& paint, ImageFormat format, const QSize& size,
                             double scale, const QColor& background, const QString& name,
                             QByteArray* bytes) {
  bytes->clear();
  QBuffer buffer(bytes);
  buffer.open(QIODevice::WriteOnly);
  switch (format) {
    case ImageFormat::Png:
    case ImageFormat::Jpeg: {
      const QImage image = render_picture_image(paint, size, scale, background);
      if (image.isNull()) {
        return ExportOutcome::failure(
            QObject::tr("Cannot export %1: %2 × %3 pixels is too large (at most %4 per side)")
                .arg(QDir::toNativeSeparators(name))
                .arg(qRound(size.width() * scale))
                .arg(qRound(size.height() * scale))
                .arg(kMaxPixels));
      }
      const bool png = format == ImageFormat::Png;
      image.save(&buffer, png ? "PNG" : "JPEG", png ? -1 : 95);
      break;
    }
    case ImageFormat::Svg: {
      QSvgGenerator generator;
      generator.setOutputDevice(&buffer);
      generator.setSize(size);
      generator.setViewBox(QRect(QPoint(0, 0), size));
      generator.setTitle(QStringLiteral("attnviz"));
      generator.setDescription(QObject::tr("Attention weights exported from attnviz"));
      QCPPainter painter(&generator);
      paint(&painter);
      painter.end();
      break;
    }
    case ImageFormat::Pdf: {
      QPdfWriter writer(&buffer);
      writer.setCreator(QStringLiteral("attnviz"));
      writer.setResolution(72);  // one layout pixel = one point
      writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point));
      writer.setPageMargins(QMarginsF(0, 0, 0, 0));
      QCPPainter painter(&writer);
      paint(&painter);
      painter.end();
      break;
    }
  }
  return ExportOutcome::success();
}

ExportOutcome encode_figure(HeatmapView& view, ImageFormat format,
                            const ImageExportOptions& options, const QString& name,
                            QByteArray* bytes) {
  if (!view.trace()) return ExportOutcome::failure(QObject::tr("Nothing to export yet."));
  const QSize size = effective_size(view, options);
  return encode_picture(
      [&](QCPPainter* painter) { view.renderFigure(painter, size, options.part); }, format, size,
      options.scale, view.palette().color(QPalette::Window), name, bytes);
}

ExportOutcome export_picture(const PaintFunction& paint, const QString& path, const QSize& size,
                             double scale, const QColor& background) {
  const std::optional<ImageFormat> format = image_format_for_path(path);
  if (!format) {
    return ExportOutcome::failure(
        QObject::tr("Cannot export to %1: the name must end in .png, .jpg, .svg or .pdf")
            .arg(QDir::toNativeSeparators(path)));
  }
  QByteArray bytes;
  const ExportOutcome encoded = encode_picture(paint, *format, size.expandedTo(QSize(100, 100)),
                                               scale, background, path, &bytes);
  if (!encoded.ok) return encoded;
  return write_file_atomically(path, bytes);
}

ExportOutcome export_figure(HeatmapView& view, const QString& path,
                            const ImageExportOptions& options) {
  if (!view.trace()) return ExportOutcome::failure(QObject::tr("Nothing to export yet."));
  const QSize size = effective_size(view, options);
  return export_picture(
      [&](QCPPainter* painter) { view.renderFigure(painter, size, options.part); }, path, size,
      options.scale, view.palette().color(QPalette::Window));
}

// Draws `plot` into `rect` of `painter` at that size. The first pass into a scratch picture lets
// the token tickers thin their labels for this size before the pass that counts.
void draw_plot_into(QCPPainter* painter, QCustomPlot* plot, const QRectF& rect) {
  const int width = std::max(1, qRound(rect.width()));
  const int height = std::max(1, qRound(rect.height()));
  {
    QPicture scratch;
    QCPPainter scratch_painter(&scratch);
    plot->toPainter(&scratch_painter, width, height);
  }
  painter->save();
  painter->translate(rect.topLeft());
  plot->toPainter(painter, width, height);
  painter->restore();
}

}  // namespace attn::ui
