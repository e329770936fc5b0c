#include "attn_ui/language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QRegularExpression>
#include <QTranslator>
#include <functional>
#include <memory>
#include <vector>

namespace attn::ui {
namespace {

struct Installed {
  QString code = QStringLiteral("en");
  std::unique_ptr<QTranslator> app;
  std::unique_ptr<QTranslator> qt;
};

Installed& installed() {
  static Installed state;
  return state;
}

QString input_name(const QString& english) {
  if (english == QLatin1String("Target text"))
    return QCoreApplication::translate("Language", "Target text");
  return QCoreApplication::translate("Language", "Source text");
}

}  // namespace

QStringList interface_languages() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }

QString language_native_name(const QString& code) {
  return code == QLatin1String("zh_CN") ? QStringLiteral("简体中文") : QStringLiteral("English");
}

QString language_for_locale(const QLocale& locale) {
  return locale.language() == QLocale::Chinese ? QStringLiteral("zh_CN") : QStringLiteral("en");
}

QString startup_language(const QSettings& settings, const QLocale& system) {
  const QString chosen = settings.value(QStringLiteral("ui/language")).toString();
  return interface_languages().contains(chosen) ? chosen : language_for_locale(system);
}

bool install_language(const QString& code) {
  if (!interface_languages().contains(code)) return false;
  Installed& state = installed();
  if (state.app) QCoreApplication::removeTranslator(state.app.get());
  if (state.qt) QCoreApplication::removeTranslator(state.qt.get());
  state.app.reset();
  state.qt.reset();
  state.code = QStringLiteral("en");
  if (code == QLatin1String("en")) {
    // Removing translators already sent LanguageChange.
    return true;
  }
  auto app = std::make_unique<QTranslator>();
  if (!app->load(QStringLiteral(":/attnviz/i18n/attnviz_%1.qm").arg(code))) return false;
  auto qt = std::make_unique<QTranslator>();
  if (qt->load(QStringLiteral("qtbase_%1").arg(code),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt.get());
    state.qt = std::move(qt);
  }
  QCoreApplication::installTranslator(app.get());
  state.app = std::move(app);
  state.code = code;
  return true;
}

QString installed_language() { return installed().code; }

QString example_description(const attn::Example& example) {
  const std::string_view name = example.name;
  if (name == "animal")
    return QCoreApplication::translate(
        "Language", "What does \"it\" attend to? (Vaswani et al.'s coreference example)");
  if (name == "bank") return QCoreApplication::translate("Language", "One word, two meanings");
  if (name == "nlp-zh")
    return QCoreApplication::translate("Language",
                                       "我爱自然语言处理 (I love natural language processing)");
  if (name == "weather-zh")
    return QCoreApplication::translate("Language", "今天天气很好，我们去公园散步吧。");
  if (name == "cat")
    return QCoreApplication::translate("Language", "A short sentence for a single head");
  if (name == "love-zh-en")
    return QCoreApplication::translate("Language", "Translation pair: 我爱你 → I love you");
  if (name == "cat-fr-en")
    return QCoreApplication::translate("Language", "Translation pair: French → English");
  if (name == "study-en-zh")
    return QCoreApplication::translate("Language", "Translation pair: English → 中文");
  return QString::fromUtf8(example.description.data(), qsizetype(example.description.size()));
}

QString engine_message(const attn::Error& error) {
  const QString english = QString::fromStdString(error.message);
  struct Pattern {
    const char* regex;
    std::function<QString(const QRegularExpressionMatch&)> render;
  };
  static const std::vector<Pattern> patterns = {
      {R"(^(Source text|Target text) is empty: type at least one word$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate("Language", "%1 is empty: type at least one word")
             .arg(input_name(m.captured(1)));
       }},
      {R"(^(Source text|Target text) has (\d+) tokens; at most (\d+) are allowed$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate("Language", "%1 has %2 tokens; at most %3 are allowed")
             .arg(input_name(m.captured(1)), m.captured(2), m.captured(3));
       }},
      {R"(^(\d+) heads do not divide d_model = (\d+); head counts that do: (.+)$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate(
                    "Language", "%1 heads do not divide d_model = %2; head counts that do: %3")
             .arg(m.captured(1), m.captured(2), m.captured(3));
       }},
      {R"(^d_model must be between 1 and (\d+), not (-?\d+)$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate("Language", "d_model must be between 1 and %1, not %2")
             .arg(m.captured(1), m.captured(2));
       }},
      {R"(^the number of heads must be between 1 and (\d+), not (-?\d+)$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate("Language",
                                            "the number of heads must be between 1 and %1, not %2")
             .arg(m.captured(1), m.captured(2));
       }},
      {R"(^the temperature must be a finite number greater than 0, not (.+)$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate(
                    "Language", "the temperature must be a finite number greater than 0, not %1")
             .arg(m.captured(1));
       }},
      {R"(^(\d+) × (\d+) tokens with (\d+) heads would need ([\d.]+) GB .*$)",
       [](const QRegularExpressionMatch& m) {
         return QCoreApplication::translate(
                    "Language",
                    "%1 × %2 tokens with %3 heads would need %4 GB for scores and weights (at "
                    "most 2.1 GB): use fewer tokens or fewer heads")
             .arg(m.captured(1), m.captured(2), m.captured(3), m.captured(4));
       }},
  };
  for (const Pattern& pattern : patterns) {
    const QRegularExpressionMatch match =
        QRegularExpression(QString::fromUtf8(pattern.regex)).match(english);
    if (match.hasMatch()) return pattern.render(match);
  }
  return english;
}

}  // namespace attn::ui
