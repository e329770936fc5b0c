#pragma once

#include <QString>

namespace attn::ui {

/// The result of writing a file: ok, or a message naming the path and the reason.
struct ExportOutcome {
  bool ok = true;
  QString message;

  static ExportOutcome success() { return {}; }
  static ExportOutcome failure(QString why) { return {false, std::move(why)}; }
};

}  // namespace attn::ui
