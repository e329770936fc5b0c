#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace attn::ui {

/// A token's text as a label that can be seen. A token made only of combining marks or
/// invisible characters (zero-width space, joiners, controls) has no width: its marks are shown
/// on a dotted circle (U+0301 as "◌́", as Unicode's charts do) and invisible characters by code
/// point ("U+200B"). Any other text is returned as it is.
QString visible_label(const QString& text);

/// UTF-8 token texts from core as the labels the views show (visible_label of each).
QStringList token_labels(const std::vector<std::string>& texts);

}  // namespace attn::ui
