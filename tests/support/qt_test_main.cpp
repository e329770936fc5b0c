// main() for widget tests: a QApplication (offscreen via the test's ENVIRONMENT), then gtest.
#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  // ctest sets QT_QPA_PLATFORM=offscreen per test; test discovery (--gtest_list_tests) runs
  // without it, and must not need a display either.
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("attnviz-tests"));
  QApplication::setApplicationName(QStringLiteral("attnviz-tests"));
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
