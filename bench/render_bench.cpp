// From an input change to a finished replot, offscreen: the latency a person feels while typing.
// The main window is shown at 1600×1000; each iteration changes the last word of the source
// text, then waits (in the event loop, no polling) until every heatmap has been redrawn. The
// window's own paint of the previous change happens inside the next iteration, so it is counted.
// The third argument is the tab shown while typing: 0 heatmaps, 1 pipeline, 2 lines.
//
//   bench_render [--benchmark_repetitions=5 ...]      targets: n=32,h=8 ≤ 16 ms; n=512,h=8 ≤ 100 ms
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QComboBox>
#include <QEventLoop>
#include <QLineEdit>
#include <QSettings>
#include <QTemporaryDir>

#include "attn/allocator_tuning.h"
#include "attn/random.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/main_window.h"
#include "attn_ui/model_grid_view.h"
#include "attn_ui/settings_panel.h"

#include <QTabWidget>

namespace {

QString sentence(int tokens, int variant) {
  QStringList words;
  for (int i = 0; i + 1 < tokens; ++i) words << QStringLiteral("word%1").arg(i % 97);
  words << QStringLiteral("last%1").arg(variant);
  return words.join(QLatin1Char(' '));
}

// Sets the text and runs the event loop until the view has drawn the new trace.
void change_and_wait(attn::ui::MainWindow& window, const QString& text) {
  QEventLoop loop;
  const QMetaObject::Connection shown = QObject::connect(
      window.heatmapView(), &attn::ui::HeatmapView::traceShown, &loop, &QEventLoop::quit);
  window.settingsPanel()->sourceEdit()->setText(text);
  loop.exec();
  QObject::disconnect(shown);
}

void BM_InputToReplot(benchmark::State& state) {
  const int tokens = static_cast<int>(state.range(0));
  const int heads = static_cast<int>(state.range(1));
  QTemporaryDir dir;
  QSettings settings(dir.filePath(QStringLiteral("bench.ini")), QSettings::IniFormat);
  attn::ui::MainWindow window(&settings);
  window.resize(1600, 1000);
  window.show();
  window.tabs()->setCurrentIndex(static_cast<int>(state.range(2)));
  QComboBox* heads_box = window.settingsPanel()->headsBox();
  heads_box->setCurrentIndex(heads_box->findData(heads));
  // Warm, as during a lesson: parameters, token vectors, glyphs and label pixmaps cached.
  for (int variant = 0; variant < 10; ++variant)
    change_and_wait(window, sentence(tokens, variant % 2));
  int variant = 0;
  for (auto _ : state) change_and_wait(window, sentence(tokens, variant++ % 2));
  state.counters["panels"] = window.heatmapView()->panelCount();
}

BENCHMARK(BM_InputToReplot)
    ->Args({8, 4, 0})
    ->Args({32, 8, 0})
    ->Args({64, 16, 0})
    ->Args({128, 8, 0})
    ->Args({512, 8, 0})
    ->Args({32, 8, 1})
    ->Args({128, 8, 1})
    ->Args({32, 8, 2})
    ->Args({128, 8, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The model view of a GPT-2-small-shaped trace (12 layers × 12 heads of n × n softmax rows):
// from a new trace to a finished paint at 1600×1000 (target ≤ 100 ms at n = 128).
void BM_ModelViewRedraw(benchmark::State& state) {
  const int tokens = static_cast<int>(state.range(0));
  auto make_trace = [tokens](std::uint64_t seed) {
    auto trace = std::make_shared<attn::Trace>();
    trace->source_tokens.resize(std::size_t(tokens));
    attn::SplitMix64 rng(seed);
    for (int layer = 0; layer < 12; ++layer) {
      attn::AttentionBlock block;
      block.name = "h." + std::to_string(layer) + ".attn";
      block.layer = layer;
      for (int h = 0; h < 12; ++h) {
        attn::Matrix w(tokens, tokens);
        for (int r = 0; r < tokens; ++r)
          for (int c = 0; c < tokens; ++c) w(r, c) = c <= r ? float(rng.next_unit()) : 0.0f;
        for (int r = 0; r < tokens; ++r) w.row(r) /= w.row(r).sum();
        block.head.push_back({attn::Matrix(), std::move(w)});
        block.kv_head.push_back(h);
      }
      trace->blocks.push_back(std::move(block));
    }
    return std::shared_ptr<const attn::Trace>(std::move(trace));
  };
  const std::shared_ptr<const attn::Trace> traces[2] = {make_trace(1), make_trace(2)};
  attn::ui::ModelGridView view;
  view.resize(1600, 1000);
  view.show();
  int variant = 0;
  for (auto _ : state) {
    view.setTrace(traces[variant++ % 2]);
    benchmark::DoNotOptimize(view.grab());  // paintEvent now, thumbnails included
  }
}

BENCHMARK(BM_ModelViewRedraw)->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
