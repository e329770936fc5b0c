// Writes the committed crafted files: the hostile-checkpoint suite (tests/data/hostile/, read by
// test_hostile_checkpoints) and the fuzzers' seed corpora (tests/fuzz/corpus/<harness>/).
// Deterministic: run it again after changing a case and commit what changed.
//
//   build/tests/make_hostile_files <source tree>      (scripts/make_hostile_files.sh)
#include <sentencepiece_trainer.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "safetensors_writer.h"
#include "tiny_checkpoint.h"
#include "tiny_tokenizers.h"

namespace fs = std::filesystem;
using namespace attn::testing;

namespace {

std::string g_hostile;  // tests/data/hostile
std::string g_corpus;   // tests/fuzz/corpus
constexpr int kVocab = 300;
const std::string kSep = "\n--8<--\n";

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void put(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  write_file(path, bytes);
}
void hostile(const std::string& name, const std::string& bytes) {
  put(g_hostile + "/" + name, bytes);
}
void seed(const std::string& harness, const std::string& name, const std::string& bytes) {
  put(g_corpus + "/" + harness + "/" + name, bytes);
}
// A hostile file that also seeds a harness.
void both(const std::string& harness, const std::string& name, const std::string& bytes) {
  hostile(name, bytes);
  seed(harness, name, bytes);
}

std::string le32(std::int32_t value) {
  std::string out(4, '\0');
  std::memcpy(out.data(), &value, 4);
  return out;
}
std::string llama2c_header(std::int32_t dim, std::int32_t hidden, std::int32_t layers,
                           std::int32_t heads, std::int32_t kv_heads, std::int32_t vocab,
                           std::int32_t seq_len) {
  return le32(dim) + le32(hidden) + le32(layers) + le32(heads) + le32(kv_heads) + le32(vocab) +
         le32(seq_len);
}

void safetensors_cases() {
  const std::string a = f32_bytes({1.0f, 2.0f});
  const std::string valid = make_safetensors({{"a", "F32", {2}, a},
                                              {"b", "F16", {3}, u16_bytes({1, 2, 3})},
                                              {"c", "BF16", {}, u16_bytes({0x3F80})}},
                                             {{"format", "pt"}});
  both("safetensors", "valid_small.safetensors", valid);
  // Header length past the end of the file; over 100 MB.
  std::string past = valid;
  past[0] = '\x7F';
  past[1] = '\x7F';
  both("safetensors", "st_header_length_past_end.safetensors", past);
  std::string huge(8, '\0');
  const std::uint64_t length = 100'000'001;
  std::memcpy(huge.data(), &length, 8);
  both("safetensors", "st_header_over_100mb.safetensors", huge + "{}");
  both("safetensors", "st_header_invalid_utf8.safetensors",
       safetensors_bytes(
           "{\"a\xff\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", a));
  both("safetensors", "st_header_invalid_json.safetensors",
       safetensors_bytes("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]",
                         a));
  const auto entry = [](const std::string& name, const std::string& dtype, const std::string& shape,
                        std::uint64_t begin, std::uint64_t end) {
    return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape +
           ", \"data_offsets\": [" + std::to_string(begin) + ", " + std::to_string(end) + "]}";
  };
  const std::string data16 = f32_bytes({1, 2, 3, 4});
  both("safetensors", "st_overlapping_offsets.safetensors",
       safetensors_bytes(
           "{" + entry("a", "F32", "[2]", 0, 8) + ", " + entry("b", "F32", "[2]", 4, 12) + "}",
           data16.substr(0, 12)));
  both("safetensors", "st_offsets_end_before_begin.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[2]", 8, 0) + "}", a));
  both("safetensors", "st_gap_between_tensors.safetensors",
       safetensors_bytes(
           "{" + entry("a", "F32", "[1]", 0, 4) + ", " + entry("b", "F32", "[2]", 8, 16) + "}",
           data16));
  both("safetensors", "st_data_not_from_zero.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[1]", 4, 8) + "}", a));
  both("safetensors", "st_size_not_shape_times_dtype.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[3]", 0, 8) + "}", a));
  both("safetensors", "st_shape_product_overflows.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[4294967296, 4294967296, 16]", 0, 8) + "}", a));
  both("safetensors", "st_unsupported_dtype.safetensors",
       safetensors_bytes("{" + entry("a", "I64", "[1]", 0, 8) + "}", a));
  both("safetensors", "st_trailing_bytes.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[1]", 0, 4) + "}", a));
  both("safetensors", "st_duplicate_names.safetensors",
       safetensors_bytes(
           "{" + entry("a", "F32", "[1]", 0, 4) + ", " + entry("a", "F32", "[1]", 4, 8) + "}", a));
  both("safetensors", "st_negative_dimension.safetensors",
       safetensors_bytes("{" + entry("a", "F32", "[-2]", 0, 8) + "}", a));
}

RefConfig tiny_gpt2() {
  RefConfig config = tiny_gpt2_config();
  config.vocab_size = kVocab;
  return config;
}

// A whole GPT-2 folder: config.json (with `config_json` instead when given), model.safetensors,
// vocab.json + merges.txt.
void gpt2_folder(const std::string& name, const TinyCheckpoint& tiny,
                 const std::string& config_json = {}) {
  const std::string folder = g_hostile + "/" + name;
  fs::remove_all(folder);
  fs::create_directories(folder);
  if (tiny.write_hf_folder(folder)) std::fprintf(stderr, "cannot write %s\n", folder.c_str());
  write_byte_level_bpe(folder, kVocab);
  if (!config_json.empty()) write_file(folder + "/config.json", config_json);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  if (at == std::string::npos) {
    std::fprintf(stderr, "\"%s\" not found\n", from.c_str());
    std::exit(1);
  }
  return text.replace(at, from.size(), to);
}

void config_cases() {
  const TinyCheckpoint tiny = make_tiny_checkpoint(tiny_gpt2());
  const std::string config = tiny.config_json();
  seed("model_config", "gpt2.json", config);
  for (RefConfig other : {tiny_bert_config(), tiny_llama_config(), tiny_qwen2_config()})
    seed("model_config", other.model_type + ".json", make_tiny_checkpoint(other).config_json());
  // Only config.json: load_model refuses before it looks for anything else.
  const auto config_only = [&](const std::string& name, const std::string& text) {
    hostile(name + "/config.json", text);
    seed("model_config", name + ".json", text);
  };
  config_only("model_config_not_json", "{\"model_type\": \"gpt2\", \"n_layer\": ");
  config_only("model_zero_layers", replace(config, "\"n_layer\": 2", "\"n_layer\": 0"));
  config_only("model_negative_heads", replace(config, "\"n_head\": 4", "\"n_head\": -4"));
  config_only("model_heads_not_dividing", replace(config, "\"n_head\": 4", "\"n_head\": 5"));
  config_only("model_billion_layers", replace(config, "\"n_layer\": 2", "\"n_layer\": 1000000000"));
  config_only("model_absurd_vocab",
              replace(config, "\"vocab_size\": 300", "\"vocab_size\": 1000000000000"));
  // Every size inside the limits, but 1,000 layers of width 65,536: far beyond memory.
  config_only("model_too_large_for_memory",
              replace(replace(replace(config, "\"n_layer\": 2", "\"n_layer\": 1000"),
                              "\"n_embd\": 16", "\"n_embd\": 65536"),
                      "\"n_head\": 4", "\"n_head\": 64"));
  // A whole folder whose config.json disagrees with the stored shapes: 40 positions, 32 stored.
  gpt2_folder("model_shapes_disagree_with_config", tiny,
              replace(config, "\"n_positions\": 32", "\"n_positions\": 40"));
  // NaN and infinite weights: loads, with a warning.
  TinyCheckpoint nan = tiny;
  nan.tensors.at("h.0.attn.c_attn.weight").values[0] = std::numeric_limits<float>::quiet_NaN();
  nan.tensors.at("h.1.mlp.c_fc.weight").values[3] = std::numeric_limits<float>::infinity();
  gpt2_folder("model_nan_inf_weights", nan);
}

void llama2c_cases() {
  RefConfig config = tiny_llama2c_config();
  config.d_model = 8;
  config.n_heads = 2;
  config.n_kv_heads = 2;
  config.head_dim = 4;
  config.d_ff = 8;
  config.n_layers = 1;
  config.vocab_size = 8;
  config.max_positions = 4;
  const TinyCheckpoint tiny = make_tiny_checkpoint(config);
  const std::string path = g_hostile + "/valid_small.bin";
  if (tiny.write_llama2c(path)) std::fprintf(stderr, "cannot write %s\n", path.c_str());
  const std::string valid = read(path);
  seed("llama2c_file", "valid_small.bin", valid);
  const std::string weights = valid.substr(28);
  both("llama2c_file", "l2c_header_truncated.bin", valid.substr(0, 10));
  both("llama2c_file", "l2c_zero_dim.bin", llama2c_header(0, 8, 1, 2, 2, 8, 4) + weights);
  both("llama2c_file", "l2c_negative_layers.bin", llama2c_header(8, 8, -1, 2, 2, 8, 4) + weights);
  both("llama2c_file", "l2c_heads_not_dividing.bin", llama2c_header(8, 8, 1, 3, 3, 8, 4) + weights);
  both("llama2c_file", "l2c_billion_layers.bin",
       llama2c_header(8, 8, 1'000'000'000, 2, 2, 8, 4) + weights);
  both("llama2c_file", "l2c_absurd_vocab.bin",
       llama2c_header(8, 8, 1, 2, 2, 2'000'000'000, 4) + weights);
  both("llama2c_file", "l2c_size_mismatch.bin", valid.substr(0, valid.size() - 4));
  both("llama2c_file", "l2c_trailing_bytes.bin", valid + std::string(4, '\0'));
  both("llama2c_file", "l2c_newer_version.bin", le32(0x616b3432) + valid.substr(4));
  // Every size inside the limits, but 1,000 layers of width 65,536: far beyond memory. The
  // file is small, so it is refused for its size first; load_model refuses the same header
  // for memory when the file is as large (a sparse file; see the test).
}

void tokenizer_cases() {
  const std::string scratch = (fs::temp_directory_path() / "attnviz-make-hostile").string();
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const std::string text = "Hello world, it's 2024! naïve 我爱你";

  // GPT-2 vocab.json + merges.txt.
  write_byte_level_bpe(scratch, kVocab);
  const std::string vocab_json = read(scratch + "/vocab.json");
  const std::string merges = read(scratch + "/merges.txt");
  seed("gpt2_bpe", "valid", vocab_json + kSep + merges + kSep + text);
  hostile("tok_gpt2_vocab_not_object/vocab.json", "[\"a\", \"b\"]");
  hostile("tok_gpt2_vocab_not_object/merges.txt", merges);
  seed("gpt2_bpe", "vocab_not_object", std::string("[\"a\", \"b\"]") + kSep + merges);
  hostile("tok_gpt2_bad_merge_line/vocab.json", vocab_json);
  hostile("tok_gpt2_bad_merge_line/merges.txt", "#version: 0.2\nh e\nthree pieces here\n");
  hostile("tok_gpt2_id_out_of_range/vocab.json", "{\"a\": 99999999999}");
  hostile("tok_gpt2_id_out_of_range/merges.txt", "");

  // tokenizer.json from the same vocabulary and merges.
  std::string merges_array = "[";
  {
    std::size_t at = 0;
    bool first = true;
    while (at < merges.size()) {
      std::size_t end = merges.find('\n', at);
      if (end == std::string::npos) end = merges.size();
      const std::string line = merges.substr(at, end - at);
      at = end + 1;
      if (line.empty() || line[0] == '#') continue;
      std::string escaped;
      for (char c : line) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
      }
      merges_array += (first ? "\"" : ", \"") + escaped + "\"";
      first = false;
    }
  }
  merges_array += "]";
  const std::string tokenizer_json =
      "{\"version\": \"1.0\", \"added_tokens\": [], \"normalizer\": null, \"pre_tokenizer\": "
      "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, "
      "\"use_regex\": true}, \"model\": {\"type\": \"BPE\", \"vocab\": " +
      vocab_json + ", \"merges\": " + merges_array + "}}";
  seed("hf_bpe", "valid", tokenizer_json + kSep + text);
  both("hf_bpe", "tok_hf_not_json.json", tokenizer_json.substr(0, tokenizer_json.size() / 2));
  both("hf_bpe", "tok_hf_unigram.json",
       "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", -1.0]]}}");
  both("hf_bpe", "tok_hf_merge_of_unknown_pieces.json",
       "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"type\": \"BPE\", "
       "\"vocab\": {\"a\": 0}, \"merges\": [\"x y\"]}}");

  // WordPiece vocab.txt.
  write_wordpiece_vocab(scratch, 120);
  const std::string vocab_txt = read(scratch + "/vocab.txt");
  seed("word_piece", "valid", vocab_txt + kSep + text);
  hostile("tok_wp_invalid_utf8/vocab.txt", "[PAD]\n[UNK]\nab\xc3\x28\n");
  seed("word_piece", "invalid_utf8", "[PAD]\n[UNK]\nab\xc3\x28\n");
  hostile("tok_wp_no_unknown_token/vocab.txt", "[PAD]\nthe\ncat\n");

  // llama2.c tokenizer.bin (300 entries).
  write_llama2c_tokenizer(scratch + "/tokenizer.bin", kVocab);
  const std::string tokenizer_bin = read(scratch + "/tokenizer.bin");
  const std::uint16_t vocab_minus_one = kVocab - 1;
  const std::string vocab_prefix(reinterpret_cast<const char*>(&vocab_minus_one), 2);
  seed("llama2c_tokenizer", "valid", vocab_prefix + tokenizer_bin + kSep + text);
  hostile("tok_l2c_valid.bin", tokenizer_bin);
  hostile("tok_l2c_truncated.bin", tokenizer_bin.substr(0, tokenizer_bin.size() - 3));
  std::string negative = tokenizer_bin;
  const std::string minus = le32(-5);
  negative.replace(4 + 4, 4, minus);  // the first entry's length
  hostile("tok_l2c_negative_length.bin", negative);
  hostile("tok_l2c_max_length_zero.bin", le32(0) + tokenizer_bin.substr(4));
  // 12 bytes, room for one entry, for a model of 300 tokens: refused before anything is reserved.
  hostile("tok_l2c_far_too_small_for_vocab.bin", le32(16) + le32(0) + le32(0));
  seed("llama2c_tokenizer", "truncated", vocab_prefix + tokenizer_bin.substr(0, 200));

  // SentencePiece: a tiny unigram model, trained here, with identity normalization (small).
  struct Lines : sentencepiece::SentenceIterator {
    std::vector<std::string> lines{"the cat sat on the mat",    "the dog ate the cake",
                                   "a cat and a dog",           "hello world",
                                   "attention is all you need", "naïve café 我爱你"};
    std::size_t at = 0;
    bool done() const override { return at >= lines.size(); }
    void Next() override { ++at; }
    const std::string& value() const override { return lines[at]; }
    sentencepiece::util::Status status() const override { return {}; }
  } lines;
  std::string model;
  const sentencepiece::util::Status status =
      sentencepiece::SentencePieceTrainer::Train({{"vocab_size", "300"},
                                                  {"model_type", "unigram"},
                                                  {"normalization_rule_name", "identity"},
                                                  {"character_coverage", "1.0"},
                                                  {"byte_fallback", "true"},
                                                  {"minloglevel", "2"},
                                                  {"num_threads", "1"},
                                                  {"hard_vocab_limit", "false"}},
                                                 &lines, &model);
  if (!status.ok()) std::fprintf(stderr, "SentencePiece training: %s\n", status.ToString().c_str());
  seed("sentence_piece", "valid", model + kSep + text);
  hostile("tok_spm_valid.model", model);
  both("sentence_piece", "tok_spm_truncated.model", model.substr(0, model.size() / 2));
  both("sentence_piece", "tok_spm_garbage.model",
       std::string("\x0a\xff\xff\xff\xff\x0f garbage", 15));
  fs::remove_all(scratch);
}

void text_seeds() {
  seed("utf8", "text", "The animal didn't cross the street because it was too tired.");
  seed("utf8", "mixed",
       "naïve café 3.14 1,000 我爱自然语言处理 🙂 e\xcc\x81 dogs' it's");
  seed("utf8", "invalid", "ok \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82");
  seed("session", "valid",
       "{\"format\": \"attnviz-session\", \"version\": 1, \"scenario\": {\"source\": \"the cat "
       "sat\", \"target\": \"\", \"mode\": \"multihead\", \"heads\": 4, \"d_model\": 64, "
       "\"seed\": \"42\", \"score\": \"scaled_dot\", \"mask\": \"none\", \"temperature\": 1.0, "
       "\"positions\": true}, \"view\": {\"gradient\": \"viridis\", \"show_numbers\": true, "
       "\"fixed_range\": false, \"focused_head\": -1}}");
  seed("session", "newer", "{\"format\": \"attnviz-session\", \"version\": 7}");
  seed("command_line", "texts",
       std::string("--source\0the cat sat\0--heads\0"
                   "4\0--d-model\0"
                   "64",
                   40));
  seed("command_line", "export",
       std::string("--export\0/nonexistent/out\0--format\0png,csv\0--view\0head:2\0--seed\0"
                   "7",
                   60));
  seed("command_line", "help", "--help");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SOURCE_TREE\n", argv[0]);
    return 2;
  }
  g_hostile = std::string(argv[1]) + "/tests/data/hostile";
  g_corpus = std::string(argv[1]) + "/tests/fuzz/corpus";
  fs::remove_all(g_hostile);
  fs::create_directories(g_hostile);
  safetensors_cases();
  config_cases();
  llama2c_cases();
  tokenizer_cases();
  text_seeds();
  std::printf("wrote %s and %s\n", g_hostile.c_str(), g_corpus.c_str());
  return 0;
}
