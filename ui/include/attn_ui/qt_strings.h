#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace attn::ui {

/// UTF-8 token texts from core as a QStringList.
inline QStringList to_qstring_list(const std::vector<std::string>& texts) {
  QStringList out;
  out.reserve(static_cast<qsizetype>(texts.size()));
  for (const std::string& text : texts) out.append(QString::fromStdString(text));
  return out;
}

}  // namespace attn::ui
