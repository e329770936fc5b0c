#pragma once

#include <QDialog>

#include "attn_ui/figure_export.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace attn::ui {

/// Asks what to export (whole grid or focused head), at what layout size and what scale.
class ExportImageDialog : public QDialog {
  Q_OBJECT

 public:
  ExportImageDialog(const ImageExportOptions& initial, const QSize& grid_size,
                    const QSize& focused_size, QWidget* parent = nullptr);

  ImageExportOptions options() const;

 private:
  void updatePixelNote();

  QComboBox* part_;
  QSpinBox* width_;
  QSpinBox* height_;
  QComboBox* scale_;
  QLabel* pixel_note_;
  QSize grid_size_;
  QSize focused_size_;
};

}  // namespace attn::ui
