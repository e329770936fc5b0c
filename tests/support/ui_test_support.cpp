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

void expect_same_scenario(const attn::Scenario& actual, const attn::Scenario& expected) {
  EXPECT_EQ(actual.source, expected.source);
  EXPECT_EQ(actual.target, expected.target);
  EXPECT_EQ(actual.config.mode, expected.config.mode);
  EXPECT_EQ(actual.config.heads, expected.config.heads);
  EXPECT_EQ(actual.config.d_model, expected.config.d_model);
  EXPECT_EQ(actual.config.seed, expected.config.seed);
  EXPECT_EQ(actual.config.score, expected.config.score);
  EXPECT_EQ(actual.config.mask.kind, expected.config.mask.kind);
  EXPECT_EQ(actual.config.temperature, expected.config.temperature);
  EXPECT_EQ(actual.config.positions, expected.config.positions);
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
