// 简体中文: switching the language changes the visible text at once (menus, controls, panel
// titles, engine messages), keeps what was typed, and comes back on the next start.
#include <gtest/gtest.h>

#include <QLineEdit>
#include <QMenuBar>
#include <QTabWidget>

#include "attn_ui/heatmap_panel.h"
#include "attn_ui/heatmap_view.h"
#include "attn_ui/language.h"
#include "attn_ui/settings_panel.h"
#include "ui_test_support.h"

namespace {

using attn::test::settle;
using attn::test::WindowFixture;

QStringList menu_titles(const attn::ui::MainWindow& window) {
  QStringList titles;
  for (QAction* action : window.menuBar()->actions()) titles << action->text();
  return titles;
}

struct EnglishAfterwards {
  ~EnglishAfterwards() { attn::ui::install_language(QStringLiteral("en")); }
};

TEST(Language, SwitchingToChineseChangesTheVisibleTextAndKeepsTheInput) {
  EnglishAfterwards restore;
  WindowFixture f;
  attn::Scenario s = f.window->settingsPanel()->scenario();
  s.source = "我们 学习 注意力";
  s.config.heads = 8;
  f.window->settingsPanel()->setScenario(s);
  settle(*f.window);
  ASSERT_EQ(menu_titles(*f.window).first(), QStringLiteral("&File"));

  f.window->setLanguage(QStringLiteral("zh_CN"));
  settle(*f.window);
  EXPECT_EQ(menu_titles(*f.window),
            (QStringList{"文件(&F)", "编辑(&E)", "视图(&V)", "示例(&X)", "帮助(&H)"}));
  EXPECT_EQ(f.window->tabs()->tabText(1), QStringLiteral("计算流程（逐步）(&P)"));
  EXPECT_EQ(f.window->heatmapView()->panel(0)->title(), QStringLiteral("第 1 个头"));
  EXPECT_EQ(f.window->windowTitle(), QStringLiteral("attnviz — 逐头查看注意力"));
  // The inputs and settings are as they were.
  EXPECT_EQ(f.window->settingsPanel()->sourceEdit()->text(), QStringLiteral("我们 学习 注意力"));
  EXPECT_EQ(f.window->settingsPanel()->scenario().config.heads, 8);
  EXPECT_EQ(f.settings->value(QStringLiteral("ui/language")).toString(), QStringLiteral("zh_CN"));

  // The engine's messages too.
  f.window->settingsPanel()->sourceEdit()->setText(QString());
  settle(*f.window);
  EXPECT_EQ(f.window->settingsPanel()->errorText(attn::InputField::Source),
            QStringLiteral("源文本为空：请至少输入一个词"));

  f.window->setLanguage(QStringLiteral("en"));
  EXPECT_EQ(menu_titles(*f.window).first(), QStringLiteral("&File"));
}

TEST(Language, FollowsTheSystemLocaleAndTranslatesExamplesAndMessages) {
  EnglishAfterwards restore;
  EXPECT_EQ(attn::ui::language_for_locale(QLocale(QStringLiteral("zh_CN"))),
            QStringLiteral("zh_CN"));
  EXPECT_EQ(attn::ui::language_for_locale(QLocale(QStringLiteral("zh_TW"))),
            QStringLiteral("zh_CN"));
  EXPECT_EQ(attn::ui::language_for_locale(QLocale(QStringLiteral("en_GB"))), QStringLiteral("en"));
  EXPECT_EQ(attn::ui::language_for_locale(QLocale(QStringLiteral("de_DE"))), QStringLiteral("en"));
  EXPECT_FALSE(attn::ui::install_language(QStringLiteral("tlh")));

  ASSERT_TRUE(attn::ui::install_language(QStringLiteral("zh_CN")));
  EXPECT_EQ(attn::ui::installed_language(), QStringLiteral("zh_CN"));
  EXPECT_EQ(attn::ui::example_description(*attn::find_example("bank")), QStringLiteral("一词两义"));
  EXPECT_EQ(attn::ui::engine_message({attn::InputField::Heads,
                                      "3 heads do not divide d_model = 64; head counts that do: "
                                      "1, 2, 4, 8, 16, 32, 64"}),
            QStringLiteral("3 个头不能整除 d_model = 64；可整除的头数：1, 2, 4, 8, 16, 32, 64"));
  EXPECT_EQ(attn::ui::engine_message({attn::InputField::Other, "something new"}),
            QStringLiteral("something new"));
}

TEST(Language, AChosenLanguageComesBackOnTheNextStart) {
  EnglishAfterwards restore;
  WindowFixture f;
  f.window->setLanguage(QStringLiteral("zh_CN"));
  f.window->saveSettings();
  // At start the saved choice wins over the system locale; without one, the locale decides.
  EXPECT_EQ(attn::ui::startup_language(*f.settings, QLocale(QStringLiteral("en_US"))),
            QStringLiteral("zh_CN"));
  QSettings fresh(f.dir.filePath(QStringLiteral("fresh.ini")), QSettings::IniFormat);
  EXPECT_EQ(attn::ui::startup_language(fresh, QLocale(QStringLiteral("zh_CN"))),
            QStringLiteral("zh_CN"));
  EXPECT_EQ(attn::ui::startup_language(fresh, QLocale(QStringLiteral("fr_FR"))),
            QStringLiteral("en"));
  attn::ui::install_language(attn::ui::startup_language(*f.settings));
  const auto second = f.reopen();
  EXPECT_EQ(menu_titles(*second).first(), QStringLiteral("文件(&F)"));
}

}  // namespace
