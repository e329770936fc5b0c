#include "attn_ui/session_file.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attn/validation.h"
#include "attn_ui/data_export.h"
#include "attn_ui/gradients.h"

namespace attn::ui {
namespace {

const QString kFormat = QStringLiteral("attnviz-session");
constexpr qint64 kMaxSessionBytes = 4 << 20;  // texts are at most a few thousand tokens
// Real models have more heads than the toy model allows (Llama 3 70B: 64; some: 128).
constexpr int kMaxSessionHeads = 1024;
constexpr int kMaxSessionLayers = 1024;
// A clicked mask: positions inside any text a session can hold, at most a 4096² box of cells.
constexpr int kMaxMaskPosition = 100000;
constexpr qint64 kMaxMaskCells = qint64(4096) * 4096;

QString text(const std::string& s) { return QString::fromStdString(s); }

// "4", "4.5", "200": megabytes with one decimal when it is not whole.
QString megabytes(qint64 bytes) {
  QString text = QString::number(double(bytes) / (1 << 20), 'f', 1);
  if (text.endsWith(QLatin1String(".0"))) text.chop(2);
  return text;
}

QString system_error(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

// Reads at most `limit` + 1 bytes of `path`, whatever it is: a file, a pipe, a FIFO or a device.
// Pipes and devices report a size of 0, so only a bounded read keeps /dev/zero or `yes` from
// filling memory. Opening without blocking keeps a FIFO that nobody writes to from hanging
// (it then reads as empty); reads block again, so a slow writer is still read in full. On
// failure returns false and sets `why` to the reason, naming the limit when it is passed.
bool read_bounded(const QString& path, qint64 limit, QByteArray* bytes, QString* why) {
  const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    *why = system_error(errno);
    return false;
  }
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > limit) {
    ::close(fd);  // a regular file's size is true: refuse without reading
    *why = QObject::tr("at %1 MB it is too large for a session (at most %2 MB)")
               .arg(megabytes(info.st_size), megabytes(limit));
    return false;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  QByteArray data(limit + 1, Qt::Uninitialized);
  qint64 got = 0;
  while (got < data.size()) {
    const ssize_t n = ::read(fd, data.data() + got, size_t(data.size() - got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = system_error(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;  // end of file, or a pipe whose writers are gone
    got += n;
  }
  ::close(fd);
  if (got > limit) {
    *why = QObject::tr("it holds more than %1 MB, too large for a session").arg(megabytes(limit));
    return false;
  }
  data.truncate(got);
  *bytes = std::move(data);
  return true;
}

// A position of a hidden key or cell: a whole number from 0 to kMaxMaskPosition.
std::optional<int> mask_position(const QJsonValue& value) {
  const double d = value.toDouble(-1);
  if (!value.isDouble() || d != std::floor(d) || d < 0 || d > kMaxMaskPosition) return std::nullopt;
  return int(d);
}

QJsonObject scenario_to_json(const attn::Scenario& s) {
  const attn::AttentionConfig& c = s.config;
  QJsonObject scenario{
      {QStringLiteral("source"), text(s.source)},
      {QStringLiteral("target"), text(s.target)},
      {QStringLiteral("mode"), text(std::string(attn::to_string(c.mode)))},
      {QStringLiteral("heads"), c.heads},
      {QStringLiteral("d_model"), c.d_model},
      // A string: JSON numbers lose integers above 2^53.
      {QStringLiteral("seed"), QString::number(c.seed)},
      {QStringLiteral("score"), text(std::string(attn::to_string(c.score)))},
      {QStringLiteral("mask"), text(std::string(attn::to_string(c.mask.kind)))},
      {QStringLiteral("temperature"), double(c.temperature)},
      {QStringLiteral("positions"), c.positions},
  };
  mask_to_json(c.mask, &scenario);
  return scenario;
}

// Reads one member with its check; the first problem found is kept in `why`.
class Reader {
 public:
  explicit Reader(const QJsonObject& object) : object_(object) {}
  QString why;

  QString string(const char* key) {
    const QJsonValue v = object_.value(QLatin1String(key));
    if (!v.isString()) fail(key, QStringLiteral("text"));
    return v.toString();
  }
  int integer(const char* key, int low, int high) {
    const QJsonValue v = object_.value(QLatin1String(key));
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < low || d > high) {
      fail(key, QStringLiteral("a whole number from %1 to %2").arg(low).arg(high));
      return low;  // int(d) of a missing (NaN) or huge value is undefined behaviour
    }
    return int(d);
  }
  bool boolean(const char* key) {
    const QJsonValue v = object_.value(QLatin1String(key));
    if (!v.isBool()) fail(key, QStringLiteral("true or false"));
    return v.toBool();
  }
  // An optional member: `fallback` when absent.
  bool boolean_or(const char* key, bool fallback) {
    return object_.contains(QLatin1String(key)) ? boolean(key) : fallback;
  }
  int integer_or(const char* key, int low, int high, int fallback) {
    return object_.contains(QLatin1String(key)) ? integer(key, low, high) : fallback;
  }
  double number(const char* key) {
    const QJsonValue v = object_.value(QLatin1String(key));
    if (!v.isDouble()) fail(key, QStringLiteral("a number"));
    return v.toDouble();
  }
  template <class T, class Parse>
  T named(const char* key, Parse parse, const QString& allowed) {
    const std::optional<T> value = parse(string(key).toStdString());
    if (!value) {
      fail(key, allowed);
      return T{};
    }
    return *value;
  }

 private:
  void fail(const char* key, const QString& expected) {
    if (why.isEmpty()) why = QObject::tr("\"%1\" should be %2").arg(QLatin1String(key), expected);
  }
  QJsonObject object_;
};

const std::array<std::pair<attn::PairFilter, const char*>, 5> kPairNames{{
    {attn::PairFilter::All, "all"},
    {attn::PairFilter::AToA, "a_to_a"},
    {attn::PairFilter::BToB, "b_to_b"},
    {attn::PairFilter::AToB, "a_to_b"},
    {attn::PairFilter::BToA, "b_to_a"},
}};

QString pair_name(attn::PairFilter pair) {
  for (const auto& [value, name] : kPairNames)
    if (value == pair) return QLatin1String(name);
  return QStringLiteral("all");
}

std::optional<attn::PairFilter> parse_pair(const std::string& text) {
  for (const auto& [value, name] : kPairNames)
    if (text == name) return value;
  return std::nullopt;
}

}  // namespace

// Padding: the hidden key positions; Custom: the hidden cells as [query, key] (0-based). Only
// what was clicked is kept; the mask's shape follows the text (MaskSpec::fit_to_input).
void mask_to_json(const attn::MaskSpec& mask, QJsonObject* scenario) {
  if (mask.kind == attn::MaskKind::Padding) {
    QJsonArray keys;
    for (int key : mask.hidden_keys) keys.append(key);
    scenario->insert(QStringLiteral("hidden_keys"), keys);
  }
  if (mask.kind == attn::MaskKind::Custom) {
    QJsonArray cells;
    for (Eigen::Index i = 0; i < mask.allowed.rows(); ++i)
      for (Eigen::Index j = 0; j < mask.allowed.cols(); ++j)
        if (!mask.allowed(i, j)) cells.append(QJsonArray{int(i), int(j)});
    scenario->insert(QStringLiteral("hidden_cells"), cells);
  }
}

// Reads "hidden_keys" / "hidden_cells" for a padding or custom mask; false with `why` set.
bool mask_from_json(const QJsonObject& scenario, attn::MaskSpec* mask, QString* why) {
  mask->fit_to_input = true;
  mask->hidden_keys.clear();
  mask->allowed.resize(0, 0);
  const QString range = QObject::tr("whole numbers from 0 to %1").arg(kMaxMaskPosition);
  if (mask->kind == attn::MaskKind::Padding) {
    const QJsonValue keys = scenario.value(QStringLiteral("hidden_keys"));
    if (!keys.isArray() && !keys.isUndefined()) {
      *why = QObject::tr("\"hidden_keys\" should be a list of %1").arg(range);
      return false;
    }
    for (const QJsonValue& key : keys.toArray()) {
      const std::optional<int> position = mask_position(key);
      if (!position) {
        *why = QObject::tr("\"hidden_keys\" should be a list of %1").arg(range);
        return false;
      }
      mask->hidden_keys.push_back(*position);
    }
  }
  if (mask->kind == attn::MaskKind::Custom) {
    const QJsonValue cells = scenario.value(QStringLiteral("hidden_cells"));
    const QString expected =
        QObject::tr("\"hidden_cells\" should be a list of [query, key] pairs of %1").arg(range);
    if (!cells.isArray() && !cells.isUndefined()) {
      *why = expected;
      return false;
    }
    std::vector<std::pair<int, int>> hidden;
    int rows = 0, columns = 0;
    for (const QJsonValue& cell : cells.toArray()) {
      const QJsonArray pair = cell.toArray();
      const std::optional<int> row = pair.size() == 2 ? mask_position(pair[0]) : std::nullopt;
      const std::optional<int> column = pair.size() == 2 ? mask_position(pair[1]) : std::nullopt;
      if (!cell.isArray() || !row || !column) {
        *why = expected;
        return false;
      }
      hidden.emplace_back(*row, *column);
      rows = std::max(rows, *row + 1);
      columns = std::max(columns, *column + 1);
    }
    // The bounding box of what was hidden; larger texts see the cells beyond it.
    if (qint64(rows) * columns > kMaxMaskCells) {
      *why = QObject::tr("\"hidden_cells\" spans more than %1 cells").arg(kMaxMaskCells);
      return false;
    }
    mask->allowed = attn::BoolMatrix::Constant(rows, columns, true);
    for (const auto& [row, column] : hidden) mask->allowed(row, column) = false;
  }
  return true;
}

QByteArray session_to_json(const Session& session) {
  const QJsonObject view{{QStringLiteral("gradient"), session.view.gradient},
                         {QStringLiteral("show_numbers"), session.view.show_numbers},
                         {QStringLiteral("fixed_range"), session.view.fixed_range},
                         {QStringLiteral("focused_head"), session.view.focused_head},
                         {QStringLiteral("layer"), session.view.layer},
                         {QStringLiteral("words"), session.view.words},
                         {QStringLiteral("hide_special"), session.view.hide_special},
                         {QStringLiteral("ignore_first_key"), session.view.ignore_first_key},
                         {QStringLiteral("mark_strongest"), session.view.mark_strongest},
                         {QStringLiteral("pair"), pair_name(session.view.pair)}};
  QJsonObject root{{QStringLiteral("format"), kFormat},
                   {QStringLiteral("version"), kSessionVersion},
                   {QStringLiteral("scenario"), scenario_to_json(session.scenario)},
                   {QStringLiteral("view"), view}};
  if (!session.model_path.isEmpty())
    root.insert(QStringLiteral("model"), QJsonObject{{QStringLiteral("path"), session.model_path}});
  return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool session_from_json(const QByteArray& json, Session* session, QString* why) {
  if (json.trimmed().isEmpty()) {
    *why = QObject::tr("it is empty");  // e.g. a FIFO that nobody writes to
    return false;
  }
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(json, &error);
  if (document.isNull()) {
    *why = QObject::tr("it is not valid JSON (%1 at byte %2)")
               .arg(error.errorString())
               .arg(error.offset);
    return false;
  }
  const QJsonObject root = document.object();
  if (root.value(QStringLiteral("format")).toString() != kFormat) {
    *why = QObject::tr("it is not an attnviz session");
    return false;
  }
  const int version = root.value(QStringLiteral("version")).toInt(0);
  if (version > kSessionVersion) {
    *why = QObject::tr(
               "it was saved by a newer attnviz (format version %1; this one reads "
               "version %2 and older)")
               .arg(version)
               .arg(kSessionVersion);
    return false;
  }
  if (version < 1) {
    *why = QObject::tr("its format version is missing or invalid");
    return false;
  }

  Session read;
  Reader s(root.value(QStringLiteral("scenario")).toObject());
  read.scenario.source = s.string("source").toStdString();
  read.scenario.target = s.string("target").toStdString();
  attn::AttentionConfig& c = read.scenario.config;
  c.mode = s.named<attn::Mode>("mode", attn::parse_mode, QObject::tr("self, multihead or cross"));
  c.heads = s.integer("heads", 1, attn::kMaxHeads);
  c.d_model = s.integer("d_model", 1, attn::kMaxDModel);
  bool seed_ok = false;
  c.seed = s.string("seed").toULongLong(&seed_ok);
  if (!seed_ok && s.why.isEmpty()) s.why = QObject::tr("\"seed\" should be a whole number");
  c.score =
      s.named<attn::ScoreFunction>("score", attn::parse_score_function,
                                   QObject::tr("scaled_dot, dot, additive, general or cosine"));
  c.mask.kind = s.named<attn::MaskKind>("mask", attn::parse_mask_kind,
                                        QObject::tr("none, causal, padding or custom"));
  if (QString mask_why;
      !mask_from_json(root.value(QStringLiteral("scenario")).toObject(), &c.mask, &mask_why) &&
      s.why.isEmpty())
    s.why = mask_why;
  const double temperature = s.number("temperature");
  // Checked as the float it is stored as: 1e-46 would become 0 and 1e39 infinity.
  if (!attn::temperature_in_range(temperature) && s.why.isEmpty())
    s.why = QObject::tr("\"temperature\" should be a number greater than 0, from %1 to %2")
                .arg(attn::kMinTemperature, 0, 'g', 6)
                .arg(attn::kMaxTemperature, 0, 'g', 6);
  c.temperature = float(temperature);
  c.positions = s.boolean("positions");

  Reader v(root.value(QStringLiteral("view")).toObject());
  read.view.gradient = v.string("gradient");
  if (!gradient_ids().contains(read.view.gradient) && v.why.isEmpty())
    v.why = QObject::tr("\"gradient\" should be one of %1")
                .arg(gradient_ids().join(QStringLiteral(", ")));
  read.view.show_numbers = v.boolean("show_numbers");
  read.view.fixed_range = v.boolean("fixed_range");
  read.view.focused_head = v.integer("focused_head", -1, kMaxSessionHeads - 1);
  read.view.layer = v.integer_or("layer", 0, kMaxSessionLayers - 1, 0);
  read.view.words = v.boolean_or("words", false);
  read.view.hide_special = v.boolean_or("hide_special", false);
  read.view.ignore_first_key = v.boolean_or("ignore_first_key", false);
  read.view.mark_strongest = v.boolean_or("mark_strongest", false);
  if (root.value(QStringLiteral("view")).toObject().contains(QStringLiteral("pair")))
    read.view.pair = v.named<attn::PairFilter>(
        "pair", parse_pair, QObject::tr("all, a_to_a, b_to_b, a_to_b or b_to_a"));
  if (root.contains(QStringLiteral("model"))) {
    Reader m(root.value(QStringLiteral("model")).toObject());
    read.model_path = m.string("path");
    if (read.model_path.isEmpty() && m.why.isEmpty())
      m.why = QObject::tr("\"path\" of \"model\" should name a model folder or file");
    if (v.why.isEmpty()) v.why = m.why;
  }

  const QString problem = !s.why.isEmpty() ? s.why : v.why;
  if (!problem.isEmpty()) {
    *why = problem;
    return false;
  }
  *session = read;
  return true;
}

ExportOutcome save_session_file(const QString& path, const Session& session) {
  return write_file_atomically(path, session_to_json(session));
}

ExportOutcome load_session_file(const QString& path, Session* session) {
  const QString shown = QDir::toNativeSeparators(path);
  QByteArray json;
  QString why;
  if (!read_bounded(path, kMaxSessionBytes, &json, &why) || !session_from_json(json, session, &why))
    return ExportOutcome::failure(QObject::tr("Cannot open %1: %2").arg(shown, why));
  return ExportOutcome::success();
}

}  // namespace attn::ui
