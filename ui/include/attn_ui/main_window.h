#pragma once

#include <QMainWindow>
#include <QStandardPaths>
#include <memory>
#include <optional>

#include "attn/expected.h"
#include "attn/trace.h"
#include "attn_ui/export_outcome.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/session_file.h"

class QActionGroup;
class QDockWidget;
class QLabel;
class QSettings;
class QTabWidget;
class QScrollArea;

namespace attn::ui {

class HeatmapView;
class LineView;
class LiveEngine;
class PipelineView;
class SettingsPanel;

/// The attnviz window: the settings on the left, every head's heatmap in the middle, menus for
/// examples, view options and export. Inputs, view options and layout are kept in `settings`
/// (not owned) and come back on the next start.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QSettings* settings, QWidget* parent = nullptr);
  ~MainWindow() override;

  SettingsPanel* settingsPanel() const { return settings_panel_; }
  HeatmapView* heatmapView() const { return view_; }
  LiveEngine* engine() const { return engine_; }
  PipelineView* pipelineView() const { return pipeline_; }
  LineView* lineView() const { return lines_; }
  QTabWidget* tabs() const { return tabs_; }

  /// F11: full screen, large high-contrast text, the settings panel hidden; off restores the
  /// window as it was.
  void setPresentationMode(bool on);
  bool presentationMode() const { return presentation_.active; }
  /// Point size of every label, tooltip and table (Ctrl+= / Ctrl+−, Ctrl+0 resets).
  void setLabelPointSize(int points);
  int labelPointSize() const { return label_points_; }
  static constexpr int kMinLabelPoints = 6;
  static constexpr int kMaxLabelPoints = 48;

  /// Switches the interface language ("en", "zh_CN") now, keeping inputs and settings, and
  /// remembers it for the next start.
  void setLanguage(const QString& code);

  /// Writes the line view, as shown, to `path` (PNG, JPEG, SVG or PDF by suffix).
  ExportOutcome exportLineImage(const QString& path, const QSize& size, double scale);

  /// Computes with `model` from now on (a checkpoint opened from the command line); its name
  /// shows in the title and the status bar.
  void useModel(std::shared_ptr<const attn::AttentionModel> model);

  /// Loads a built-in example's texts and mode (keeping the other settings); false if unknown.
  bool loadExample(const QString& name);
  /// Writes the figure to `path` (format from the suffix); the failure message is also shown in
  /// the status bar.
  ExportOutcome exportImage(const QString& path, const ImageExportOptions& options);
  /// Writes CSVs and trace.json of the shown trace into `directory`.
  ExportOutcome exportData(const QString& directory);
  /// Puts the figure (as the export settings say) on the clipboard.
  void copyImage();
  /// The inputs, every setting and the view options, as a session file keeps them.
  Session currentSession() const;
  /// Writes the session to `path` (atomically) and remembers it under File ▸ Open Recent.
  ExportOutcome saveSession(const QString& path);
  /// Reads `path` and shows it; a corrupt, newer or unreadable file changes nothing on screen and
  /// the message says why.
  ExportOutcome openSession(const QString& path);
  /// Shows `session` as if it had been opened from a file.
  void applySession(const Session& session);
  /// Session files opened or saved, most recent first (at most kMaxRecentSessions).
  QStringList recentSessions() const { return recent_sessions_; }
  static constexpr int kMaxRecentSessions = 8;

  /// Stores inputs, view options and layout now (also done on close).
  void saveSettings();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  /// Everything whose text comes from tr(): rebuilt when the language changes.
  void buildTranslatedParts();
  void restoreSettings();
  void fitToScreen();
  void onScenarioChanged();
  void onTrace(std::shared_ptr<const attn::Trace> trace);
  void onFailed(const attn::Error& error);
  void chooseAndExportImage();
  void chooseAndExportData();
  void chooseAndExportLines();
  /// Where file dialogs for exports open: the last export folder, else `fallback`.
  QString exportStartDir(QStandardPaths::StandardLocation fallback) const;
  void followFocusedHead();
  void chooseAndOpenSession();
  void chooseAndSaveSession(bool ask_for_path);
  void rememberRecentSession(const QString& path);
  void rebuildRecentMenu();

  QSettings* settings_;
  SettingsPanel* settings_panel_;
  QDockWidget* settings_dock_;
  HeatmapView* view_;
  LiveEngine* engine_;
  QLabel* status_;
  QActionGroup* gradient_actions_ = nullptr;
  QAction* numbers_action_ = nullptr;
  QAction* fixed_range_action_ = nullptr;
  ImageExportOptions export_options_;
  QString last_export_dir_;
  QTabWidget* tabs_;
  QScrollArea* settings_scroll_;
  PipelineView* pipeline_;
  LineView* lines_;
  QAction* presentation_action_ = nullptr;
  int default_label_points_ = 9;
  int label_points_ = 9;
  struct PresentationState {
    bool active = false;
    QByteArray state;
    Qt::WindowStates window_states;
    QPalette palette;
    int label_points = 9;
  } presentation_;
  QString session_path_;  // the file Save writes to; empty until saved or opened
  QStringList recent_sessions_;
  QMenu* recent_menu_ = nullptr;
  std::optional<int> pending_focused_head_;  // from a session, applied once its trace is shown
};

}  // namespace attn::ui
