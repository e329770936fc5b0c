#include "attn_ui/gradients.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <array>

namespace attn::ui {
namespace {

struct GradientSpec {
  const char* id;
  const char* name;
  std::array<const char*, 9> stops;  // evenly spaced from 0 to 1
};

// Nine samples of each matplotlib colour map (van der Walt & Smith 2015); linear interpolation
// between them stays within one just-noticeable difference of the originals.
constexpr std::array<GradientSpec, 5> kGradients{{
    {"viridis",
     QT_TRANSLATE_NOOP("Gradient", "Viridis"),
     {"#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30",
      "#fde725"}},
    {"cividis",
     QT_TRANSLATE_NOOP("Gradient", "Cividis"),
     {"#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779", "#a69d75", "#c4b56c",
      "#fee838"}},
    {"magma",
     QT_TRANSLATE_NOOP("Gradient", "Magma"),
     {"#000004", "#1c1044", "#4f127b", "#812581", "#b5367a", "#e55064", "#fb8761", "#fec287",
      "#fcfdbf"}},
    {"blues",
     QT_TRANSLATE_NOOP("Gradient", "Blues"),
     {"#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
      "#08306b"}},
    {"greys",
     QT_TRANSLATE_NOOP("Gradient", "Greys"),
     {"#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696", "#737373", "#525252", "#252525",
      "#000000"}},
}};

const GradientSpec& spec_for(const QString& id) {
  for (const GradientSpec& spec : kGradients)
    if (id == QLatin1String(spec.id)) return spec;
  return kGradients.front();
}

}  // namespace

QStringList gradient_ids() {
  QStringList ids;
  for (const GradientSpec& spec : kGradients) ids << QString::fromLatin1(spec.id);
  return ids;
}

QString gradient_display_name(const QString& id) {
  return QCoreApplication::translate("Gradient", spec_for(id).name);
}

QCPColorGradient make_gradient(const QString& id) {
  const GradientSpec& spec = spec_for(id);
  QCPColorGradient gradient;
  gradient.clearColorStops();
  gradient.setColorInterpolation(QCPColorGradient::ciRGB);
  gradient.setLevelCount(256);
  const int last = static_cast<int>(spec.stops.size()) - 1;
  for (int i = 0; i <= last; ++i)
    gradient.setColorStopAt(double(i) / last, QColor(QString::fromLatin1(spec.stops[i])));
  return gradient;
}

QColor readable_text_color(const QColor& background) {
  // Relative luminance (ITU-R BT.709) on the sRGB values is close enough to pick black or white.
  const double luminance =
      0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
  return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

}  // namespace attn::ui
