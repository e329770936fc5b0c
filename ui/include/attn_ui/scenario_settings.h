#pragma once

#include <QSettings>

#include "attn/config.h"

namespace attn::ui {

/// Stores the inputs and every setting under "input/…" and "config/…", by the stable names of
/// modes, score functions and masks, so a settings file stays readable and portable.
void save_scenario(QSettings& settings, const attn::Scenario& scenario);

/// Reads what save_scenario() wrote. A missing or unreadable value gives that field's default;
/// returns false when no scenario was stored yet.
bool load_scenario(const QSettings& settings, attn::Scenario* scenario);

}  // namespace attn::ui
