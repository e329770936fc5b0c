#pragma once

#include <QColor>
#include <QString>
#include <QStringList>

class QCPColorGradient;

namespace attn::ui {

/// The colour scales a person can choose. The first is the default: viridis is perceptually
/// uniform and readable with the common colour-vision deficiencies and in greyscale print.
QStringList gradient_ids();

/// A name for menus ("Viridis"), for an id from gradient_ids().
QString gradient_display_name(const QString& id);

/// The gradient for `id`, built from colour stops (QCustomPlot 2.1 has no viridis preset).
/// Unknown ids give the default.
QCPColorGradient make_gradient(const QString& id);

/// A text colour readable on top of `background` (black on light cells, white on dark).
QColor readable_text_color(const QColor& background);

}  // namespace attn::ui
