#include "attn_ui/model_box.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include "attn/models/model_config.h"

namespace attn::ui {
namespace {

QString family_name(attn::Family family) {
  switch (family) {
    case attn::Family::Toy:
      return QObject::tr("toy (seeded random weights)");
    case attn::Family::Gpt2:
      return QStringLiteral("GPT-2");
    case attn::Family::Bert:
      return QStringLiteral("BERT");
    case attn::Family::Llama:
      return QStringLiteral("Llama");
    case attn::Family::Llama2c:
      return QStringLiteral("llama2.c");
    case attn::Family::Marian:
      return QStringLiteral("Marian");
  }
  return {};
}

// 124,439,808 → "124.4 M"; 260,000 → "260 k".
QString short_count(std::int64_t n) {
  const QLocale locale;
  if (n >= 1000000000) return QObject::tr("%1 G").arg(locale.toString(double(n) / 1e9, 'f', 2));
  if (n >= 1000000) return QObject::tr("%1 M").arg(locale.toString(double(n) / 1e6, 'f', 1));
  if (n >= 1000) return QObject::tr("%1 k").arg(locale.toString(double(n) / 1e3, 'f', 0));
  return locale.toString(qlonglong(n));
}

}  // namespace

ModelBox::ModelBox(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("modelBox"));
  combo_ = new QComboBox;
  combo_->setObjectName(QStringLiteral("modelCombo"));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo_->setMinimumContentsLength(12);
  open_ = new QPushButton(tr("Open…"));
  open_->setToolTip(tr("Open a Hugging Face model folder or a llama2.c .bin file"));
  card_ = new QLabel;
  card_->setObjectName(QStringLiteral("modelCard"));
  card_->setWordWrap(true);
  card_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem_ = new QLabel;
  problem_->setObjectName(QStringLiteral("modelProblem"));
  problem_->setWordWrap(true);
  problem_->setStyleSheet(QStringLiteral("color: #b00020;"));
  problem_->hide();

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Model")));
  row->addWidget(combo_, 1);
  row->addWidget(open_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  layout->addWidget(card_);
  layout->addWidget(problem_);

  connect(combo_, qOverload<int>(&QComboBox::activated), this, &ModelBox::modelChosen);
  connect(open_, &QPushButton::clicked, this, &ModelBox::openRequested);
  setModels({}, {}, 0);
  setCard(attn::ModelInfo{});
}

void ModelBox::setModels(const QStringList& names, const QStringList& paths, int current) {
  const QSignalBlocker quiet(combo_);
  combo_->clear();
  combo_->addItem(tr("Toy model (seeded)"));
  combo_->setItemData(0, tr("Random weights from the seed below: the settings choose its shape"),
                      Qt::ToolTipRole);
  for (int i = 0; i < names.size(); ++i) {
    combo_->addItem(names[i]);
    combo_->setItemData(i + 1, paths.value(i), Qt::ToolTipRole);
  }
  combo_->setCurrentIndex(std::clamp(current, 0, combo_->count() - 1));
}

QString ModelBox::cardText(const attn::ModelInfo& info) {
  if (info.family == attn::Family::Toy) {
    return tr(
        "Seeded random weights: a class sees how attention is computed, not what a "
        "trained model learned.");
  }
  const QLocale locale;
  QStringList lines;
  lines << tr("Family: %1").arg(family_name(info.family));
  QString heads = tr("%1 layers × %2 heads").arg(info.layers).arg(info.heads);
  if (info.kv_heads > 0 && info.kv_heads != info.heads)
    heads += tr(" (%1 key/value heads)").arg(info.kv_heads);
  lines << heads;
  lines << tr("d_model %1 (head width %2)").arg(info.d_model).arg(info.head_dim);
  lines << tr("Vocabulary: %1 tokens · context %2")
               .arg(locale.toString(info.vocab_size), locale.toString(info.max_tokens));
  lines << tr("%1 parameters · %2 · %3 MB on disk")
               .arg(short_count(info.parameters), QString::fromStdString(info.dtype),
                    locale.toString(double(info.file_bytes) / (1 << 20), 'f', 1));
  for (const std::string& warning : info.warnings)
    lines << tr("Warning: %1").arg(QString::fromStdString(warning));
  return lines.join(QLatin1Char('\n'));
}

void ModelBox::setCard(const attn::ModelInfo& info) { card_->setText(cardText(info)); }

void ModelBox::setProblem(const QString& message) {
  problem_->setText(message);
  problem_->setVisible(!message.isEmpty());
}

}  // namespace attn::ui
