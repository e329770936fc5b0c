#include "ui_test_support.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QInputMethodEvent>
#include <QLineEdit>
#include <QTest>

#include "attn_ui/live_engine.h"
#include "attn_ui/settings_panel.h"

namespace attn::test {

WindowFixture::WindowFixture() {
  settings = std::make_unique<QSettings>(settingsPath(), QSettings::IniFormat);
  window = std::make_unique<attn::ui::MainWindow>(settings.get());
  window->resize(1400, 900);
  window->show();
  settle(*window);
}

std::unique_ptr<attn::ui::MainWindow> WindowFixture::reopen() {
  auto second = std::make_unique<attn::ui::MainWindow>(settings.get());
  second->show();
  settle(*second);
  return second;
}

void settle(attn::ui::MainWindow& window) {
  const bool idle = QTest::qWaitFor([&] { return !window.engine()->busy(); }, 60000);
  ASSERT_TRUE(idle) << "the engine did not finish within a minute";
}

void type_source(attn::ui::MainWindow& window, const QString& text) {
  QLineEdit* edit = window.settingsPanel()->sourceEdit();
  edit->setFocus();
  edit->selectAll();
  QTest::keyClick(edit, Qt::Key_Backspace);
  for (const QChar c : text) {
    if (c.unicode() < 0x80) {
      QTest::keyClicks(edit, QString(c));
    } else {
      // Chinese arrives through an input method: a committed string, not a key press.
      QInputMethodEvent commit;
      commit.setCommitString(QString(c));
      QCoreApplication::sendEvent(edit, &commit);
    }
  }
  settle(window);
}

}  // namespace attn::test
