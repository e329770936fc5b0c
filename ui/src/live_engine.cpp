#include "attn_ui/live_engine.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

#include "attn/text/tokenizer.h"
#include "attn/threading.h"

namespace attn::ui {

LiveEngine::LiveEngine(QObject* parent) : QObject(parent) {
  // Inline runs are small; threads spinning after them would slow the redraw that follows.
  attn::use_only_this_thread_for_engine_runs();
  debounce_.setSingleShot(true);
  debounce_.setInterval(0);  // coalesce edits from one event-loop pass, add no latency
  connect(&debounce_, &QTimer::timeout, this, &LiveEngine::startPending);
  connect(&worker_, &QFutureWatcher<Outcome>::finished, this, [this] {
    worker_running_ = false;
    deliver(worker_.result());
    if (pending_)
      debounce_.start();
    else
      emit workerBusyChanged(false);
  });
}

LiveEngine::~LiveEngine() { worker_.waitForFinished(); }

void LiveEngine::request(const attn::Scenario& scenario) {
  pending_ = scenario;
  if (!worker_running_) debounce_.start();
}

void LiveEngine::setModel(std::shared_ptr<const attn::AttentionModel> model) {
  if (!model) return;
  model_ = std::move(model);
  last_trace_.reset();  // made by the other model: nothing to reuse
}

double LiveEngine::workFor(const attn::Scenario& scenario) const {
  const attn::ModelInfo info = model_->info();
  if (info.family == attn::Family::Toy) return estimatedWork(scenario);
  // Typed words give about 1.3 pieces each; a rough count is enough to pick the thread.
  const double pieces = 1.3 * double(scenario.source.size() + scenario.target.size()) / 5.0 + 2;
  return 2.0 * double(info.parameters) * pieces;
}

bool LiveEngine::busy() const { return worker_running_ || pending_.has_value(); }

double LiveEngine::estimatedWork(const attn::Scenario& scenario) {
  const attn::AttentionConfig& c = scenario.config;
  const auto count = [](const std::string& text) {
    attn::Expected<std::vector<attn::Token>> tokens = attn::tokenize(text);
    return tokens ? double(tokens->size()) : 0.0;
  };
  const double n_k = count(scenario.source);
  const double n_q = c.mode == attn::Mode::Cross ? count(scenario.target) : n_k;
  const double d = std::max(1, c.d_model);
  const double h = std::max(1, c.effective_heads());
  const double d_k = d / h;
  const double per_score = c.score == attn::ScoreFunction::Additive ? 20.0 * d_k : d_k;
  return (n_q + 2 * n_k) * d * d + n_q * d * d + h * n_q * n_k * (per_score + d_k);
}

LiveEngine::Outcome LiveEngine::compute(const attn::AttentionModel& model,
                                        const attn::Scenario& scenario,
                                        const std::shared_ptr<const attn::Trace>& previous) {
  QElapsedTimer clock;
  clock.start();
  attn::Expected<attn::Trace> result =
      previous ? model.run_after(scenario, *previous) : model.run(scenario);
  Outcome outcome;
  if (result.ok())
    outcome.trace = std::make_shared<const attn::Trace>(std::move(result).value());
  else
    outcome.error = result.error();
  outcome.milliseconds = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  return outcome;
}

void LiveEngine::startPending() {
  if (!pending_ || worker_running_) return;
  attn::Scenario scenario = std::move(*pending_);
  pending_.reset();
  if (workFor(scenario) <= inline_work_limit_) {
    deliver(compute(*model_, scenario, last_trace_));
    emit workerBusyChanged(false);  // after a worker run that had this one waiting
    return;
  }
  emit workerBusyChanged(true);
  worker_running_ = true;
  // The worker keeps its own references: the model may be replaced while it runs.
  worker_.setFuture(QtConcurrent::run([model = model_, scenario, previous = last_trace_] {
    return compute(*model, scenario, previous);
  }));
}

void LiveEngine::deliver(Outcome outcome) {
  last_run_ms_ = outcome.milliseconds;
  if (outcome.trace) {
    last_trace_ = outcome.trace;
    emit finished(std::move(outcome.trace));
  } else {
    emit failed(outcome.error);
  }
}

}  // namespace attn::ui
