#include "attn_ui/qt_strings.h"

#include <QChar>
#include <algorithm>

namespace attn::ui {
namespace {

bool is_mark(char32_t c) {
  const QChar::Category category = QChar::category(c);
  return category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining ||
         category == QChar::Mark_Enclosing;
}

// Drawn with no width of its own: format characters (U+200B, U+200D, U+FEFF…) and controls.
bool is_invisible(char32_t c) {
  const QChar::Category category = QChar::category(c);
  return category == QChar::Other_Format || category == QChar::Other_Control;
}

}  // namespace

QString visible_label(const QString& text) {
  const QList<uint> code_points = text.toUcs4();
  const bool nothing_visible = std::all_of(code_points.begin(), code_points.end(), [](uint c) {
    return is_mark(char32_t(c)) || is_invisible(char32_t(c));
  });
  if (!nothing_visible || code_points.isEmpty()) return text;

  QString shown;
  bool on_base = false;  // whether the next mark has something to sit on
  for (uint c : code_points) {
    if (is_mark(char32_t(c))) {
      if (!on_base) shown += QChar(0x25CC);  // ◌, the dotted circle
      on_base = true;
      shown += QString::fromUcs4(reinterpret_cast<const char32_t*>(&c), 1);
    } else {
      shown += QStringLiteral("U+%1").arg(c, 4, 16, QLatin1Char('0')).toUpper();
      on_base = false;
    }
  }
  return shown;
}

QStringList token_labels(const std::vector<std::string>& texts) {
  QStringList out;
  out.reserve(static_cast<qsizetype>(texts.size()));
  for (const std::string& text : texts) out.append(visible_label(QString::fromStdString(text)));
  return out;
}

}  // namespace attn::ui
