#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <memory>
#include <optional>

#include "attn/expected.h"
#include "attn/models/toy_model.h"

namespace attn::ui {

/// Runs the engine for the latest input as a person types. Requests made in one pass of the
/// event loop are coalesced (debounce); small inputs run on the UI thread so the result is on
/// screen within the same frame; large ones run on a worker thread so typing never freezes, and
/// only the newest request waiting meanwhile is run next. One run at a time.
class LiveEngine : public QObject {
  Q_OBJECT

 public:
  explicit LiveEngine(QObject* parent = nullptr);
  ~LiveEngine() override;

  /// Ask for `scenario` to be computed; the answer comes as finished() or failed().
  void request(const attn::Scenario& scenario);
  /// The model later requests run on (the toy model at first). A run under way finishes with
  /// the model it started with.
  void setModel(std::shared_ptr<const attn::AttentionModel> model);
  const std::shared_ptr<const attn::AttentionModel>& model() const { return model_; }
  /// Whether a run is under way or waiting.
  bool busy() const;
  /// Runs above this estimated work (multiply-adds) go to the worker thread.
  void setInlineWorkLimit(double limit) { inline_work_limit_ = limit; }
  /// Estimated multiply-adds of one run: projections plus scores plus weights·V.
  static double estimatedWork(const attn::Scenario& scenario);
  /// Milliseconds the last run took in the engine.
  double lastRunMilliseconds() const { return last_run_ms_; }

 signals:
  void finished(std::shared_ptr<const attn::Trace> trace);
  void failed(const attn::Error& error);
  /// A run went to the worker thread (true), or the worker has nothing more to do (false):
  /// the window shows a busy indicator meanwhile.
  void workerBusyChanged(bool busy);

 private:
  struct Outcome {
    std::shared_ptr<const attn::Trace> trace;  // null when the input was refused
    attn::Error error;
    double milliseconds = 0;
  };
  void startPending();
  void deliver(Outcome outcome);
  /// Runs `scenario` on `model`, reusing `previous` (the last trace shown, may be null) where
  /// the model can (a decoder computes only the tokens typed since).
  static Outcome compute(const attn::AttentionModel& model, const attn::Scenario& scenario,
                         const std::shared_ptr<const attn::Trace>& previous);
  /// estimatedWork for the toy model; for a checkpoint, about 2 multiply-adds per parameter
  /// and token.
  double workFor(const attn::Scenario& scenario) const;

  // Shared, so that each trace can ask the model that made it for a block's intermediates.
  std::shared_ptr<const attn::AttentionModel> model_ = std::make_shared<const attn::ToyModel>();
  std::optional<attn::Scenario> pending_;
  QTimer debounce_;
  QFutureWatcher<Outcome> worker_;
  bool worker_running_ = false;
  double inline_work_limit_ = 4e6;  // about 1 ms of engine time on one core
  double last_run_ms_ = 0;
  std::shared_ptr<const attn::Trace> last_trace_;  // the newest trace delivered
};

}  // namespace attn::ui

Q_DECLARE_METATYPE(std::shared_ptr<const attn::Trace>)
Q_DECLARE_METATYPE(attn::Error)
