// CSV and JSON writers, and the mean over heads that the grid shows beside the heads.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "attn/io/trace_export.h"
#include "attn/models/toy_model.h"
#include "attn/trace_views.h"

#include "matrix_near.h"

namespace {

attn::Trace run_or_die(const attn::Scenario& scenario) {
  attn::Expected<attn::Trace> trace = attn::run(scenario);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().message);
  return std::move(trace).value();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find("\r\n", start);
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

TEST(MeanWeights, IsTheAverageOfTheHeadsAndRowsSumToOne) {
  attn::Scenario scenario;
  scenario.source = "the cat sat";
  scenario.config.heads = 4;
  const attn::Trace trace = run_or_die(scenario);
  const attn::AttentionBlock& block = trace.blocks.at(0);
  const attn::Matrix mean = attn::mean_weights(block);
  ASSERT_EQ(mean.rows(), 3);
  ASSERT_EQ(mean.cols(), 3);
  const float by_hand = (block.head[0].weights(2, 1) + block.head[1].weights(2, 1) +
                         block.head[2].weights(2, 1) + block.head[3].weights(2, 1)) /
                        4.0f;
  EXPECT_NEAR(mean(2, 1), by_hand, 1e-7);
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(mean.row(r).sum(), 1.0f, 1e-6);
}

TEST(MatrixToCsv, HeaderRowLabelsAndQuotedPunctuation) {
  attn::Matrix m(2, 2);
  m << 0.25f, 0.75f, 1.0f / 3.0f, 2.0f / 3.0f;
  const std::string csv = attn::matrix_to_csv(m, {"a", "say \"hi\""}, {",", "b"});
  const std::vector<std::string> lines = split_lines(csv);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "query \\ key,\",\",b");
  EXPECT_EQ(lines[1], "a,0.25,0.75");
  EXPECT_EQ(lines[2], "\"say \"\"hi\"\"\",0.333333343,0.666666687");
}

TEST(MatrixToCsv, FloatsReadBackBitIdentical) {
  attn::Scenario scenario;
  scenario.source = "every float written and read back is the same float";
  const attn::Trace trace = run_or_die(scenario);
  const attn::AttentionBlock& block = trace.blocks.at(0);
  const attn::Matrix& w = block.head[1].weights;
  const std::vector<std::string> lines = split_lines(
      attn::matrix_to_csv(w, attn::query_labels(trace, block), attn::key_labels(trace, block)));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(w.rows() + 1));
  for (int r = 0; r < w.rows(); ++r) {
    std::stringstream row(lines[r + 1]);
    std::string cell;
    std::getline(row, cell, ',');  // the label
    for (int c = 0; c < w.cols(); ++c) {
      ASSERT_TRUE(std::getline(row, cell, ','));
      const float back = std::strtof(cell.c_str(), nullptr);
      EXPECT_EQ(std::memcmp(&back, &w(r, c), sizeof back), 0) << cell;
    }
  }
}

TEST(TraceToJson, HoldsEveryPartAndWritesMaskedScoresAsNull) {
  attn::Scenario scenario;
  scenario.source = "he said \"no\"";
  scenario.config.heads = 2;
  scenario.config.d_model = 8;
  scenario.config.score = attn::ScoreFunction::General;
  scenario.config.mask.kind = attn::MaskKind::Causal;
  const attn::Trace trace = run_or_die(scenario);
  const std::string json = attn::trace_to_json(trace);
  for (const char* key : {"\"config\"", "\"tokens\"", "\"x_query\"", "\"x_key\"", "\"w_q\"",
                          "\"w_k\"", "\"w_v\"", "\"w_o\"", "\"score_params\"", "\"heads\"",
                          "\"scores\"", "\"weights\"", "\"concat\"", "\"output\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
  EXPECT_NE(json.find("\"mode\":\"multihead\""), std::string::npos);
  EXPECT_NE(json.find("\"mask\":\"causal\""), std::string::npos);
  EXPECT_NE(json.find("\"query\":[\"he\",\"said\",\"\\\"\",\"no\",\"\\\"\"]"), std::string::npos);
  EXPECT_NE(json.find("null"), std::string::npos);  // the causal mask's −∞ scores
  EXPECT_EQ(json.find("inf"), std::string::npos);
  EXPECT_EQ(json.find("nan"), std::string::npos);
}

TEST(TraceToJson, BlocksHoldEveryHeadsWeightsExactlyWithTheModelAndTokenIds) {
  attn::Scenario scenario;
  scenario.source = "le chat noir";
  scenario.target = "the black cat";
  scenario.config.mode = attn::Mode::Cross;
  scenario.config.heads = 2;
  scenario.config.d_model = 8;
  const attn::Trace trace = run_or_die(scenario);
  const nlohmann::json json = nlohmann::json::parse(attn::trace_to_json(trace));
  EXPECT_EQ(json["version"], 2);
  EXPECT_EQ(json["model"]["family"], "toy");
  EXPECT_EQ(json["model"]["heads"], 2);
  EXPECT_EQ(json["token_ids"]["query"].size(), 3u);
  EXPECT_EQ(json["token_ids"]["query"][0], -1);  // the toy tokenizer has no vocabulary
  ASSERT_EQ(json["blocks"].size(), 1u);
  const nlohmann::json& block = json["blocks"][0];
  EXPECT_EQ(block["name"], "attention");
  EXPECT_EQ(block["layer"], 0);
  EXPECT_EQ(block["kind"], "cross");
  EXPECT_EQ(block["queries"], "target");
  EXPECT_EQ(block["keys"], "source");
  ASSERT_EQ(block["heads"].size(), 2u);
  for (int h = 0; h < 2; ++h) {
    const attn::Matrix& w = trace.blocks[0].head[h].weights;
    const nlohmann::json& rows = block["heads"][h]["weights"];
    ASSERT_EQ(rows.size(), 3u);
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) EXPECT_EQ(rows[r][c].get<float>(), w(r, c));  // exact
    }
  }
}

// Numbers (and nulls) outside strings in a JSON text.
std::uint64_t numbers_in_json(const std::string& json) {
  std::uint64_t count = 0;
  bool in_string = false;
  char before = ' ';  // the last character outside strings that is not white space
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const bool starts_value = before == '[' || before == ',' || before == ':';
    if (starts_value && (std::strchr("-0123456789", c) != nullptr || c == 'n')) ++count;
    if (c != ' ' && c != '\n') before = c;
  }
  return count;
}

// The bound on trace.json is checked before computing: the count must be exactly what is written.
TEST(TraceToJson, NumbersWrittenAreKnownBeforeComputing) {
  // version, heads, d_model, d_k, seed and temperature; the model's layers, heads, kv_heads,
  // d_model and vocab_size; the block's layer: the numbers outside the matrices and lists.
  constexpr std::uint64_t kConfigNumbers = 12;
  struct Case {
    attn::Mode mode;
    attn::ScoreFunction score;
    int heads, d_model;
  };
  for (const Case& c : {Case{attn::Mode::MultiHead, attn::ScoreFunction::ScaledDot, 4, 16},
                        Case{attn::Mode::Cross, attn::ScoreFunction::Additive, 2, 12},
                        Case{attn::Mode::Self, attn::ScoreFunction::General, 4, 8},
                        Case{attn::Mode::MultiHead, attn::ScoreFunction::General, 3, 9}}) {
    attn::Scenario scenario;
    scenario.source = "the cat sat on the mat";
    scenario.target = "le chat";
    scenario.config.mode = c.mode;
    scenario.config.score = c.score;
    scenario.config.heads = c.heads;
    scenario.config.d_model = c.d_model;
    scenario.config.mask.kind = attn::MaskKind::Causal;
    const attn::Trace trace = run_or_die(scenario);
    EXPECT_EQ(numbers_in_json(attn::trace_to_json(trace)),
              attn::trace_json_numbers(scenario.config, trace.blocks.at(0).n_q(),
                                       trace.blocks.at(0).n_k()) +
                  kConfigNumbers)
        << attn::to_string(c.mode) << " " << attn::to_string(c.score);
  }
  attn::AttentionConfig huge;  // the case: one token, 64 heads, d_model 4096
  huge.heads = 64;
  huge.d_model = 4096;
  EXPECT_EQ(attn::trace_json_numbers(huge, 1, 1),
            8u * 4096 + 2 * 64 + 4ull * 4096 * 4096 + 64 + 64 + 2);
  EXPECT_GT(attn::trace_json_numbers(huge, 1, 1), attn::kMaxTraceJsonNumbers);
}

}  // namespace
