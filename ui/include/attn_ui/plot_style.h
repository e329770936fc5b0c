#pragma once

#include <QFont>
#include <QPalette>

class QCPAxis;

namespace attn::ui {

/// Draws `axis` (line, ticks, tick labels, title) in the palette's text colour and `font`, so
/// plots follow the system's light or dark theme like the rest of the window.
void style_axis(QCPAxis* axis, const QPalette& palette, const QFont& font);

}  // namespace attn::ui
