#pragma once

// A shipped model as resources/models holds one, made from the tiny GPT-2 checkpoint: for the
// window's and command line's tests of `--model NAME`, the Examples menu and the first start.

#include <QString>
#include <QTemporaryDir>

namespace attn::test {

/// The name, focus and examples written into the tiny shipped model's attnviz.json.
inline const QString kDemoModel = QStringLiteral("demo-gpt2");
inline const QString kDemoTitle = QStringLiteral("Demo GPT-2");
inline constexpr int kDemoFocusLayer = 1;
inline constexpr int kDemoFocusHead = 2;
inline const QString kDemoExample = QStringLiteral("the cat sat on the mat");
inline const QString kDemoMoreExample = QStringLiteral("a dog ran");

/// `root`/demo-gpt2 with the tiny GPT-2 and its attnviz.json, and $ATTNVIZ_MODELS_DIR set to
/// `root` so shipped_model_roots() finds it first. Returns the model's folder.
QString add_demo_shipped_model(const QTemporaryDir& root);

}  // namespace attn::test
