#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "attn/config.h"
#include "attn/shown_trace.h"
#include "attn_ui/export_outcome.h"

namespace attn::ui {

/// How the heatmaps are shown, besides the inputs.
struct ViewOptions {
  QString gradient = QStringLiteral("viridis");
  bool show_numbers = true;
  bool fixed_range = false;
  int focused_head = -1;  ///< HeatmapView::kMeanPanel or a 0-based head
  int layer = 0;          ///< 0-based, the layer the views show
  bool words = false;     ///< typed words instead of pieces
  bool hide_special = false;
  bool ignore_first_key = false;  ///< the colour scale leaves out the first key
  bool mark_strongest = false;    ///< each row's strongest key outlined (alignment)
  attn::PairFilter pair = attn::PairFilter::All;
};

/// What a .attnviz file keeps: the inputs, every setting and the view options.
struct Session {
  attn::Scenario scenario;
  ViewOptions view;
  /// The checkpoint computing (a folder or a .bin); empty: the toy model.
  QString model_path;
};

/// The format version this build writes; files with a larger one are refused.
inline constexpr int kSessionVersion = 1;

/// The session as JSON: {"format": "attnviz-session", "version": 1, "scenario": {…}, "view": {…},
/// "model": {"path": …}}. "model" and the view's layer and toggles are optional (files from
/// before real models have none).
QByteArray session_to_json(const Session& session);

/// Reads a session from JSON. On failure returns false and sets `why` (a sentence naming the
/// problem: not JSON, not a session, a newer version, a bad value) without touching `session`.
bool session_from_json(const QByteArray& json, Session* session, QString* why);

/// A clicked mask's positions as JSON members of the scenario object: "hidden_keys" (Padding)
/// or "hidden_cells" as [query, key] pairs (Custom), 0-based; other kinds add nothing.
void mask_to_json(const attn::MaskSpec& mask, QJsonObject* scenario);
/// Reads them back into `mask` (whose kind is set) as a window's mask (fit_to_input); false
/// with `why` set when a position is not a whole number in range.
bool mask_from_json(const QJsonObject& scenario, attn::MaskSpec* mask, QString* why);

/// Writes the session to `path` atomically.
ExportOutcome save_session_file(const QString& path, const Session& session);
/// Reads `path`; a failure names the path and the reason, and leaves `session` untouched.
ExportOutcome load_session_file(const QString& path, Session* session);

}  // namespace attn::ui
