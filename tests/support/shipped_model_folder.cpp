#include "shipped_model_folder.h"

#include <QFile>
#include <cstdlib>

#include "tiny_model_folders.h"

namespace attn::test {

QString add_demo_shipped_model(const QTemporaryDir& root) {
  const QString folder = root.filePath(kDemoModel);
  attn::testing::write_tiny_gpt2_folder(folder.toStdString());
  QFile card(folder + QStringLiteral("/attnviz.json"));
  if (card.open(QIODevice::WriteOnly)) {
    card.write(QStringLiteral(R"({"name": "%1", "title": "%2", "title_zh": "演示 GPT-2",
      "summary": "A tiny untrained GPT-2 for tests.", "family": "gpt2",
      "focus": {"layer": %3, "head": %4},
      "example": {"source": "%5", "target": ""},
      "more_examples": [{"source": "%6", "target": ""}]})")
                   .arg(kDemoModel, kDemoTitle)
                   .arg(kDemoFocusLayer)
                   .arg(kDemoFocusHead)
                   .arg(kDemoExample, kDemoMoreExample)
                   .toUtf8());
  }
  ::setenv("ATTNVIZ_MODELS_DIR", root.path().toLocal8Bit().constData(), 1);
  return folder;
}

}  // namespace attn::test
