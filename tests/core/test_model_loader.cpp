// Opening real checkpoints: one test per refusal. Each malformed checkpoint (a tiny one in the
// exact Hugging Face or llama2.c layout, broken in one way) gives an Error of field Model whose
// message names the path and the problem; nothing crashes and nothing half-loaded is returned.
// Then what loads despite a flaw (NaN weights, an unused tensor) and the refusals of run().
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "attn/models/model_loader.h"
#include "reference_models.h"
#include "tiny_checkpoint.h"
#include "tiny_tokenizers.h"

namespace attn {
namespace {

namespace fs = std::filesystem;
using testing::TinyCheckpoint;

// The byte-level tokenizer needs 256 byte ids; the tiny configs' vocabularies are smaller.
constexpr int kVocab = 300;

// A scratch folder of its own for each test, removed when the test ends.
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("attnviz-loader-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

testing::RefConfig gpt2_config(int vocab = kVocab) {
  testing::RefConfig config = testing::tiny_gpt2_config();
  config.vocab_size = vocab;
  return config;
}

TinyCheckpoint tiny_gpt2(int vocab = kVocab) {
  return testing::make_tiny_checkpoint(gpt2_config(vocab));
}

TinyCheckpoint tiny_llama2c() {
  testing::RefConfig config = testing::tiny_llama2c_config();
  config.vocab_size = kVocab;
  return testing::make_tiny_checkpoint(config);
}

// A whole GPT-2 folder: config.json, model.safetensors, vocab.json + merges.txt.
void write_gpt2_folder(const std::string& folder, const TinyCheckpoint& tiny,
                       int tokenizer_vocab = kVocab) {
  ASSERT_FALSE(tiny.write_hf_folder(folder).has_value());
  testing::write_byte_level_bpe(folder, tokenizer_vocab);
}

std::string config_json_with(const TinyCheckpoint& tiny, const std::string& key,
                             const nlohmann::json& value) {
  nlohmann::json config = nlohmann::json::parse(tiny.config_json());
  config[key] = value;
  return config.dump(2);
}

// The loader's refusal: an Error of field Model that names `path` and says `problem`.
void expect_refusal(const Expected<std::shared_ptr<const TransformerModel>>& loaded,
                    const std::string& path, const std::vector<std::string>& problem) {
  ASSERT_FALSE(loaded.ok()) << "loaded although it should be refused: " << path;
  EXPECT_EQ(loaded.error().field, InputField::Model);
  const std::string& message = loaded.error().message;
  EXPECT_NE(message.find(path), std::string::npos) << "path not named: " << message;
  for (const std::string& words : problem) {
    EXPECT_NE(message.find(words), std::string::npos) << "\"" << words << "\" not in: " << message;
  }
}

Scenario text(const std::string& source, const std::string& target = {}) {
  Scenario scenario;
  scenario.source = source;
  scenario.target = target;
  return scenario;
}

// ---- Refusals of load_model --------------------------------------------------------------

TEST(ModelLoader, AMissingPathIsNamed) {
  Scratch scratch("missing");
  const std::string path = scratch / "no-such-model";
  expect_refusal(load_model(path), path, {"no such file or folder"});
}

TEST(ModelLoader, APlainFileThatIsNotALlama2cCheckpointIsRefused) {
  Scratch scratch("plain-file");
  const std::string path = scratch / "notes.txt";
  write_text(path, "These are lesson notes, not a model.\nThe cat sat on the mat.\n");
  // Read as a header, its first bytes give nonsense sizes: the message says what the file is not.
  expect_refusal(load_model(path), path, {"does not divide", "(not a llama2.c checkpoint?)"});
  const std::string tiny = scratch / "tiny.bin";
  write_text(tiny, "abc");
  expect_refusal(load_model(tiny), tiny, {"too short for a llama2.c checkpoint (3 bytes"});
}

TEST(ModelLoader, AFolderWithoutConfigJsonIsRefused) {
  Scratch scratch("no-config");
  testing::write_byte_level_bpe(scratch.str(), kVocab);
  expect_refusal(load_model(scratch.str()), scratch.str(), {"no config.json here"});
}

TEST(ModelLoader, AConfigJsonThatIsNotJsonIsRefused) {
  Scratch scratch("bad-json");
  write_gpt2_folder(scratch.str(), tiny_gpt2());
  write_text(scratch / "config.json", "{\"model_type\": \"gpt2\", \"n_layer\": 2,");
  expect_refusal(load_model(scratch.str()), scratch / "config.json", {"JSON"});
}

TEST(ModelLoader, AnUnknownModelTypeListsTheSupportedOnes) {
  Scratch scratch("unknown-type");
  const TinyCheckpoint tiny = tiny_gpt2();
  write_gpt2_folder(scratch.str(), tiny);
  write_text(scratch / "config.json", config_json_with(tiny, "model_type", "gpt3"));
  expect_refusal(load_model(scratch.str()), scratch / "config.json",
                 {"\"gpt3\" is not supported", supported_model_types()});
  EXPECT_NE(supported_model_types().find("gpt2, bert, llama"), std::string::npos);
}

TEST(ModelLoader, AMissingModelSafetensorsIsRefused) {
  Scratch scratch("no-weights");
  write_gpt2_folder(scratch.str(), tiny_gpt2());
  fs::remove(scratch / "model.safetensors");
  expect_refusal(load_model(scratch.str()), scratch.str(),
                 {"has neither model.safetensors nor model.safetensors.index.json"});
}

TEST(ModelLoader, MissingTokenizerFilesNameTheFolderAndWhatIsNeeded) {
  Scratch scratch("no-tokenizer");
  ASSERT_FALSE(tiny_gpt2().write_hf_folder(scratch.str()).has_value());
  expect_refusal(load_model(scratch.str()), scratch.str(),
                 {"no tokenizer in " + scratch.str(), "vocab.json + merges.txt", "vocab.txt",
                  "tokenizer.json"});
}

TEST(ModelLoader, AMissingTensorIsNamed) {
  Scratch scratch("missing-tensor");
  TinyCheckpoint tiny = tiny_gpt2();
  ASSERT_EQ(tiny.tensors.erase("h.1.mlp.c_fc.weight"), 1u);
  write_gpt2_folder(scratch.str(), tiny);
  expect_refusal(load_model(scratch.str()), scratch.str(), {"h.1.mlp.c_fc.weight: missing"});
}

// config.json says n_embd 16, the tensors are 32 wide: name, expected and found shape.
TEST(ModelLoader, TensorsMisshapedAgainstConfigJsonGiveNameAndBothShapes) {
  Scratch scratch("misshaped");
  testing::RefConfig wide = gpt2_config();
  wide.d_model = 32;
  wide.head_dim = 8;
  wide.d_ff = 128;
  write_gpt2_folder(scratch.str(), testing::make_tiny_checkpoint(wide));
  write_text(scratch / "config.json", tiny_gpt2().config_json());  // n_embd 16
  expect_refusal(load_model(scratch.str()), scratch.str(),
                 {"wte.weight: expected [300, 16], found [300, 32]",
                  "h.0.attn.c_attn.weight: expected [16, 48], found [32, 96]"});
}

TEST(ModelLoader, HeadsNotDividingTheWidthAreRefused) {
  Scratch scratch("heads");
  const TinyCheckpoint tiny = tiny_gpt2();
  write_gpt2_folder(scratch.str(), tiny);
  write_text(scratch / "config.json", config_json_with(tiny, "n_head", 3));
  expect_refusal(load_model(scratch.str()), scratch / "config.json",
                 {"n_head = 3 does not divide n_embd = 16"});
}

TEST(ModelLoader, ATruncatedModelSafetensorsIsRefused) {
  Scratch scratch("truncated");
  write_gpt2_folder(scratch.str(), tiny_gpt2());
  const std::string weights = scratch / "model.safetensors";
  const auto size = fs::file_size(weights);
  fs::resize_file(weights, size - 100);
  expect_refusal(load_model(scratch.str()), weights, {"ends at byte"});
  fs::resize_file(weights, 6);  // not even the 8-byte header length
  expect_refusal(load_model(scratch.str()), weights, {"too short for a safetensors file"});
}

TEST(ModelLoader, ALlama2cBinWithoutItsTokenizerIsRefused) {
  Scratch scratch("llama2c-no-tokenizer");
  const std::string path = scratch / "model.bin";
  ASSERT_FALSE(tiny_llama2c().write_llama2c(path).has_value());
  expect_refusal(load_model(path), path,
                 {"no tokenizer.bin beside it", "llama2.c models need their tokenizer.bin"});
  // Named explicitly but absent: the tokenizer's path is named.
  const std::string named = scratch / "tok300.bin";
  expect_refusal(load_model(path, named), named, {});
}

TEST(ModelLoader, TwoTokBinFilesAreAmbiguous) {
  Scratch scratch("llama2c-two-tokenizers");
  const std::string path = scratch / "model.bin";
  ASSERT_FALSE(tiny_llama2c().write_llama2c(path).has_value());
  testing::write_llama2c_tokenizer(scratch / "tok300.bin", kVocab);
  testing::write_llama2c_tokenizer(scratch / "tok512.bin", 512);
  expect_refusal(load_model(path), path, {"more than one tok*.bin", "name the one to use"});
  // Naming one resolves it; the only tok*.bin beside the model is found alone.
  EXPECT_TRUE(load_model(path, scratch / "tok300.bin").ok());
  fs::remove(scratch / "tok512.bin");
  Expected<std::shared_ptr<const TransformerModel>> alone = load_model(path);
  ASSERT_TRUE(alone.ok()) << alone.error().message;
}

TEST(ModelLoader, ALlama2cTokenizerOfAnotherVocabSizeIsRefused) {
  Scratch scratch("llama2c-vocab");
  const std::string path = scratch / "model.bin";
  ASSERT_FALSE(tiny_llama2c().write_llama2c(path).has_value());
  const std::string tokenizer = scratch / "tokenizer.bin";
  testing::write_llama2c_tokenizer(tokenizer, kVocab + 20);  // larger than the model's 300
  expect_refusal(load_model(path), tokenizer,
                 {"follow the 300 tokens: the file does not match vocab_size"});
  testing::write_llama2c_tokenizer(tokenizer, kVocab - 20);  // smaller
  expect_refusal(load_model(path), tokenizer,
                 {"the file ends at token 280 of 300", "vocab_size does not match"});
}

// ---- What loads despite a flaw -----------------------------------------------------------

TEST(ModelLoader, NanWeightsLoadWithAWarningAndShowNan) {
  Scratch scratch("nan");
  TinyCheckpoint tiny = tiny_gpt2();
  tiny.tensors.at("h.0.attn.c_attn.weight").values[0] = std::numeric_limits<float>::quiet_NaN();
  write_gpt2_folder(scratch.str(), tiny);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_TRUE(model.ok()) << model.error().message;
  const std::vector<std::string> warnings = model.value()->info().warnings;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("1 weights are NaN or infinite"), std::string::npos) << warnings[0];

  Expected<Trace> trace = model.value()->run(text("the cat sat"));
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  // Column 0 of c_attn is head 0's first query dimension: every score of head 0 is NaN.
  const Matrix& weights = trace->blocks.at(0).head.at(0).weights;
  ASSERT_GT(weights.size(), 0);
  EXPECT_TRUE(std::isnan(weights(0, 0)));
  EXPECT_TRUE(std::isnan(weights(weights.rows() - 1, 0)));
  // Head 1 of layer 0 does not read that column: its weights stay finite.
  EXPECT_TRUE(trace->blocks.at(0).head.at(1).weights.allFinite());
}

TEST(ModelLoader, AnUnexpectedTensorLoadsWithAWarningNamingIt) {
  Scratch scratch("extra-tensor");
  TinyCheckpoint tiny = tiny_gpt2();
  tiny.tensors["h.0.mlp.gate.weight"] = testing::RefTensor{{4}, {1, 2, 3, 4}};
  write_gpt2_folder(scratch.str(), tiny);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_EQ(model.value()->info().warnings,
            std::vector<std::string>{"unused tensor h.0.mlp.gate.weight"});
  EXPECT_TRUE(model.value()->run(text("the cat sat")).ok());
}

// ---- Refusals of run() -------------------------------------------------------------------

TEST(ModelLoader, ATextLongerThanTheContextNamesTheLimit) {
  Scratch scratch("context");
  write_gpt2_folder(scratch.str(), tiny_gpt2());
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_TRUE(model.ok()) << model.error().message;
  std::string long_text;
  // 8 tokens, then 7 for each repetition (" the" is one token after a space), then the last
  // space: 8 + 9·7 + 1 = 72.
  for (int i = 0; i < 10; ++i) long_text += "the cat sat on the mat ";
  Expected<Trace> trace = model.value()->run(text(long_text));
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.error().field, InputField::Source);
  EXPECT_NE(trace.error().message.find("The text is 72 tokens long"), std::string::npos)
      << trace.error().message;
  EXPECT_NE(trace.error().message.find("reads at most 32"), std::string::npos)
      << trace.error().message;
  // Exactly the context is fine.
  std::string fits;
  for (int i = 0; i < 32; ++i) fits += i == 0 ? "a" : " a";
  Expected<Trace> full = model.value()->run(text(fits));
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->source_tokens.size(), 32u);
}

TEST(ModelLoader, InvalidUtf8NamesTheByteOffset) {
  Scratch scratch("utf8");
  write_gpt2_folder(scratch.str(), tiny_gpt2());
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_TRUE(model.ok()) << model.error().message;
  Expected<Trace> trace = model.value()->run(text("the cat \xFF sat"));
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.error().field, InputField::Source);
  EXPECT_NE(trace.error().message.find("invalid UTF-8 at byte 8 (0xFF"), std::string::npos)
      << trace.error().message;
}

// A tokenizer larger than the model's vocabulary: " cat" is id 263 in the tiny byte-level BPE,
// outside a model of 260 ids.
TEST(ModelLoader, ATokenIdOutsideTheVocabularyIsRefused) {
  Scratch scratch("vocab");
  write_gpt2_folder(scratch.str(), tiny_gpt2(260), kVocab);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_TRUE(model.ok()) << model.error().message;
  EXPECT_TRUE(model.value()->run(text("the")).ok());  // every id of "the" is below 260
  Expected<Trace> trace = model.value()->run(text("the cat"));
  ASSERT_FALSE(trace.ok());
  EXPECT_NE(trace.error().message.find("has id 263, outside the model's vocabulary of 260"),
            std::string::npos)
      << trace.error().message;
}

// ---- Sharded checkpoints and words -------------------------------------------------------

TEST(ModelLoader, AShardedCheckpointEqualsTheUnshardedOne) {
  Scratch scratch("sharded");
  const TinyCheckpoint tiny = tiny_gpt2();
  const std::string whole = scratch / "whole";
  const std::string sharded = scratch / "sharded";
  write_gpt2_folder(whole, tiny);
  fs::create_directories(sharded);
  fs::copy_file(whole + "/config.json", sharded + "/config.json");
  testing::write_byte_level_bpe(sharded, kVocab);

  // Split the tensors in two by name order; the index maps each to its shard.
  testing::RefTensors first, second;
  nlohmann::json weight_map = nlohmann::json::object();
  std::size_t i = 0;
  for (const auto& [name, tensor] : tiny.tensors) {
    const bool early = i++ < tiny.tensors.size() / 2;
    (early ? first : second)[name] = tensor;
    weight_map[name] =
        early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  for (const auto& [file, tensors] : {std::pair{"model-00001-of-00002.safetensors", &first},
                                      std::pair{"model-00002-of-00002.safetensors", &second}}) {
    Expected<std::string> bytes = testing::safetensors_bytes(*tensors, DType::F32);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    write_text(sharded + "/" + file, bytes.value());
  }
  const nlohmann::json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}};
  write_text(sharded + "/model.safetensors.index.json", index.dump(2));

  Expected<std::shared_ptr<const TransformerModel>> a = load_model(whole);
  Expected<std::shared_ptr<const TransformerModel>> b = load_model(sharded);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(a.value()->info().parameters, b.value()->info().parameters);
  EXPECT_TRUE(b.value()->info().warnings.empty());
  Expected<Trace> ta = a.value()->run(text("the cat sat on the mat"));
  Expected<Trace> tb = b.value()->run(text("the cat sat on the mat"));
  ASSERT_TRUE(ta.ok() && tb.ok());
  ASSERT_EQ(ta->blocks.size(), tb->blocks.size());
  for (std::size_t k = 0; k < ta->blocks.size(); ++k) {
    ASSERT_EQ(ta->blocks[k].heads(), tb->blocks[k].heads());
    // Scores come with a block's intermediates, on request.
    Expected<BlockDetail> da = a.value()->explain(ta.value(), static_cast<int>(k));
    Expected<BlockDetail> db = b.value()->explain(tb.value(), static_cast<int>(k));
    ASSERT_TRUE(da.ok() && db.ok());
    for (int h = 0; h < ta->blocks[k].heads(); ++h) {
      EXPECT_TRUE(ta->blocks[k].head[h].weights == tb->blocks[k].head[h].weights) << k << " " << h;
      EXPECT_TRUE(da->head[h].scores == db->head[h].scores) << k << " " << h;
      EXPECT_TRUE(da->head[h].q == db->head[h].q) << k << " " << h;
    }
  }
  std::vector<int> ids;
  for (const Token& token : ta->source_tokens) ids.push_back(token.id);
  Expected<RowVector> la = a.value()->next_token_logits(ids);
  Expected<RowVector> lb = b.value()->next_token_logits(ids);
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_TRUE(la.value() == lb.value());

  // An index naming a shard that is not there names the index and the file.
  fs::remove(sharded + "/model-00002-of-00002.safetensors");
  expect_refusal(
      load_model(sharded), sharded + "/model.safetensors.index.json",
      {"lists shard files the folder does not have", "\"model-00002-of-00002.safetensors\""});
}

std::vector<int> words_of(const Trace& trace) {
  std::vector<int> words;
  for (const Token& token : trace.source_tokens) words.push_back(token.word);
  return words;
}

TEST(ModelLoader, EveryTokenKnowsItsTypedWord) {
  Scratch scratch("words");
  write_gpt2_folder(scratch / "gpt2", tiny_gpt2());
  Expected<std::shared_ptr<const TransformerModel>> gpt2 = load_model(scratch / "gpt2");
  ASSERT_TRUE(gpt2.ok()) << gpt2.error().message;
  Expected<Trace> trace = gpt2.value()->run(text("the cat sat"));
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  // "the" has no merge of its own at the start of the text: t + he, both word 0. Display texts
  // drop the space the piece carries (Ġcat).
  std::vector<std::string> pieces;
  for (const Token& token : trace->source_tokens) pieces.push_back(token.text);
  EXPECT_EQ(pieces, (std::vector<std::string>{"t", "he", "cat", "sat"}));
  EXPECT_EQ(words_of(trace.value()), (std::vector<int>{0, 0, 1, 2}));

  testing::RefConfig bert = testing::tiny_bert_config();
  bert.vocab_size = 120;
  ASSERT_FALSE(testing::make_tiny_checkpoint(bert).write_hf_folder(scratch / "bert").has_value());
  testing::write_wordpiece_vocab(scratch / "bert", bert.vocab_size);
  Expected<std::shared_ptr<const TransformerModel>> encoder = load_model(scratch / "bert");
  ASSERT_TRUE(encoder.ok()) << encoder.error().message;
  trace = encoder.value()->run(text("the cat sat"));
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  EXPECT_EQ(words_of(trace.value()), (std::vector<int>{-1, 0, 1, 2, -1}));  // [CLS] … [SEP]
  EXPECT_TRUE(trace->source_tokens.front().special && trace->source_tokens.back().special);
  // Sentence B's words are counted within B.
  trace = encoder.value()->run(text("the cat", "it sat"));
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  EXPECT_EQ(words_of(trace.value()), (std::vector<int>{-1, 0, 1, -1, 0, 1, -1}));
}

// llama2.c's tokenizer.bin stores BOS as "\n<s>\n": its label is "<s>", with no line breaks
// to spoil heatmap labels and CSV headers.
TEST(ModelLoader, Llama2cBosIsLabelledWithoutItsLineBreaks) {
  Scratch scratch("llama2c-bos");
  const std::string path = scratch / "model.bin";
  ASSERT_FALSE(tiny_llama2c().write_llama2c(path).has_value());
  testing::write_llama2c_tokenizer(scratch / "tokenizer.bin", kVocab);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(path);
  ASSERT_TRUE(model.ok()) << model.error().message;
  Expected<Trace> trace = model.value()->run(text("the cat"));
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  const Token& bos = trace->source_tokens.front();
  EXPECT_EQ(bos.id, 1);
  EXPECT_TRUE(bos.special);
  EXPECT_EQ(bos.piece, "\n<s>\n");
  EXPECT_EQ(bos.text, "<s>");
  EXPECT_EQ(words_of(trace.value()).front(), -1);
}

}  // namespace
}  // namespace attn
