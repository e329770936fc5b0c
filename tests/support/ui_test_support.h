#pragma once

#include <QSettings>
#include <QTemporaryDir>
#include <memory>

#include "attn_ui/main_window.h"

namespace attn::test {

/// A main window whose settings live in a fresh temporary INI file, shown offscreen at a
/// classroom window size.
struct WindowFixture {
  QTemporaryDir dir;
  std::unique_ptr<QSettings> settings;
  std::unique_ptr<attn::ui::MainWindow> window;

  WindowFixture();
  /// Opens a second window on the same settings file, as a restart would.
  std::unique_ptr<attn::ui::MainWindow> reopen();
  QString settingsPath() const { return dir.filePath(QStringLiteral("attnviz.ini")); }
};

/// EXPECTs that two scenarios have the same texts and the same ten settings.
void expect_same_scenario(const attn::Scenario& actual, const attn::Scenario& expected);

/// Runs the event loop until the window's engine has no run under way or waiting.
void settle(attn::ui::MainWindow& window);

/// Replaces the source text the way typing does (select all, type).
void type_source(attn::ui::MainWindow& window, const QString& text);

}  // namespace attn::test
