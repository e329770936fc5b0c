// attnviz — type sentences, choose self / multi-head / cross attention and a head count, and see
// every head's attention weights as heatmaps.
//
//   attnviz                      the window, with the inputs of the last session
//   attnviz --example NAME       the window on a built-in example (--list-examples shows them)
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <cstdio>

#include "attn/allocator_tuning.h"
#include "attn/examples.h"
#include "attn_ui/main_window.h"

namespace {

void list_examples() {
  for (const attn::Example& e : attn::builtin_examples()) {
    std::printf("%-12s %s\n", std::string(e.name).c_str(), std::string(e.description).c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  attn::keep_freed_memory_for_reuse();
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("attnviz"));
  QApplication::setApplicationName(QStringLiteral("attnviz"));
  QApplication::setApplicationVersion(QStringLiteral(ATTNVIZ_VERSION));
  QApplication::setDesktopFileName(QStringLiteral("attnviz"));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/attnviz/icons/attnviz.svg")));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("See every attention head's weights for the sentences you type."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption example_option(QStringLiteral("example"),
                                          QStringLiteral("Open on the built-in example NAME."),
                                          QStringLiteral("NAME"));
  const QCommandLineOption list_option(QStringLiteral("list-examples"),
                                       QStringLiteral("Print the built-in examples and exit."));
  parser.addOption(example_option);
  parser.addOption(list_option);
  parser.process(app);

  if (parser.isSet(list_option)) {
    list_examples();
    return 0;
  }
  const QString example = parser.value(example_option);
  if (!example.isEmpty() && attn::find_example(example.toStdString()) == nullptr) {
    std::fprintf(stderr, "attnviz: --example: no example called \"%s\"; choose one of:\n",
                 example.toLocal8Bit().constData());
    list_examples();
    return 2;
  }

  QSettings settings;
  attn::ui::MainWindow window(&settings);
  if (!example.isEmpty()) window.loadExample(example);
  window.show();
  return QApplication::exec();
}
