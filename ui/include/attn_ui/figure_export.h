#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <functional>
#include <optional>

#include "attn_ui/export_outcome.h"
#include "attn_ui/heatmap_view.h"

class QCPPainter;
class QCustomPlot;
class QColor;

namespace attn::ui {

enum class ImageFormat { Png, Jpeg, Svg, Pdf };

/// What to export and how large. `size` is the layout size in logical pixels (default: as on
/// screen); raster formats are written at size × scale pixels, so 2× and 3× give sharp slides.
/// SVG and PDF are vector: `size` becomes their page size (pixels, points) and scale is unused.
struct ImageExportOptions {
  FigurePart part = FigurePart::Grid;
  QSize size;
  double scale = 1.0;
};

/// Paints a picture at its layout size (the painter is already scaled for raster output).
using PaintFunction = std::function<void(QCPPainter*)>;

/// Any picture (the heatmap figure, the line view) encoded as `format`: raster at size × scale
/// pixels on `background`, SVG and PDF as vector pages of `size`.
ExportOutcome encode_picture(const PaintFunction& paint, ImageFormat format, const QSize& size,
                             double scale, const QColor& background, const QString& name,
                             QByteArray* bytes);
QImage render_picture_image(const PaintFunction& paint, const QSize& size, double scale,
                            const QColor& background);
/// encode_picture into `path` (format from its suffix), atomically.
ExportOutcome export_picture(const PaintFunction& paint, const QString& path, const QSize& size,
                             double scale, const QColor& background);

/// Draws `plot` into `rect` of `painter` at that size, vector where the painter is (SVG, PDF),
/// with token labels thinned for that size.
void draw_plot_into(QCPPainter* painter, QCustomPlot* plot, const QRectF& rect);

/// The format a file name asks for by its suffix (.png, .jpg/.jpeg, .svg, .pdf).
std::optional<ImageFormat> image_format_for_path(const QString& path);

/// The figure as an image of size × scale pixels.
QImage render_figure_image(HeatmapView& view, const ImageExportOptions& options);

/// The figure encoded as `format` (PNG, JPEG quality 95, SVG, PDF) into `bytes`; a failure (an
/// image too large) says why, naming `name` (the file it was meant for).
ExportOutcome encode_figure(HeatmapView& view, ImageFormat format,
                            const ImageExportOptions& options, const QString& name,
                            QByteArray* bytes);

/// The suffix written for `format`: png, jpg, svg, pdf.
QString suffix_for_format(ImageFormat format);

/// Writes the figure to `path` atomically (QSaveFile): either the whole new file is there or
/// any earlier file is untouched.
ExportOutcome export_figure(HeatmapView& view, const QString& path,
                            const ImageExportOptions& options);

}  // namespace attn::ui
