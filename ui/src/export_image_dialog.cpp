#include "attn_ui/export_image_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace attn::ui {

ExportImageDialog::ExportImageDialog(const ImageExportOptions& initial, const QSize& grid_size,
                                     const QSize& focused_size, QWidget* parent)
    : QDialog(parent), grid_size_(grid_size), focused_size_(focused_size) {
  setWindowTitle(tr("Export image"));
  auto* form = new QFormLayout(this);

  part_ = new QComboBox(this);
  part_->addItem(tr("Every head (the grid)"), static_cast<int>(FigurePart::Grid));
  part_->addItem(tr("The focused head"), static_cast<int>(FigurePart::Focused));
  part_->setCurrentIndex(initial.part == FigurePart::Grid ? 0 : 1);
  form->addRow(tr("&Show:"), part_);

  width_ = new QSpinBox(this);
  height_ = new QSpinBox(this);
  for (QSpinBox* box : {width_, height_}) {
    box->setRange(100, 8000);
    box->setSuffix(tr(" px"));
  }
  const QSize start = initial.size.isValid() ? initial.size : grid_size;
  width_->setValue(start.width());
  height_->setValue(start.height());
  auto* size_row = new QHBoxLayout;
  size_row->addWidget(width_);
  size_row->addWidget(new QLabel(QStringLiteral("×"), this));
  size_row->addWidget(height_);
  form->addRow(tr("&Layout size:"), size_row);

  scale_ = new QComboBox(this);
  for (int k : {1, 2, 3, 4}) scale_->addItem(QStringLiteral("%1×").arg(k), k);
  scale_->setCurrentIndex(std::clamp(qRound(initial.scale), 1, 4) - 1);
  form->addRow(tr("S&cale:"), scale_);

  pixel_note_ = new QLabel(this);
  pixel_note_->setWordWrap(true);
  form->addRow(pixel_note_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Choose file…"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);

  connect(part_, &QComboBox::currentIndexChanged, this, [this] {
    const QSize size = options().part == FigurePart::Grid ? grid_size_ : focused_size_;
    width_->setValue(size.width());
    height_->setValue(size.height());
  });
  for (QSpinBox* box : {width_, height_})
    connect(box, &QSpinBox::valueChanged, this, &ExportImageDialog::updatePixelNote);
  connect(scale_, &QComboBox::currentIndexChanged, this, &ExportImageDialog::updatePixelNote);
  updatePixelNote();
}

ImageExportOptions ExportImageDialog::options() const {
  ImageExportOptions o;
  o.part = static_cast<FigurePart>(part_->currentData().toInt());
  o.size = QSize(width_->value(), height_->value());
  o.scale = scale_->currentData().toInt();
  return o;
}

void ExportImageDialog::updatePixelNote() {
  const ImageExportOptions o = options();
  pixel_note_->setText(tr("PNG and JPEG: %1 × %2 pixels. SVG and PDF: vector, %3 × %4.")
                           .arg(qRound(o.size.width() * o.scale))
                           .arg(qRound(o.size.height() * o.scale))
                           .arg(o.size.width())
                           .arg(o.size.height()));
}

}  // namespace attn::ui
