#pragma once

#include <QLocale>
#include <QSettings>
#include <QString>
#include <QStringList>

#include "attn/examples.h"
#include "attn/expected.h"

namespace attn::ui {

/// Interface languages: "en" (the source strings) and "zh_CN" (简体中文).
QStringList interface_languages();
/// A language's own name for a menu: "English", "简体中文".
QString language_native_name(const QString& code);
/// The interface language for a locale: zh_CN for any Chinese locale, else en.
QString language_for_locale(const QLocale& locale);

/// The language to start in: the one chosen in View ▸ Language (kept in `settings` as
/// ui/language), else the one of `system`.
QString startup_language(const QSettings& settings, const QLocale& system = QLocale::system());

/// Installs the translations of `code` (the app's embedded .qm and, when present, Qt's own for
/// standard dialogs), replacing earlier ones. Returns false for an unknown code or a missing .qm.
bool install_language(const QString& code);
/// The language installed last ("en" before any).
QString installed_language();

/// An example's description in the interface language.
QString example_description(const attn::Example& example);
/// An engine message (core writes English) in the interface language; unknown ones unchanged.
QString engine_message(const attn::Error& error);

}  // namespace attn::ui
