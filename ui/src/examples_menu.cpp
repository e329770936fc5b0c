#include "attn_ui/examples_menu.h"

#include <QCoreApplication>

#include "attn/examples.h"
#include "attn_ui/language.h"

namespace attn::ui {
namespace {

bool chinese_interface() { return installed_language() == QLatin1String("zh_CN"); }

QString in_language(const std::string& english, const std::string& chinese) {
  return QString::fromStdString(chinese_interface() && !chinese.empty() ? chinese : english);
}

// "I eat rice at home → 我在家吃饭", cut so a menu stays readable.
QString example_text(const attn::ShippedExample& example) {
  QString text = QString::fromStdString(example.source);
  if (!example.target.empty())
    text += QStringLiteral(" → ") + QString::fromStdString(example.target);
  constexpr int kMaxChars = 72;
  if (text.size() > kMaxChars) text = text.left(kMaxChars - 1) + QStringLiteral("…");
  return text;
}

}  // namespace

QString shipped_title(const attn::ShippedModel& model) {
  return in_language(model.title, model.title_zh);
}

QString shipped_summary(const attn::ShippedModel& model) {
  return in_language(model.summary, model.summary_zh);
}

const attn::ShippedExample* shipped_example(const attn::ShippedModel& model, int index) {
  if (index == 0) return &model.example;
  if (index < 0 || index > static_cast<int>(model.more_examples.size())) return nullptr;
  return &model.more_examples[static_cast<std::size_t>(index - 1)];
}

void fill_examples_menu(QMenu* menu, const std::vector<attn::ShippedModel>& shipped,
                        const std::function<void(const ExampleChoice&)>& chosen) {
  menu->clear();
  menu->setToolTipsVisible(true);
  for (const attn::ShippedModel& model : shipped) {
    const QString title = shipped_title(model);
    menu->addSection(title);
    const int count = 1 + static_cast<int>(model.more_examples.size());
    for (int i = 0; i < count; ++i) {
      QAction* action = menu->addAction(
          QStringLiteral("%1 — %2").arg(title, example_text(*shipped_example(model, i))));
      action->setToolTip(shipped_summary(model));
      const ExampleChoice choice{QString::fromStdString(model.name), i, {}};
      QObject::connect(action, &QAction::triggered, menu, [chosen, choice] { chosen(choice); });
    }
  }
  const QString toy = QCoreApplication::translate("ExamplesMenu", "Toy model (seeded)");
  menu->addSection(toy);
  for (const attn::Example& example : attn::builtin_examples()) {
    const QString name = QString::fromUtf8(example.name.data(), int(example.name.size()));
    QAction* action =
        menu->addAction(QStringLiteral("%1 — %2: %3").arg(toy, name, example_description(example)));
    const ExampleChoice choice{{}, 0, name};
    QObject::connect(action, &QAction::triggered, menu, [chosen, choice] { chosen(choice); });
  }
}

}  // namespace attn::ui
