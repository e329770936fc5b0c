// Marian translation models (opus-mt layout), end to end: the tokenizer on tiny SentencePiece
// models trained by spm_train (tests/data/marian-tiny, made by
// scripts/make_tiny_marian_tokenizer.sh), a tiny checkpoint in MarianMTModel's exact layout
// opened by load_model and compared block by block with the independent double-precision
// reference, greedy translation against the reference's, and the refusals of bad files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "attn/models/marian_model.h"
#include "attn/models/model_loader.h"
#include "attn/text/marian_tokenizer.h"
#include "matrix_near.h"
#include "reference_models.h"
#include "tiny_checkpoint.h"
#include "tiny_tokenizers.h"

namespace attn {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::TinyCheckpoint;
using testing::TinyOptions;

const fs::path kTokenizerFiles = fs::path(ATTN_TEST_DATA) / "marian-tiny";

// A scratch folder of its own, removed at the end.
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("attnviz-marian-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() { fs::remove_all(path_); }
  std::string str() const { return path_.string(); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

void copy_tokenizer_files(const Scratch& folder) {
  for (const char* name : {"source.spm", "target.spm", "vocab.json"}) {
    fs::copy_file(kTokenizerFiles / name, folder / name, fs::copy_options::overwrite_existing);
  }
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<int> ids_of(const std::vector<Token>& tokens) {
  std::vector<int> ids;
  for (const Token& token : tokens) ids.push_back(token.id);
  return ids;
}

std::vector<std::string> texts_of(const std::vector<Token>& tokens) {
  std::vector<std::string> texts;
  for (const Token& token : tokens) texts.push_back(token.text);
  return texts;
}

// ---- the tokenizer ------------------------------------------------------------------------

TEST(MarianTokenizer, SourcePiecesMapThroughVocabJson) {
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer =
      MarianTokenizer::load(kTokenizerFiles.string());
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
  // spm_encode --model=source.spm: ▁the ▁ c at ▁s at ▁ o n ▁the ▁mat; ids from vocab.json.
  Expected<std::vector<Token>> tokens = tokenizer.value()->encode("the cat sat on the mat");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(ids_of(tokens.value()), (std::vector<int>{3, 2, 12, 6, 19, 6, 2, 4, 5, 3, 14}));
  EXPECT_EQ(tokens->front().piece, "\xE2\x96\x81the");
  EXPECT_EQ(tokens->front().text, "the");
  EXPECT_EQ(tokens->back().begin, 18u);  // "▁mat": the space before it too
  EXPECT_EQ(tokens->back().end, 22u);
  EXPECT_EQ(tokenizer.value()->eos_id(), 0);
  EXPECT_EQ(tokenizer.value()->unk_id(), 1);
  EXPECT_EQ(tokenizer.value()->pad_id(), 65);
  EXPECT_EQ(tokenizer.value()->vocab_size(), 66);
}

TEST(MarianTokenizer, UnknownPiecesKeepTheirTextAsHuggingFaceDoes) {
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer =
      MarianTokenizer::load(kTokenizerFiles.string());
  ASSERT_TRUE(tokenizer.ok());
  // "z" is unknown to source.spm but vocab.json has it (from target.spm): its own id, 45;
  // "QUIZ" is in neither: <unk> (1).
  Expected<std::vector<Token>> tokens = tokenizer.value()->encode("z QUIZ");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(ids_of(tokens.value()), (std::vector<int>{2, 45, 2, 1}));
  EXPECT_EQ(texts_of(tokens.value())[1], "z");
  EXPECT_EQ(texts_of(tokens.value())[3], "<unk>");
}

TEST(MarianTokenizer, TargetTextUsesTargetSpmAndDecodesBack) {
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer =
      MarianTokenizer::load(kTokenizerFiles.string());
  ASSERT_TRUE(tokenizer.ok());
  // spm_encode --model=target.spm: ▁di e ▁ k at z e
  Expected<std::vector<Token>> tokens = tokenizer.value()->encode_target("die katze");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(texts_of(tokens.value()),
            (std::vector<std::string>{"di", "e", "␣", "k", "at", "z", "e"}));
  std::vector<int> ids = ids_of(tokens.value());
  ids.push_back(tokenizer.value()->eos_id());  // left out of the text
  EXPECT_EQ(tokenizer.value()->decode(ids), "die katze");
  EXPECT_EQ(tokenizer.value()->token_of_id(0).text, "</s>");
  EXPECT_TRUE(tokenizer.value()->token_of_id(0).special);
  EXPECT_EQ(tokenizer.value()->token_of_id(3).text, "the");
}

TEST(MarianTokenizer, ALeadingLanguageCodeIsOneToken) {
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer =
      MarianTokenizer::load(kTokenizerFiles.string());
  ASSERT_TRUE(tokenizer.ok());
  Expected<std::vector<Token>> tokens = tokenizer.value()->encode(">>deu<< the mat");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ(tokens->at(0).piece, "<unk>");  // this vocabulary has no >>deu<<
  EXPECT_EQ(tokens->at(0).text, ">>deu<<");
  EXPECT_EQ(tokens->at(0).end, 7u);
  EXPECT_EQ(ids_of(tokens.value()), (std::vector<int>{1, 3, 14}));
  EXPECT_EQ(tokens->at(2).begin, 11u);
}

struct BadFiles {
  std::string name;
  std::string file;      // which file to break
  std::string contents;  // empty: delete it
  std::vector<std::string> message;
};

class MarianTokenizerRefuses : public ::testing::TestWithParam<BadFiles> {};

TEST_P(MarianTokenizerRefuses, WithAMessageNamingTheFile) {
  const BadFiles& bad = GetParam();
  Scratch scratch("tokenizer-" + bad.name);
  copy_tokenizer_files(scratch);
  if (bad.contents.empty()) {
    fs::remove(scratch / bad.file);
  } else {
    write_text(scratch / bad.file, bad.contents);
  }
  Expected<std::unique_ptr<MarianTokenizer>> tokenizer = MarianTokenizer::load(scratch.str());
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.error().field, InputField::Model);
  EXPECT_THAT(tokenizer.error().message, HasSubstr((scratch / bad.file).string()));
  for (const std::string& part : bad.message) {
    EXPECT_THAT(tokenizer.error().message, HasSubstr(part));
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadFiles, MarianTokenizerRefuses,
    ::testing::Values(
        BadFiles{"no_source_spm", "source.spm", "", {"is missing", "source.spm, target.spm"}},
        BadFiles{"no_target_spm", "target.spm", "", {"is missing"}},
        BadFiles{"no_vocab", "vocab.json", "", {"is missing"}},
        BadFiles{"garbage_spm",
                 "target.spm",
                 "not a protobuf at all \x01\x02",
                 {"is not a usable SentencePiece model"}},
        BadFiles{"vocab_not_json", "vocab.json", "{\"</s>\": 0,", {"is not valid JSON"}},
        BadFiles{"vocab_a_list", "vocab.json", "[\"</s>\", \"<unk>\"]", {"must be a JSON object"}},
        BadFiles{"vocab_negative_id",
                 "vocab.json",
                 "{\"</s>\": 0, \"<unk>\": -1}",
                 {"\"<unk>\" (-1) is out of range"}},
        BadFiles{"vocab_text_id",
                 "vocab.json",
                 "{\"</s>\": 0, \"<unk>\": \"1\"}",
                 {"is not an integer"}},
        BadFiles{
            "vocab_without_unk", "vocab.json", "{\"</s>\": 0, \"a\": 1}", {"has no \"<unk>\""}}),
    [](const ::testing::TestParamInfo<BadFiles>& param_info) { return param_info.param.name; });

// ---- the model ----------------------------------------------------------------------------

std::shared_ptr<const MarianModel> open_tiny(const Scratch& folder, const TinyCheckpoint& tiny,
                                             DType dtype = DType::F32) {
  EXPECT_FALSE(tiny.write_hf_folder(folder.str(), dtype).has_value());
  copy_tokenizer_files(folder);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(folder.str());
  EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.error().message);
  if (!model.ok()) return nullptr;
  EXPECT_TRUE(model.value()->translates());
  return std::dynamic_pointer_cast<const MarianModel>(model.value());
}

struct ModelCase {
  std::string name;
  TinyOptions options;
  DType dtype;
  std::string target;
};

class MarianFamily : public ::testing::TestWithParam<ModelCase> {};

TEST_P(MarianFamily, EveryBlockEqualsTheReferenceTo1e4) {
  const ModelCase& c = GetParam();
  Scratch scratch("family-" + c.name);
  const TinyCheckpoint tiny =
      testing::make_tiny_checkpoint(testing::tiny_marian_config(), c.options);
  std::shared_ptr<const MarianModel> model = open_tiny(scratch, tiny, c.dtype);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->info().family, Family::Marian);
  EXPECT_TRUE(model->info().warnings.empty())
      << (model->info().warnings.empty() ? "" : model->info().warnings.front());

  Scenario scenario;
  scenario.source = "the cat sat on the mat";
  scenario.target = c.target;
  Expected<Trace> trace = model->run(scenario);
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  // Encoder: the source's pieces, then </s>; decoder: <pad> (the start token), the target's.
  EXPECT_EQ(ids_of(trace->source_tokens),
            (std::vector<int>{3, 2, 12, 6, 19, 6, 2, 4, 5, 3, 14, 0}));
  EXPECT_TRUE(trace->source_tokens.back().special);
  ASSERT_FALSE(trace->target_tokens.empty());
  EXPECT_EQ(trace->target_tokens.front().id, 65);
  EXPECT_EQ(trace->target_tokens.front().text, "<pad>");

  const TinyCheckpoint stored = tiny.as_stored(c.dtype);
  const std::vector<int> source = ids_of(trace->source_tokens);
  const std::vector<int> decoder = ids_of(trace->target_tokens);
  Expected<testing::RefOutput> reference =
      testing::reference_marian(stored.config, stored.tensors, source, decoder);
  ASSERT_TRUE(reference.ok()) << reference.error().message;

  // 2 encoder blocks, then per decoder layer its self-attention and its cross-attention.
  ASSERT_EQ(trace->blocks.size(), 6u);
  ASSERT_EQ(reference->blocks.size(), 6u);
  EXPECT_EQ(trace->layers(), 2);
  const int n_s = int(source.size()), n_t = int(decoder.size());
  for (std::size_t b = 0; b < trace->blocks.size(); ++b) {
    const AttentionBlock& block = trace->blocks[b];
    const testing::RefBlock& want = reference->blocks[b];
    EXPECT_EQ(block.name, want.name);
    const bool encoder = b < 2, cross = !encoder && (b - 2) % 2 == 1;
    EXPECT_EQ(block.layer, encoder ? int(b) : int(b - 2) / 2);
    EXPECT_EQ(block.kind, cross ? BlockKind::Cross : BlockKind::Self);
    EXPECT_EQ(block.queries, encoder ? Sequence::Source : Sequence::Target);
    EXPECT_EQ(block.keys, encoder || cross ? Sequence::Source : Sequence::Target);
    EXPECT_EQ(block.n_q(), encoder ? n_s : n_t);
    EXPECT_EQ(block.n_k(), encoder || cross ? n_s : n_t);
    ASSERT_EQ(block.heads(), encoder ? 4 : 2);
    for (int h = 0; h < block.heads(); ++h) {
      EXPECT_TRUE(testing::matrices_near(block.head[h].weights, want.weights[h], 1e-4))
          << block.name + " head " + std::to_string(h);
    }
    // The intermediates on request come from the same code: bit-identical weights.
    Expected<BlockDetail> detail = explain_block(trace.value(), static_cast<int>(b));
    ASSERT_TRUE(detail.ok()) << detail.error().message;
    ASSERT_EQ(detail->head.size(), block.head.size());
    for (int h = 0; h < block.heads(); ++h) {
      EXPECT_TRUE(detail->head[h].weights == block.head[h].weights) << block.name << " " << h;
      EXPECT_TRUE(testing::matrices_near(detail->head[h].scores, want.scores[h], 1e-4))
          << block.name + " scores " + std::to_string(h);
    }
    EXPECT_EQ(detail->x_query.rows(), block.n_q());
    EXPECT_EQ(detail->x_key.rows(), block.n_k());  // cross: the encoder's output
    EXPECT_EQ(detail->output.rows(), block.n_q());
    EXPECT_EQ(detail->output.cols(), 16);
    EXPECT_EQ(detail->mask.kind, !encoder && !cross ? MaskKind::Causal : MaskKind::None);
  }
  Expected<Matrix> logits = model->decoder_logits(source, decoder);
  ASSERT_TRUE(logits.ok()) << logits.error().message;
  EXPECT_TRUE(testing::matrices_near(logits.value(), reference->logits, 1e-4)) << "logits";
}

TinyOptions tied_copies() {
  TinyOptions options;
  options.marian_tied_copies = true;
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    TinyCheckpoints, MarianFamily,
    ::testing::Values(ModelCase{"f32", {}, DType::F32, "die katze sass auf der matte"},
                      ModelCase{"empty_target", {}, DType::F32, ""},
                      ModelCase{"bf16_with_tied_copies", tied_copies(), DType::BF16, "der hund"}),
    [](const ::testing::TestParamInfo<ModelCase>& param_info) { return param_info.param.name; });

TEST(MarianTranslate, GreedyTranslationEqualsTheReference) {
  Scratch scratch("greedy");
  const TinyCheckpoint tiny = testing::make_tiny_checkpoint(testing::tiny_marian_config());
  std::shared_ptr<const MarianModel> model = open_tiny(scratch, tiny);
  ASSERT_NE(model, nullptr);
  for (const char* source : {"the cat sat on the mat", "i love you", "a dog"}) {
    Scenario scenario;
    scenario.source = source;
    Expected<std::vector<Token>> tokens = model->model_tokens(scenario);
    ASSERT_TRUE(tokens.ok());
    Expected<std::vector<int>> want =
        testing::reference_marian_greedy(tiny.config, tiny.tensors, ids_of(tokens.value()), 12);
    ASSERT_TRUE(want.ok()) << want.error().message;

    std::vector<TranslatedToken> seen;
    TranslateOptions options;
    options.max_tokens = 12;
    options.on_token = [&](const TranslatedToken& token) {
      seen.push_back(token);
      return true;
    };
    Expected<Translation> got = model->translate(source, options);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->ids, want.value()) << source;
    EXPECT_FALSE(got->cancelled);
    EXPECT_EQ(got->finished, !got->ids.empty() && got->ids.back() == 0);
    ASSERT_EQ(seen.size(), got->ids.size());  // one call per token, as it is produced
    for (std::size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].index, int(i));
      EXPECT_EQ(seen[i].token.id, got->ids[i]);
    }
    EXPECT_EQ(seen.back().text_so_far, got->text);
    EXPECT_EQ(got->text, model->marian_tokenizer().decode(got->ids));
    EXPECT_EQ(std::count(got->ids.begin(), got->ids.end(), 65), 0);  // never <pad>
  }
}

TEST(MarianTranslate, StopsWhenCancelledOrAskedTo) {
  Scratch scratch("cancel");
  std::shared_ptr<const MarianModel> model =
      open_tiny(scratch, testing::make_tiny_checkpoint(testing::tiny_marian_config()));
  ASSERT_NE(model, nullptr);
  std::atomic<bool> cancel{true};
  TranslateOptions options;
  options.cancel = &cancel;
  Expected<Translation> none = model->translate("the cat", options);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->cancelled);
  EXPECT_TRUE(none->ids.empty());

  cancel = false;
  int calls = 0;
  options.max_tokens = 10;
  options.on_token = [&](const TranslatedToken&) {
    ++calls;
    if (calls == 2) cancel = true;  // as a window's Cancel button would, between two tokens
    return true;
  };
  Expected<Translation> two = model->translate("the cat", options);
  ASSERT_TRUE(two.ok());
  EXPECT_LE(two->ids.size(), 2u);
  EXPECT_EQ(two->ids.size(), std::size_t(calls));

  options.cancel = nullptr;
  options.on_token = [](const TranslatedToken&) { return false; };
  Expected<Translation> one = model->translate("the cat", options);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->ids.size(), 1u);

  options.on_token = nullptr;
  options.max_tokens = 3;
  Expected<Translation> bounded = model->translate("the cat", options);
  ASSERT_TRUE(bounded.ok());
  EXPECT_LE(bounded->ids.size(), 3u);
  EXPECT_FALSE(bounded->cancelled);
}

TEST(MarianTranslate, AnEmptySourceAndOtherFamiliesAreRefused) {
  Scratch marian("empty-source");
  std::shared_ptr<const MarianModel> model =
      open_tiny(marian, testing::make_tiny_checkpoint(testing::tiny_marian_config()));
  ASSERT_NE(model, nullptr);
  Expected<Translation> empty = model->translate("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, InputField::Source);
  EXPECT_THAT(empty.error().message, HasSubstr("empty"));
  EXPECT_FALSE(model->next_token_logits({1, 2}).ok());  // it needs a source: decoder_logits

  Scratch gpt2("gpt2");
  testing::RefConfig config = testing::tiny_gpt2_config();
  config.vocab_size = 300;
  ASSERT_FALSE(testing::make_tiny_checkpoint(config).write_hf_folder(gpt2.str()).has_value());
  testing::write_byte_level_bpe(gpt2.str(), config.vocab_size);
  Expected<std::shared_ptr<const TransformerModel>> decoder = load_model(gpt2.str());
  ASSERT_TRUE(decoder.ok()) << decoder.error().message;
  EXPECT_FALSE(decoder.value()->translates());
  Expected<Translation> refused = decoder.value()->translate("the cat");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("is not a translation model"));
}

TEST(MarianLoader, RefusesMissingTokenizerFilesAndAForeignVocabulary) {
  Scratch scratch("loader");
  const TinyCheckpoint tiny = testing::make_tiny_checkpoint(testing::tiny_marian_config());
  ASSERT_FALSE(tiny.write_hf_folder(scratch.str()).has_value());
  Expected<std::shared_ptr<const TransformerModel>> missing = load_model(scratch.str());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, InputField::Model);
  EXPECT_THAT(missing.error().message, HasSubstr((scratch / "source.spm").string()));
  EXPECT_THAT(missing.error().message, HasSubstr("is missing"));

  copy_tokenizer_files(scratch);
  write_text(scratch / "vocab.json", "{\"</s>\": 0, \"<unk>\": 1, \"<pad>\": 70}");
  Expected<std::shared_ptr<const TransformerModel>> foreign = load_model(scratch.str());
  ASSERT_FALSE(foreign.ok());
  EXPECT_THAT(foreign.error().message, HasSubstr("vocab.json has ids up to 70"));
  EXPECT_THAT(foreign.error().message, HasSubstr("vocab_size of 66"));

  copy_tokenizer_files(scratch);
  fs::remove(scratch / "model.safetensors");
  Expected<std::shared_ptr<const TransformerModel>> no_weights = load_model(scratch.str());
  ASSERT_FALSE(no_weights.ok());
  EXPECT_THAT(no_weights.error().message, HasSubstr("model.safetensors"));
}

TEST(MarianLoader, AMisshapedTensorIsNamed) {
  Scratch scratch("misshaped");
  TinyCheckpoint tiny = testing::make_tiny_checkpoint(testing::tiny_marian_config());
  tiny.tensors["model.decoder.layers.1.encoder_attn.k_proj.weight"].shape = {8, 32};
  ASSERT_FALSE(tiny.write_hf_folder(scratch.str()).has_value());
  copy_tokenizer_files(scratch);
  Expected<std::shared_ptr<const TransformerModel>> model = load_model(scratch.str());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.error().message,
              HasSubstr("decoder.layers.1.encoder_attn.k_proj.weight: expected [16, 16]"));
}

TEST(MarianLoader, TooLongATargetIsRefusedOnItsOwnField) {
  Scratch scratch("long");
  std::shared_ptr<const MarianModel> model =
      open_tiny(scratch, testing::make_tiny_checkpoint(testing::tiny_marian_config()));
  ASSERT_NE(model, nullptr);
  Scenario scenario;
  scenario.source = "the cat";
  scenario.target = "die katze sass auf der matte und der hund sass auf der matte auch";
  Expected<Trace> trace = model->run(scenario);
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.error().field, InputField::Target);
  EXPECT_THAT(trace.error().message, HasSubstr("reads at most 32"));
}

}  // namespace
}  // namespace attn
