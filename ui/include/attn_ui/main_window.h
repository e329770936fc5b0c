#pragma once

#include <QFutureWatcher>
#include <QMainWindow>
#include <QStandardPaths>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "attn/expected.h"
#include "attn/models/shipped_models.h"
#include "attn/trace.h"
#include "attn_ui/export_outcome.h"
#include "attn_ui/figure_export.h"
#include "attn_ui/session_file.h"

class QActionGroup;
class QDockWidget;
class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QShortcut;
class QStackedWidget;
class QTabWidget;
class QScrollArea;

namespace attn::ui {

class HeatmapView;
class LineView;
class LiveEngine;
class ModelBox;
class ModelGridView;
class PipelineView;
class ViewBar;
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
  ModelGridView* modelGridView() const { return model_grid_; }
  HeatmapView* rolloutView() const { return rollout_; }
  ViewBar* viewBar() const { return view_bar_; }
  ModelBox* modelBox() const { return model_box_; }
  /// The newest trace the engine computed (every block); the views show it through the view
  /// bar's filters.
  const std::shared_ptr<const attn::Trace>& computedTrace() const { return computed_; }

  /// F11: full screen, large high-contrast text, the settings panel hidden; off restores the
  /// window as it was.
  void setPresentationMode(bool on);
  bool presentationMode() const { return presentation_.active; }
  /// The smallest text presentation mode uses, so a class can read every label.
  static constexpr int kMinPresentationPoints = 18;
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

  /// Computes with `model` from now on (a checkpoint opened from the command line or loaded by
  /// openModel); it joins the Model box and its name shows in the title.
  void useModel(std::shared_ptr<const attn::AttentionModel> model);
  /// Back to the seeded toy model.
  void useToyModel();
  /// Opens a checkpoint (a Hugging Face folder, its config.json, or a llama2.c .bin) off the UI
  /// thread, with a busy bar and Cancel in the status bar; then modelOpened() or modelFailed()
  /// (the message names the path and the problem; the model and the text in use stay).
  void openModel(const QString& path);
  /// Stops waiting for the model being opened (the file is left to finish reading in the
  /// background; its result is dropped).
  void cancelModelLoading();
  bool loadingModel() const { return loading_model_; }
  /// Models opened, most recent first (at most kMaxRecentModels), under File ▸ Recent models.
  QStringList recentModels() const { return recent_models_; }
  static constexpr int kMaxRecentModels = 8;
  /// With a translation model: translates the source greedily off the UI thread, filling the
  /// target box token by token (at most kMaxTranslationTokens); again while running: stops.
  void translateSource();
  bool translating() const { return static_cast<bool>(translate_cancel_); }
  static constexpr int kMaxTranslationTokens = 128;
  /// The layer (0-based) the Heatmaps, Lines, Pipeline and Rollout tabs show.
  void setLayer(int layer);
  int layer() const { return layer_; }

  /// Loads a built-in example's texts and mode (keeping the other settings) and computes it with
  /// the toy model; false if unknown.
  bool loadExample(const QString& name);
  /// The models attnviz ships, found at start (attn::shipped_model_roots()).
  const std::vector<attn::ShippedModel>& shippedModels() const { return shipped_models_; }
  /// Opens the shipped model `name` (as openModel) on its example `example` (0: its own,
  /// i: more_examples[i − 1]), Cross mode for a translator, with its chosen layer and head
  /// focused once computed. False (nothing changes) when there is no such model or example.
  bool openShippedModel(const QString& name, int example = 0);
  /// The first start (no inputs saved yet) opens this shipped model when it is there.
  static constexpr const char* kFirstStartModel = "bert-pronouns";
  static bool isFirstStart(const QSettings& settings);
  /// Shows `layer` (0-based) and focuses `head` (0-based, −1: the mean) once the next trace of
  /// the model in use (or being opened) is computed.
  void focusWhenComputed(int layer, int head);
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

 signals:
  void modelOpened(const QString& path);
  void modelFailed(const QString& message);
  /// A translation ended (finished, stopped or failed); the target box holds what was made.
  void translationDone();

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  /// Everything whose text comes from tr(): rebuilt when the language changes.
  void buildTranslatedParts();
  void restoreSettings();
  void fitToScreen();
  void onScenarioChanged();
  /// Key label and cell clicks edit the toy model's padding or custom mask.
  void updateMaskEditing();
  /// The computed query (keys false) or key tokens that row/column `shown_index` of the shown
  /// block stands for (several when the view shows words).
  std::vector<int> computedTokens(bool keys, int shown_index) const;
  void toggleMaskedKey(int column);
  void toggleMaskedCell(int row, int column);
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
  /// What a background load gives back.
  struct ModelLoad {
    QString path;
    std::shared_ptr<const attn::AttentionModel> model;
    QString error;
    double seconds = 0;
    int generation = 0;
  };
  void onModelLoaded();
  struct TranslationResult {
    QString text;
    QString error;
    bool cancelled = false;
  };
  void onTranslated();
  void chooseAndOpenModel();
  void chooseModel(int index);
  void rememberRecentModel(const QString& path);
  void rebuildRecentModelsMenu();
  void refreshModelBox();
  /// shown_ from computed_ through the view bar's filters, then every view.
  void showComputed();
  void updateRollout();
  void stepLayer(int delta);
  void updateViewBarVisibility();
  /// The block of the shown layer (same index in computed_ and shown_); -1 before a trace.
  int shownBlock() const;
  /// The widget Export image and Copy image draw: the current tab's.
  enum class ExportTarget { Heatmaps, Lines, Model, Rollout, Pipeline };
  ExportTarget exportTarget() const;

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

  // Real models.
  ModelBox* model_box_ = nullptr;
  ViewBar* view_bar_ = nullptr;
  QWidget* central_ = nullptr;
  ModelGridView* model_grid_ = nullptr;
  HeatmapView* rollout_ = nullptr;
  QStackedWidget* rollout_stack_ = nullptr;
  QProgressBar* load_progress_ = nullptr;
  QPushButton* load_cancel_ = nullptr;
  QLabel* computing_ = nullptr;  // shown while a long input computes on the worker
  QFutureWatcher<ModelLoad> loader_;
  bool loading_model_ = false;
  int load_generation_ = 0;           // a result from an earlier (cancelled) load is dropped
  std::optional<int> pending_layer_;  // from a session whose model is still loading
  struct OpenedModel {
    QString path;
    std::shared_ptr<const attn::AttentionModel> model;
  };
  QList<OpenedModel> opened_models_;
  int current_model_ = 0;  // 0: the toy model; i: opened_models_[i - 1]
  std::shared_ptr<const attn::AttentionModel> toy_model_;
  QStringList recent_models_;
  QMenu* recent_models_menu_ = nullptr;
  QList<QShortcut*> layer_keys_;  // PageUp / PageDown
  std::vector<attn::ShippedModel> shipped_models_;
  QFutureWatcher<TranslationResult> translator_;
  std::shared_ptr<std::atomic<bool>> translate_cancel_;  // set while translating
  std::shared_ptr<const attn::Trace> computed_;
  std::shared_ptr<const attn::Trace> shown_;
  int layer_ = 0;
};

}  // namespace attn::ui
