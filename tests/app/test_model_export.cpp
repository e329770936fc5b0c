// The real attnviz program with --model, as a script would run it: a tiny checkpoint in the
// exact Hugging Face (or llama2.c) layout is written by the test, exported headless, and every
// number of trace.json and the CSV files is compared with what the engine computes in-process
// for the same model and text.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QProcess>
#include <QTemporaryDir>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/models/marian_model.h"
#include "attn/models/model_loader.h"
#include "attn/trace_views.h"
#include "attn_cli/command_line.h"
#include "tiny_checkpoint.h"
#include "tiny_model_folders.h"
#include "tiny_tokenizers.h"

namespace {

using nlohmann::json;

struct ProgramRun {
  int exit_code = -1;
  QString out;
  QString err;
};

// Runs the program with no display at all: it must choose the offscreen platform itself.
ProgramRun run_attnviz(const QStringList& arguments) {
  QProcess process;
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.remove(QStringLiteral("DISPLAY"));
  environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
  environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
  process.setProcessEnvironment(environment);
  process.start(QStringLiteral(ATTNVIZ_EXECUTABLE), arguments);
  if (!process.waitForFinished(120000)) {
    process.kill();
    return {};
  }
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

QByteArray read_all(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

json read_json(const QString& path) {
  return json::parse(read_all(path).toStdString(), nullptr, /*allow_exceptions=*/false);
}

// A JSON matrix (rows of numbers, null for a non-finite value) as the floats it was written from.
attn::Matrix matrix_of(const json& rows) {
  const Eigen::Index n_rows = static_cast<Eigen::Index>(rows.size());
  const Eigen::Index n_cols = n_rows > 0 ? static_cast<Eigen::Index>(rows.front().size()) : 0;
  attn::Matrix m = attn::Matrix::Constant(n_rows, n_cols, -1.0f);
  for (Eigen::Index r = 0; r < n_rows; ++r) {
    const json& row = rows.at(static_cast<std::size_t>(r));
    if (static_cast<Eigen::Index>(row.size()) != n_cols) return attn::Matrix();  // ragged
    for (Eigen::Index c = 0; c < n_cols; ++c) {
      const json& value = row.at(static_cast<std::size_t>(c));
      m(r, c) = value.is_number() ? static_cast<float>(value.get<double>())
                                  : std::numeric_limits<float>::quiet_NaN();
    }
  }
  return m;
}

// An attnviz CSV: the header's key labels, each row's query label, and the values.
struct Csv {
  std::vector<std::string> keys;
  std::vector<std::string> queries;
  attn::Matrix values;
};

Csv read_csv(const QString& path) {
  Csv csv;
  const QList<QByteArray> lines = read_all(path).split('\n');
  std::vector<std::vector<double>> rows;
  for (int i = 0; i < lines.size(); ++i) {
    const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
    if (line.isEmpty()) continue;
    const QList<QByteArray> fields = line.split(',');  // the tiny texts hold no commas
    if (i == 0) {
      for (int f = 1; f < fields.size(); ++f) csv.keys.push_back(fields[f].toStdString());
      continue;
    }
    csv.queries.push_back(fields[0].toStdString());
    std::vector<double> row;
    for (int f = 1; f < fields.size(); ++f) row.push_back(fields[f].toDouble());
    rows.push_back(row);
  }
  const Eigen::Index n_cols = rows.empty() ? 0 : static_cast<Eigen::Index>(rows.front().size());
  csv.values = attn::Matrix::Zero(static_cast<Eigen::Index>(rows.size()), n_cols);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (static_cast<Eigen::Index>(rows[r].size()) != n_cols) return {};
    for (Eigen::Index c = 0; c < n_cols; ++c)
      csv.values(static_cast<Eigen::Index>(r), c) = static_cast<float>(rows[r][c]);
  }
  return csv;
}

// Tiny checkpoints with their tokenizers, as the loader finds them.
constexpr int kVocab = attn::testing::kTinyGpt2Vocab;

QString write_gpt2(const QString& folder) {
  attn::testing::write_tiny_gpt2_folder(folder.toStdString());
  return folder;
}

QString write_bert(const QString& folder) {
  attn::testing::RefConfig config = attn::testing::tiny_bert_config();
  config.vocab_size = 120;
  const std::optional<attn::Error> written =
      attn::testing::make_tiny_checkpoint(config).write_hf_folder(folder.toStdString());
  EXPECT_FALSE(written.has_value()) << written->message;
  attn::testing::write_wordpiece_vocab(folder.toStdString(), config.vocab_size);
  return folder;
}

// What the engine computes in-process for the same model and text.
attn::Trace engine_trace(const QString& model, const std::string& source,
                         const std::string& target = {}, const QString& tokenizer = {}) {
  attn::Expected<std::shared_ptr<const attn::TransformerModel>> loaded =
      attn::load_model(model.toStdString(), tokenizer.toStdString());
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  if (!loaded) return {};
  attn::Scenario scenario;
  scenario.source = source;
  scenario.target = target;
  attn::Expected<attn::Trace> trace = loaded.value()->run(scenario);
  EXPECT_TRUE(trace.ok()) << trace.error().message;
  return trace ? trace.value() : attn::Trace{};
}

// Equal shapes and equal floats (Eigen's == needs equal shapes).
::testing::AssertionResult same(const attn::Matrix& got, const attn::Matrix& want) {
  if (got.rows() != want.rows() || got.cols() != want.cols()) {
    return ::testing::AssertionFailure() << got.rows() << " × " << got.cols() << " instead of "
                                         << want.rows() << " × " << want.cols();
  }
  if (got == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got\n" << got << "\nwant\n" << want;
}

std::vector<int> ids_of(const std::vector<attn::Token>& tokens) {
  std::vector<int> ids;
  for (const attn::Token& token : tokens) ids.push_back(token.id);
  return ids;
}

const char* const kText = "the cat sat on the mat";

TEST(ModelExport, WritesImagesCsvAndATraceJsonOfEveryLayer) {
  QTemporaryDir dir;
  const QString model = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun run = run_attnviz(
      {"--model", model, "--source", kText, "--export", out, "--format", "png,csv,json"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const QStringList expected = {"grid.png",   "head_1.csv", "head_2.csv", "head_3.csv",
                                "head_4.csv", "mean.csv",   "trace.json"};
  EXPECT_EQ(QDir(out).entryList(QDir::Files, QDir::Name), expected);
  QImageReader png(QDir(out).filePath(QStringLiteral("grid.png")));
  EXPECT_EQ(png.format(), QByteArray("png"));
  EXPECT_EQ(png.size(), attn::cli::kDefaultGridSize);

  const attn::Trace engine = engine_trace(model, kText);
  ASSERT_EQ(engine.blocks.size(), 2u);
  const json trace = read_json(QDir(out).filePath(QStringLiteral("trace.json")));
  ASSERT_TRUE(trace.is_object()) << "trace.json is not JSON";

  const json& card = trace.at("model");
  EXPECT_EQ(card.at("family"), "gpt2");
  EXPECT_EQ(card.at("layers"), 2);
  EXPECT_EQ(card.at("heads"), 4);
  EXPECT_EQ(card.at("kv_heads"), 4);
  EXPECT_EQ(card.at("d_model"), 16);
  EXPECT_EQ(card.at("vocab_size"), kVocab);
  EXPECT_EQ(card.at("path"), model.toStdString());

  // Hand-computed with the tiny BPE: t + he (no merge for "the" at the start), Ġcat, Ġsat,
  // Ġ + on (no Ġ+on merge), Ġthe, Ġmat; 't' is byte symbol 83 and Ġ is 220, as in GPT-2.
  const std::vector<int> ids{83, 257, 263, 265, 220, 266, 258, 270};
  EXPECT_EQ(ids_of(engine.source_tokens), ids);
  EXPECT_EQ(trace.at("token_ids").at("query").get<std::vector<int>>(), ids);
  EXPECT_EQ(trace.at("token_ids").at("key").get<std::vector<int>>(), ids);

  const json& blocks = trace.at("blocks");
  ASSERT_EQ(blocks.size(), engine.blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const json& block = blocks[b];
    EXPECT_EQ(block.at("name"), "h." + std::to_string(b) + ".attn");
    EXPECT_EQ(block.at("layer"), static_cast<int>(b));
    EXPECT_EQ(block.at("kind"), "self");
    EXPECT_EQ(block.at("queries"), "source");
    EXPECT_EQ(block.at("keys"), "source");
    ASSERT_EQ(block.at("heads").size(), 4u);
    for (std::size_t h = 0; h < 4; ++h) {
      const attn::Matrix weights = matrix_of(block.at("heads").at(h).at("weights"));
      const attn::Matrix& want = engine.blocks[b].head[h].weights;
      ASSERT_EQ(weights.rows(), 8);
      ASSERT_EQ(weights.cols(), 8);
      // Written with 9 significant digits: the very floats the engine computed.
      EXPECT_TRUE(same(weights, want)) << "block " << b << " head " << h;
      for (Eigen::Index r = 0; r < 8; ++r) {
        for (Eigen::Index c = r + 1; c < 8; ++c)
          EXPECT_EQ(weights(r, c), 0.0f) << "causal: query " << r << " key " << c;
        EXPECT_NEAR(weights.row(r).sum(), 1.0f, 1e-5f);
      }
    }
  }

  // The CSV files show the first layer: its heads, and their mean.
  for (int h = 0; h < 4; ++h) {
    const Csv csv = read_csv(QDir(out).filePath(QStringLiteral("head_%1.csv").arg(h + 1)));
    EXPECT_TRUE(same(csv.values, engine.blocks[0].head[h].weights)) << "head_" << h + 1 << ".csv";
    EXPECT_EQ(csv.queries, attn::query_labels(engine, engine.blocks[0]));
    EXPECT_EQ(csv.keys, attn::key_labels(engine, engine.blocks[0]));
  }
  const Csv mean = read_csv(QDir(out).filePath(QStringLiteral("mean.csv")));
  EXPECT_TRUE(same(mean.values, attn::mean_weights(engine.blocks[0])));
}

TEST(ModelExport, ViewModelDrawsEveryLayerAndRolloutThroughTheLayerGiven) {
  QTemporaryDir dir;
  const QString model = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  const QString out = dir.filePath(QStringLiteral("model"));
  ProgramRun run = run_attnviz({"--model", model, "--source", kText, "--export", out, "--format",
                                "png,svg", "--view", "model", "--size", "900x600"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  EXPECT_EQ(QDir(out).entryList(QDir::Files, QDir::Name), (QStringList{"model.png", "model.svg"}));
  EXPECT_EQ(QImageReader(QDir(out).filePath(QStringLiteral("model.png"))).size(), QSize(900, 600));
  QFile svg(QDir(out).filePath(QStringLiteral("model.svg")));
  ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
  const QByteArray drawing = svg.readAll();
  EXPECT_TRUE(drawing.contains("Layer 2")) << "the rows are labelled by layer";

  const QString rollout = dir.filePath(QStringLiteral("rollout"));
  run = run_attnviz({"--model", model, "--source", kText, "--export", rollout, "--format", "svg",
                     "--view", "rollout", "--layer", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  QFile rollout_svg(QDir(rollout).filePath(QStringLiteral("rollout.svg")));
  ASSERT_TRUE(rollout_svg.open(QIODevice::ReadOnly));
  EXPECT_TRUE(rollout_svg.readAll().contains("Rollout through layer 1"));

  run = run_attnviz({"--source", "a b", "--export", rollout, "--view", "layers"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("model or rollout")) << run.err.toStdString();
}

TEST(ModelExport, LayerPicksTheLayerTheCsvFilesShow) {
  QTemporaryDir dir;
  const QString model = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun run = run_attnviz(
      {"--model", model, "--source", kText, "--layer", "2", "--export", out, "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const attn::Trace engine = engine_trace(model, kText);
  ASSERT_EQ(engine.blocks.size(), 2u);
  for (int h = 0; h < 4; ++h) {
    const attn::Matrix csv =
        read_csv(QDir(out).filePath(QStringLiteral("head_%1.csv").arg(h + 1))).values;
    EXPECT_TRUE(same(csv, engine.blocks[1].head[h].weights)) << "head " << h + 1;
    EXPECT_FALSE(same(csv, engine.blocks[0].head[h].weights)) << "head " << h + 1;
  }
  EXPECT_TRUE(same(read_csv(QDir(out).filePath(QStringLiteral("mean.csv"))).values,
                   attn::mean_weights(engine.blocks[1])));
}

TEST(ModelExport, ALayerBeyondTheModelExits2NamingTheLayerCount) {
  QTemporaryDir dir;
  const QString model = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  const QString out = dir.filePath(QStringLiteral("out"));
  ProgramRun run = run_attnviz(
      {"--model", model, "--source", kText, "--layer", "9", "--export", out, "--format", "csv"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--layer 9") && run.err.contains("has 2 layer(s); choose 1 to 2"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));
  run = run_attnviz({"--model", model, "--source", kText, "--layer", "0", "--export", out});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--layer \"0\"")) << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));
}

TEST(ModelExport, LayerAndTokenizerNeedAModel) {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("out"));
  ProgramRun run = run_attnviz({"--layer", "2", "--export", out});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--layer needs --model PATH")) << run.err.toStdString();
  run =
      run_attnviz({"--tokenizer", dir.filePath(QStringLiteral("tokenizer.bin")), "--export", out});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.contains("--tokenizer needs --model PATH")) << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));
}

TEST(ModelExport, ABadModelPathExits3NamingItAndWritesNothing) {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("out"));
  const QString missing = dir.filePath(QStringLiteral("no-such-model"));
  ProgramRun run = run_attnviz({"--model", missing, "--source", kText, "--export", out});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains("--model") && run.err.contains(missing) &&
              run.err.contains("no such file or folder"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));

  // A folder that is a checkpoint without its weights: the problem is named too.
  const QString model = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  ASSERT_TRUE(QFile::remove(QDir(model).filePath(QStringLiteral("model.safetensors"))));
  run = run_attnviz({"--model", model, "--source", kText, "--export", out});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains(model) && run.err.contains("model.safetensors"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));
}

TEST(ModelExport, ALlama2cModelReadsTheTokenizerItIsGiven) {
  QTemporaryDir dir;
  attn::testing::RefConfig config = attn::testing::tiny_llama2c_config();
  config.vocab_size = kVocab;
  ASSERT_TRUE(QDir().mkpath(dir.filePath(QStringLiteral("model"))));
  const QString model = dir.filePath(QStringLiteral("model/stories.bin"));
  ASSERT_FALSE(
      attn::testing::make_tiny_checkpoint(config).write_llama2c(model.toStdString()).has_value());
  // Not beside the model and not named tokenizer.bin: only --tokenizer finds it.
  const QString tokenizer = dir.filePath(QStringLiteral("my-vocabulary.bin"));
  attn::testing::write_llama2c_tokenizer(tokenizer.toStdString(), kVocab);
  const QString out = dir.filePath(QStringLiteral("out"));

  ProgramRun run = run_attnviz({"--model", model, "--source", kText, "--export", out});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_TRUE(run.err.contains(model) && run.err.contains("no tokenizer.bin beside it"))
      << run.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));

  run = run_attnviz({"--model", model, "--tokenizer", tokenizer, "--source", kText, "--export", out,
                     "--format", "json,csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const attn::Trace engine = engine_trace(model, kText, {}, tokenizer);
  ASSERT_EQ(engine.blocks.size(), 2u);
  const json trace = read_json(QDir(out).filePath(QStringLiteral("trace.json")));
  ASSERT_TRUE(trace.is_object());
  EXPECT_EQ(trace.at("model").at("family"), "llama2.c");
  EXPECT_EQ(trace.at("model").at("heads"), 4);
  EXPECT_EQ(trace.at("model").at("kv_heads"), 2);
  EXPECT_EQ(trace.at("model").at("d_model"), 32);
  const std::vector<int> ids = trace.at("token_ids").at("query").get<std::vector<int>>();
  EXPECT_EQ(ids, ids_of(engine.source_tokens));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), 1);  // BOS, labelled "<s>" (its piece is "\n<s>\n")
  EXPECT_EQ(trace.at("tokens").at("source").at(0), "<s>");
  const json& blocks = trace.at("blocks");
  ASSERT_EQ(blocks.size(), 2u);
  for (std::size_t b = 0; b < 2; ++b) {
    EXPECT_EQ(blocks[b].at("name"), "layers." + std::to_string(b) + ".attention");
    EXPECT_EQ(blocks[b].at("kv_heads").get<std::vector<int>>(), (std::vector<int>{0, 0, 1, 1}));
    for (std::size_t h = 0; h < 4; ++h) {
      EXPECT_TRUE(same(matrix_of(blocks[b].at("heads").at(h).at("weights")),
                       engine.blocks[b].head[h].weights))
          << "block " << b << " head " << h;
    }
  }
  EXPECT_TRUE(same(read_csv(QDir(out).filePath(QStringLiteral("head_3.csv"))).values,
                   engine.blocks[0].head[2].weights));
}

TEST(ModelExport, BertWithATargetReadsClsASepBSep) {
  QTemporaryDir dir;
  const QString model = write_bert(dir.filePath(QStringLiteral("bert")));
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun run = run_attnviz({"--model", model, "--source", "the cat", "--target", "it was",
                                      "--export", out, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const json trace = read_json(QDir(out).filePath(QStringLiteral("trace.json")));
  ASSERT_TRUE(trace.is_object());
  EXPECT_EQ(trace.at("model").at("family"), "bert");
  // The tiny vocab.txt: [CLS] 2, [SEP] 3, "the" 62, "cat" 63, "it" 67, "was" 68.
  const std::vector<int> ids{2, 62, 63, 3, 67, 68, 3};
  EXPECT_EQ(trace.at("token_ids").at("query").get<std::vector<int>>(), ids);
  EXPECT_EQ(trace.at("token_ids").at("key").get<std::vector<int>>(), ids);
  EXPECT_EQ(trace.at("tokens").at("source").get<std::vector<std::string>>(),
            (std::vector<std::string>{"[CLS]", "the", "cat", "[SEP]", "it", "was", "[SEP]"}));

  const attn::Trace engine = engine_trace(model, "the cat", "it was");
  EXPECT_EQ(ids_of(engine.source_tokens), ids);
  const json& blocks = trace.at("blocks");
  ASSERT_EQ(blocks.size(), engine.blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    EXPECT_EQ(blocks[b].at("name"), "encoder.layer." + std::to_string(b) + ".attention.self");
    for (std::size_t h = 0; h < 4; ++h) {
      const attn::Matrix weights = matrix_of(blocks[b].at("heads").at(h).at("weights"));
      EXPECT_TRUE(same(weights, engine.blocks[b].head[h].weights))
          << "block " << b << " head " << h;
      ASSERT_EQ(weights.cols(), 7);
      EXPECT_GT(weights(0, 6), 0.0f);  // an encoder: the first token sees the last
    }
  }
}

TEST(ModelExport, HelpDocumentsModelTokenizerAndLayer) {
  const ProgramRun run = run_attnviz({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  const QString help = run.out.simplified();
  for (const char* words :
       {"--model <NAME|PATH>", "the name of a model attnviz ships", "a Hugging Face folder",
        "or a llama2.c .bin", "model_type gpt2, bert, llama, mistral, qwen2 or marian",
        "BERT: sentence A, --target sentence B", "exits 3 with the path and the problem",
        "--tokenizer <FILE>", "With a llama2.c --model: its tokenizer.bin", "--layer <N>",
        "1-based (default: 1, or the layer a shipped model names)", "trace.json holds every layer",
        "--translate", "translate --source greedily", "--max-tokens <N>", "default: 128"}) {
    EXPECT_TRUE(help.contains(QLatin1String(words))) << words << "\n" << help.toStdString();
  }
}

QString write_marian(const QString& folder) {
  attn::testing::write_tiny_marian_folder(folder.toStdString());
  return folder;
}

TEST(ModelExport, MarianTraceHoldsTheEncoderThenEachDecoderLayersSelfAndCross) {
  QTemporaryDir dir;
  const QString model = write_marian(dir.filePath(QStringLiteral("marian")));
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun run = run_attnviz({"--model", model, "--source", kText, "--target", "die katze",
                                      "--layer", "2", "--export", out, "--format", "json,csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();
  const json trace = read_json(QDir(out).filePath(QStringLiteral("trace.json")));
  ASSERT_TRUE(trace.is_object());
  EXPECT_EQ(trace.at("model").at("family"), "marian");
  const attn::Trace engine = engine_trace(model, kText, "die katze");
  EXPECT_EQ(trace.at("token_ids").at("source").get<std::vector<int>>(),
            ids_of(engine.source_tokens));
  EXPECT_EQ(trace.at("token_ids").at("target").get<std::vector<int>>(),
            ids_of(engine.target_tokens));
  EXPECT_EQ(engine.target_tokens.front().id, 65);  // <pad>, the decoder start token
  const std::vector<std::string> names = {
      "model.encoder.layers.0.self_attn", "model.encoder.layers.1.self_attn",
      "model.decoder.layers.0.self_attn", "model.decoder.layers.0.encoder_attn",
      "model.decoder.layers.1.self_attn", "model.decoder.layers.1.encoder_attn"};
  const std::vector<std::string> queries = {"source", "source", "target",
                                            "target", "target", "target"};
  const std::vector<std::string> keys = {"source", "source", "target",
                                         "source", "target", "source"};
  const json& blocks = trace.at("blocks");
  ASSERT_EQ(blocks.size(), names.size());
  ASSERT_EQ(engine.blocks.size(), names.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    EXPECT_EQ(blocks[b].at("name"), names[b]);
    EXPECT_EQ(blocks[b].at("kind"), b == 3 || b == 5 ? "cross" : "self");
    EXPECT_EQ(blocks[b].at("queries"), queries[b]);
    EXPECT_EQ(blocks[b].at("keys"), keys[b]);
    for (std::size_t h = 0; h < blocks[b].at("heads").size(); ++h) {
      EXPECT_TRUE(same(matrix_of(blocks[b].at("heads").at(h).at("weights")),
                       engine.blocks[b].head[h].weights))
          << "block " << b << " head " << h;
    }
  }
  // --layer 2 of a translation model: the CSV files are decoder layer 2's cross-attention,
  // target rows × source columns.
  const Csv csv = read_csv(QDir(out).filePath(QStringLiteral("head_2.csv")));
  EXPECT_TRUE(same(csv.values, engine.blocks[5].head[1].weights));
  EXPECT_EQ(csv.values.rows(), int(engine.target_tokens.size()));
  EXPECT_EQ(csv.values.cols(), int(engine.source_tokens.size()));
}

TEST(ModelExport, MarianTranslateFillsTheTargetWithTheGreedyTranslation) {
  QTemporaryDir dir;
  const QString model = write_marian(dir.filePath(QStringLiteral("marian")));
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun run = run_attnviz({"--model", model, "--source", kText, "--translate",
                                      "--max-tokens", "6", "--export", out, "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err.toStdString();

  attn::Expected<std::shared_ptr<const attn::TransformerModel>> loaded =
      attn::load_model(model.toStdString());
  ASSERT_TRUE(loaded.ok());
  attn::TranslateOptions options;
  options.max_tokens = 6;
  attn::Expected<attn::Translation> translation = loaded.value()->translate(kText, options);
  ASSERT_TRUE(translation.ok());
  EXPECT_LE(translation->ids.size(), 6u);
  EXPECT_TRUE(run.err.contains(QStringLiteral("attnviz: translation: ") +
                               QString::fromStdString(translation->text)))
      << run.err.toStdString();
  const attn::Trace engine = engine_trace(model, kText, translation->text);
  const json trace = read_json(QDir(out).filePath(QStringLiteral("trace.json")));
  ASSERT_TRUE(trace.is_object());
  EXPECT_EQ(trace.at("token_ids").at("target").get<std::vector<int>>(),
            ids_of(engine.target_tokens));
}

TEST(ModelExport, TranslateIsRefusedWithoutATranslationModel) {
  QTemporaryDir dir;
  const QString out = dir.filePath(QStringLiteral("out"));
  const ProgramRun no_model = run_attnviz({"--source", kText, "--translate", "--export", out});
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_TRUE(no_model.err.contains(QStringLiteral("--translate needs --model")));
  const QString marian = write_marian(dir.filePath(QStringLiteral("marian")));
  const ProgramRun with_target = run_attnviz(
      {"--model", marian, "--source", kText, "--target", "x", "--translate", "--export", out});
  EXPECT_EQ(with_target.exit_code, 2);
  EXPECT_TRUE(with_target.err.contains(QStringLiteral("leave out --target")));
  const ProgramRun bound =
      run_attnviz({"--model", marian, "--source", kText, "--max-tokens", "3", "--export", out});
  EXPECT_EQ(bound.exit_code, 2);
  EXPECT_TRUE(bound.err.contains(QStringLiteral("--max-tokens needs --translate")));
  const ProgramRun zero = run_attnviz(
      {"--model", marian, "--source", kText, "--translate", "--max-tokens", "0", "--export", out});
  EXPECT_EQ(zero.exit_code, 2);
  const QString gpt2 = write_gpt2(dir.filePath(QStringLiteral("gpt2")));
  const ProgramRun decoder =
      run_attnviz({"--model", gpt2, "--source", kText, "--translate", "--export", out});
  EXPECT_EQ(decoder.exit_code, 3);
  EXPECT_TRUE(decoder.err.contains(QStringLiteral("is not a translation model")))
      << decoder.err.toStdString();
  EXPECT_FALSE(QFileInfo::exists(out));
}

}  // namespace
