#include "attn_ui/scenario_settings.h"

#include <QJsonDocument>

#include "attn_ui/session_file.h"

namespace attn::ui {

void save_scenario(QSettings& settings, const attn::Scenario& s) {
  settings.setValue(QStringLiteral("input/source"), QString::fromStdString(s.source));
  settings.setValue(QStringLiteral("input/target"), QString::fromStdString(s.target));
  const attn::AttentionConfig& c = s.config;
  settings.setValue(QStringLiteral("config/mode"),
                    QString::fromUtf8(attn::to_string(c.mode).data()));
  settings.setValue(QStringLiteral("config/heads"), c.heads);
  settings.setValue(QStringLiteral("config/d_model"), c.d_model);
  settings.setValue(QStringLiteral("config/seed"), QString::number(c.seed));
  settings.setValue(QStringLiteral("config/score"),
                    QString::fromUtf8(attn::to_string(c.score).data()));
  settings.setValue(QStringLiteral("config/mask"),
                    QString::fromUtf8(attn::to_string(c.mask.kind).data()));
  QJsonObject clicked;  // the hidden keys or cells, as a session keeps them
  mask_to_json(c.mask, &clicked);
  settings.setValue(QStringLiteral("config/mask_positions"),
                    QString::fromUtf8(QJsonDocument(clicked).toJson(QJsonDocument::Compact)));
  settings.setValue(QStringLiteral("config/temperature"), double(c.temperature));
  settings.setValue(QStringLiteral("config/positions"), c.positions);
}

bool load_scenario(const QSettings& settings, attn::Scenario* s) {
  if (!settings.contains(QStringLiteral("input/source"))) return false;
  const attn::AttentionConfig defaults;
  attn::AttentionConfig& c = s->config;
  s->source = settings.value(QStringLiteral("input/source")).toString().toStdString();
  s->target = settings.value(QStringLiteral("input/target")).toString().toStdString();
  const auto text = [&](const char* key) {
    return settings.value(QLatin1String(key)).toString().toStdString();
  };
  c.mode = attn::parse_mode(text("config/mode")).value_or(defaults.mode);
  c.score = attn::parse_score_function(text("config/score")).value_or(defaults.score);
  c.mask.kind = attn::parse_mask_kind(text("config/mask")).value_or(defaults.mask.kind);
  const QJsonObject clicked =
      QJsonDocument::fromJson(settings.value(QStringLiteral("config/mask_positions")).toByteArray())
          .object();
  if (QString why; !mask_from_json(clicked, &c.mask, &why)) c.mask = attn::MaskSpec{};
  bool ok = false;
  c.heads = settings.value(QStringLiteral("config/heads")).toInt(&ok);
  if (!ok) c.heads = defaults.heads;
  c.d_model = settings.value(QStringLiteral("config/d_model")).toInt(&ok);
  if (!ok) c.d_model = defaults.d_model;
  c.seed = settings.value(QStringLiteral("config/seed")).toString().toULongLong(&ok);
  if (!ok) c.seed = defaults.seed;
  c.temperature = settings.value(QStringLiteral("config/temperature")).toFloat(&ok);
  if (!ok) c.temperature = defaults.temperature;
  c.positions = settings.value(QStringLiteral("config/positions"), defaults.positions).toBool();
  return true;
}

}  // namespace attn::ui
