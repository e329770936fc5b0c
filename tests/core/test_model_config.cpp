// config.json → ModelConfig for every family, with the real configs' values, and one test per
// kind of refusal (each family's required fields, sizes, divisibility, types, model_type).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attn/models/model_config.h"

namespace attn {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// The config.json files of openai-community/gpt2, google-bert/bert-base-uncased,
// TinyLlama/TinyLlama-1.1B-Chat-v1.0, meta-llama/Llama-3.2-1B, mistralai/Mistral-7B-v0.1,
// Qwen/Qwen2-0.5B and Helsinki-NLP/opus-mt-en-de (fields that attnviz does not read trimmed).
const char* const kGpt2 = R"({
  "activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
  "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
  "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
  "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_activation": null,
  "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
  "vocab_size": 50257})";

const char* const kBert = R"({
  "architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
  "gradient_checkpointing": false, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
  "hidden_size": 768, "initializer_range": 0.02, "intermediate_size": 3072,
  "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
  "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0,
  "position_embedding_type": "absolute", "transformers_version": "4.6.0.dev0",
  "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522})";

const char* const kTinyLlama = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "bos_token_id": 1,
  "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02,
  "intermediate_size": 5632, "max_position_embeddings": 2048, "model_type": "llama",
  "num_attention_heads": 32, "num_hidden_layers": 22, "num_key_value_heads": 4,
  "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0,
  "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_cache": true,
  "vocab_size": 32000})";

const char* const kLlama32 = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "head_dim": 64,
  "hidden_act": "silu", "hidden_size": 2048, "initializer_range": 0.02,
  "intermediate_size": 8192, "max_position_embeddings": 131072, "mlp_bias": false,
  "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 16,
  "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "use_cache": true, "vocab_size": 128256})";

const char* const kMistral = R"({
  "architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
  "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
  "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096,
  "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_cache": true,
  "vocab_size": 32000})";

const char* const kQwen2 = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02,
  "intermediate_size": 4864, "max_position_embeddings": 131072, "max_window_layers": 24,
  "model_type": "qwen2", "num_attention_heads": 14, "num_hidden_layers": 24,
  "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
  "sliding_window": 131072, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "use_cache": true, "use_sliding_window": false, "vocab_size": 151936})";

const char* const kMarian = R"({
  "activation_dropout": 0.0, "activation_function": "swish", "add_bias_logits": false,
  "add_final_layer_norm": false, "architectures": ["MarianMTModel"], "attention_dropout": 0.0,
  "bos_token_id": 0, "classif_dropout": 0.0, "d_model": 512, "decoder_attention_heads": 8,
  "decoder_ffn_dim": 2048, "decoder_layerdrop": 0.0, "decoder_layers": 6,
  "decoder_start_token_id": 58100, "decoder_vocab_size": 58101, "dropout": 0.1,
  "encoder_attention_heads": 8, "encoder_ffn_dim": 2048, "encoder_layerdrop": 0.0,
  "encoder_layers": 6, "eos_token_id": 0, "is_encoder_decoder": true,
  "max_position_embeddings": 512, "model_type": "marian", "normalize_before": false,
  "normalize_embedding": false, "num_hidden_layers": 6, "pad_token_id": 58100,
  "scale_embedding": true, "share_encoder_decoder_embeddings": true,
  "static_position_embeddings": true, "vocab_size": 58101})";

ModelConfig parse_ok(const std::string& text) {
  Expected<ModelConfig> config = parse_model_config(text, "config.json");
  EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message);
  return config.ok() ? config.value() : ModelConfig{};
}

std::string refusal(const std::string& text) {
  Expected<ModelConfig> config = parse_model_config(text, "config.json");
  EXPECT_FALSE(config.ok()) << text;
  if (config.ok()) return "";
  EXPECT_EQ(config.error().field, InputField::Model);
  return config.error().message;
}

// `base` with `key` set to `value` (a JSON text) or, when value is empty, removed.
std::string with(const std::string& base, const std::string& key, const std::string& value) {
  json config = json::parse(base);
  if (value.empty()) {
    config.erase(key);
  } else {
    config[key] = json::parse(value);
  }
  return config.dump();
}

TEST(ModelConfig, Gpt2) {
  const ModelConfig c = parse_ok(kGpt2);
  EXPECT_EQ(c.family, Family::Gpt2);
  EXPECT_EQ(c.model_type, "gpt2");
  EXPECT_EQ(c.n_layers, 12);
  EXPECT_EQ(c.n_heads, 12);
  EXPECT_EQ(c.n_kv_heads, 12);
  EXPECT_EQ(c.d_model, 768);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.d_ff, 3072);  // n_inner absent: 4 · n_embd
  EXPECT_EQ(c.vocab_size, 50257);
  EXPECT_EQ(c.max_positions, 1024);
  EXPECT_EQ(c.norm_eps, 1e-5f);
  EXPECT_EQ(c.activation, "gelu_new");
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_EQ(c.bos_id, 50256);
  EXPECT_EQ(c.eos_id, 50256);
  EXPECT_EQ(c.pad_id, -1);
  EXPECT_TRUE(c.unsupported.empty());
  EXPECT_EQ(parse_ok(with(kGpt2, "n_inner", "1000")).d_ff, 1000);
  EXPECT_EQ(parse_ok(with(kGpt2, "n_inner", "null")).d_ff, 3072);
  EXPECT_EQ(parse_ok(with(kGpt2, "activation_function", "")).activation, "gelu_new");
  EXPECT_EQ(parse_ok(with(kGpt2, "layer_norm_epsilon", "")).norm_eps, 1e-5f);
  EXPECT_EQ(to_string(c.family), "gpt2");
}

TEST(ModelConfig, Bert) {
  const ModelConfig c = parse_ok(kBert);
  EXPECT_EQ(c.family, Family::Bert);
  EXPECT_EQ(c.n_layers, 12);
  EXPECT_EQ(c.n_heads, 12);
  EXPECT_EQ(c.d_model, 768);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.d_ff, 3072);
  EXPECT_EQ(c.vocab_size, 30522);
  EXPECT_EQ(c.max_positions, 512);
  EXPECT_EQ(c.norm_eps, 1e-12f);
  EXPECT_EQ(c.activation, "gelu");
  EXPECT_EQ(c.type_vocab_size, 2);
  EXPECT_EQ(c.pad_id, 0);
  const ModelConfig defaults = parse_ok(
      with(with(with(with(kBert, "layer_norm_eps", ""), "hidden_act", ""), "type_vocab_size", ""),
           "pad_token_id", ""));
  EXPECT_EQ(defaults.norm_eps, 1e-12f);
  EXPECT_EQ(defaults.activation, "gelu");
  EXPECT_EQ(defaults.type_vocab_size, 2);
  EXPECT_EQ(defaults.pad_id, 0);
  EXPECT_EQ(parse_ok(with(kBert, "position_embedding_type", "\"relative_key\"")).unsupported.size(),
            1u);
}

TEST(ModelConfig, TinyLlamaWithGroupedQueryAttention) {
  const ModelConfig c = parse_ok(kTinyLlama);
  EXPECT_EQ(c.family, Family::Llama);
  EXPECT_EQ(c.model_type, "llama");
  EXPECT_EQ(c.n_layers, 22);
  EXPECT_EQ(c.n_heads, 32);
  EXPECT_EQ(c.n_kv_heads, 4);
  EXPECT_EQ(c.d_model, 2048);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.d_ff, 5632);
  EXPECT_EQ(c.vocab_size, 32000);
  EXPECT_EQ(c.max_positions, 2048);
  EXPECT_EQ(c.norm_eps, 1e-5f);
  EXPECT_EQ(c.rope_theta, 10000.0f);
  EXPECT_EQ(c.activation, "silu");
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_EQ(c.bos_id, 1);
  EXPECT_EQ(c.eos_id, 2);
  EXPECT_TRUE(c.rope_scaling.empty());
  EXPECT_TRUE(c.unsupported.empty());
  const ModelConfig defaults = parse_ok(with(
      with(with(with(kTinyLlama, "num_key_value_heads", ""), "rope_theta", ""), "hidden_act", ""),
      "tie_word_embeddings", ""));
  EXPECT_EQ(defaults.n_kv_heads, 32);
  EXPECT_EQ(defaults.rope_theta, 10000.0f);
  EXPECT_EQ(defaults.activation, "silu");
  EXPECT_FALSE(defaults.tie_word_embeddings);
  EXPECT_TRUE(parse_ok(with(kTinyLlama, "attention_bias", "true")).attention_bias);
}

TEST(ModelConfig, Llama32AcceptsLlama3RopeScalingAndRecordsItUnsupported) {
  const ModelConfig c = parse_ok(kLlama32);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.n_kv_heads, 8);
  EXPECT_EQ(c.rope_theta, 500000.0f);
  EXPECT_EQ(c.max_positions, 131072);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.bos_id, 128000);
  EXPECT_EQ(c.eos_id, 128001);  // the first of the list
  EXPECT_EQ(c.rope_scaling, "llama3");
  ASSERT_EQ(c.unsupported.size(), 1u);
  EXPECT_THAT(c.unsupported[0], HasSubstr("rope_scaling \"llama3\": attnviz applies plain RoPE"));
  // head_dim given: heads · head_dim need not be hidden_size (as in Gemma, Qwen3)
  const ModelConfig wide = parse_ok(with(kLlama32, "head_dim", "128"));
  EXPECT_EQ(wide.head_dim, 128);
}

TEST(ModelConfig, MistralRecordsItsSlidingWindow) {
  const ModelConfig c = parse_ok(kMistral);
  EXPECT_EQ(c.family, Family::Llama);
  EXPECT_EQ(c.model_type, "mistral");
  EXPECT_EQ(c.n_kv_heads, 8);
  EXPECT_EQ(c.d_ff, 14336);
  EXPECT_FALSE(c.attention_bias);
  ASSERT_EQ(c.unsupported.size(), 1u);
  EXPECT_THAT(c.unsupported[0], HasSubstr("sliding_window 4096"));
  EXPECT_TRUE(parse_ok(with(kMistral, "sliding_window", "null")).unsupported.empty());
}

TEST(ModelConfig, Qwen2HasAttentionBiasesAlways) {
  const ModelConfig c = parse_ok(kQwen2);
  EXPECT_EQ(c.family, Family::Llama);
  EXPECT_EQ(c.model_type, "qwen2");
  EXPECT_EQ(c.n_heads, 14);
  EXPECT_EQ(c.n_kv_heads, 2);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.norm_eps, 1e-6f);
  EXPECT_EQ(c.rope_theta, 1e6f);
  EXPECT_TRUE(c.attention_bias);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.eos_id, 151643);
  EXPECT_TRUE(c.unsupported.empty());  // use_sliding_window false
}

TEST(ModelConfig, Marian) {
  const ModelConfig c = parse_ok(kMarian);
  EXPECT_EQ(c.family, Family::Marian);
  EXPECT_EQ(c.d_model, 512);
  EXPECT_EQ(c.encoder_layers, 6);
  EXPECT_EQ(c.n_layers, 6);
  EXPECT_EQ(c.encoder_heads, 8);
  EXPECT_EQ(c.n_heads, 8);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.encoder_d_ff, 2048);
  EXPECT_EQ(c.d_ff, 2048);
  EXPECT_EQ(c.max_positions, 512);
  EXPECT_EQ(c.vocab_size, 58101);
  EXPECT_EQ(c.activation, "swish");
  EXPECT_TRUE(c.scale_embedding);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.pad_id, 58100);
  EXPECT_EQ(c.eos_id, 0);
  EXPECT_EQ(c.decoder_start_id, 58100);
  EXPECT_TRUE(c.unsupported.empty());
  const ModelConfig defaults =
      parse_ok(with(with(with(kMarian, "activation_function", ""), "scale_embedding", ""),
                    "decoder_start_token_id", ""));
  EXPECT_EQ(defaults.activation, "gelu");  // MarianConfig's default
  EXPECT_FALSE(defaults.scale_embedding);
  EXPECT_EQ(defaults.decoder_start_id, 58100);  // the pad id
}

// ---- refusals -------------------------------------------------------------------------------

struct Family_ {
  const char* config;
  std::vector<std::string> required;
};

TEST(ModelConfigRefuses, EachFamilysRequiredFieldsMissing) {
  const std::vector<Family_> families{
      {kGpt2, {"n_layer", "n_head", "n_embd", "n_positions", "vocab_size"}},
      {kBert,
       {"num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size",
        "max_position_embeddings", "vocab_size"}},
      {kTinyLlama,
       {"num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size",
        "max_position_embeddings", "vocab_size"}},
      {kMistral,
       {"num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size",
        "max_position_embeddings", "vocab_size"}},
      {kQwen2,
       {"num_hidden_layers", "num_attention_heads", "hidden_size", "intermediate_size",
        "max_position_embeddings", "vocab_size"}},
      {kMarian,
       {"d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
        "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "max_position_embeddings",
        "vocab_size"}}};
  for (const Family_& family : families) {
    for (const std::string& key : family.required) {
      std::string text = with(family.config, key, "");
      if (key == "n_positions") text = with(text, "n_ctx", "");  // GPT-2's old name
      EXPECT_EQ(refusal(text), "config.json: \"" + key + "\" is missing") << key;
      // null is as good as missing
      if (key != "n_positions") {
        EXPECT_EQ(refusal(with(family.config, key, "null")),
                  "config.json: \"" + key + "\" is missing");
      }
    }
  }
  // GPT-2's old n_ctx stands in for n_positions
  EXPECT_EQ(parse_ok(with(kGpt2, "n_positions", "")).max_positions, 1024);
}

TEST(ModelConfigRefuses, ZeroNegativeAndAbsurdSizes) {
  EXPECT_EQ(refusal(with(kGpt2, "n_layer", "0")),
            "config.json: n_layer = 0 must be between 1 and 1000");
  EXPECT_EQ(refusal(with(kGpt2, "n_embd", "-768")),
            "config.json: n_embd = -768 must be between 1 and 65536");
  EXPECT_EQ(refusal(with(kBert, "num_hidden_layers", "1000000000")),
            "config.json: num_hidden_layers = 1000000000 must be between 1 and 1000");
  EXPECT_EQ(refusal(with(kTinyLlama, "vocab_size", "18446744073709551615")),
            "config.json: vocab_size = 18446744073709551615 must be between 1 and 4194304");
  EXPECT_EQ(refusal(with(kTinyLlama, "intermediate_size", "-9223372036854775808")),
            "config.json: intermediate_size = -9223372036854775808 must be between 1 and "
            "1048576");
  EXPECT_EQ(refusal(with(kMarian, "max_position_embeddings", "1e12")),
            "config.json: max_position_embeddings = 1000000000000.0 must be between 1 and "
            "16777216");
  EXPECT_EQ(refusal(with(kTinyLlama, "num_key_value_heads", "0")),
            "config.json: num_key_value_heads = 0 must be between 1 and 1024");
  EXPECT_EQ(refusal(with(kLlama32, "head_dim", "0")),
            "config.json: head_dim = 0 must be between 1 and 1024");
  EXPECT_EQ(refusal(with(kGpt2, "layer_norm_epsilon", "0")),
            "config.json: layer_norm_epsilon = 0 must be a positive number up to 1.0");
  EXPECT_EQ(refusal(with(kTinyLlama, "rope_theta", "-10000.0")),
            "config.json: rope_theta = -10000.0 must be a positive number up to 1000000000000.0");
  EXPECT_EQ(refusal(with(kBert, "type_vocab_size", "0")),
            "config.json: type_vocab_size = 0 must be between 1 and 65536");
}

TEST(ModelConfigRefuses, HeadsThatDoNotDivideTheWidth) {
  EXPECT_EQ(refusal(with(kGpt2, "n_head", "5")),
            "config.json: n_head = 5 does not divide n_embd = 768");
  EXPECT_EQ(refusal(with(kBert, "num_attention_heads", "7")),
            "config.json: num_attention_heads = 7 does not divide hidden_size = 768");
  EXPECT_EQ(
      refusal(with(with(kTinyLlama, "num_key_value_heads", "6"), "num_attention_heads", "30")),
      "config.json: num_attention_heads = 30 does not divide hidden_size = 2048");
  EXPECT_EQ(refusal(with(kMarian, "encoder_attention_heads", "3")),
            "config.json: encoder_attention_heads = 3 does not divide d_model = 512");
  EXPECT_EQ(refusal(with(kMarian, "decoder_attention_heads", "6")),
            "config.json: decoder_attention_heads = 6 does not divide d_model = 512");
}

TEST(ModelConfigRefuses, KvHeadsThatDoNotDivideHeads) {
  EXPECT_EQ(refusal(with(kTinyLlama, "num_key_value_heads", "3")),
            "config.json: num_key_value_heads = 3 does not divide num_attention_heads = 32");
  EXPECT_EQ(refusal(with(kQwen2, "num_key_value_heads", "28")),
            "config.json: num_key_value_heads = 28 does not divide num_attention_heads = 14");
}

TEST(ModelConfigRefuses, AnOddRopeHeadSize) {
  EXPECT_EQ(refusal(with(kLlama32, "head_dim", "63")),
            "config.json: the head size 63 is odd; rotary position embedding rotates pairs of "
            "dimensions");
}

TEST(ModelConfigRefuses, UnknownOrMissingModelType) {
  EXPECT_EQ(refusal(with(kGpt2, "model_type", "\"t5\"")),
            "config.json: model_type \"t5\" is not supported; attnviz reads gpt2, bert, llama, "
            "mistral, qwen2, marian");
  EXPECT_EQ(refusal(with(kGpt2, "model_type", "")),
            "config.json: \"model_type\" is missing; attnviz reads " + supported_model_types());
  EXPECT_EQ(refusal(with(kGpt2, "model_type", "2")),
            "config.json: model_type = 2 is not a name; attnviz reads " + supported_model_types());
}

TEST(ModelConfigRefuses, StringsBooleansAndFractionsWhereNumbersBelong) {
  EXPECT_EQ(refusal(with(kGpt2, "n_layer", "\"12\"")),
            "config.json: n_layer = \"12\" is not a whole number");
  EXPECT_EQ(refusal(with(kGpt2, "n_head", "12.5")),
            "config.json: n_head = 12.5 is not a whole number");
  EXPECT_EQ(refusal(with(kBert, "hidden_size", "true")),
            "config.json: hidden_size = true is not a whole number");
  EXPECT_EQ(refusal(with(kBert, "hidden_size", "[768]")),
            "config.json: hidden_size = [...] is not a whole number");
  EXPECT_EQ(refusal(with(kTinyLlama, "rms_norm_eps", "\"1e-5\"")),
            "config.json: rms_norm_eps = \"1e-5\" is not a number");
  EXPECT_EQ(refusal(with(kTinyLlama, "tie_word_embeddings", "1")),
            "config.json: tie_word_embeddings = 1 is not true or false");
  EXPECT_EQ(refusal(with(kGpt2, "activation_function", "3")),
            "config.json: activation_function = 3 is not a name");
  EXPECT_EQ(refusal(with(kTinyLlama, "rope_scaling", "\"llama3\"")),
            "config.json: rope_scaling = \"llama3\" is not an object");
  // 12.0 is a whole number
  EXPECT_EQ(parse_ok(with(kGpt2, "n_layer", "12.0")).n_layers, 12);
}

TEST(ModelConfigRefuses, NanAndInfinity) {
  // JSON has no NaN (Python's json.dump writes it anyway): refused as JSON, with the place.
  EXPECT_THAT(
      refusal(std::string(kGpt2).replace(std::string(kGpt2).find("1e-05"), 5, "NaN")),
      HasSubstr("config.json: not valid JSON (parse error at line 4, column 25: syntax error while "
                "parsing value - invalid literal; last read: '\"layer_norm_epsilon\": N'"));
  std::string huge = kGpt2;
  huge.replace(huge.find("1e-05"), 5, "1e400");  // past double: nlohmann refuses the number
  EXPECT_EQ(refusal(huge), "config.json: not valid JSON (number overflow parsing '1e400')");
}

TEST(ModelConfigRefuses, TokenIdsOutsideTheVocabulary) {
  EXPECT_EQ(refusal(with(kGpt2, "eos_token_id", "50257")),
            "config.json: eos_token_id = 50257 is not below vocab_size = 50257");
  EXPECT_EQ(refusal(with(kLlama32, "eos_token_id", "[\"x\"]")),
            "config.json: eos_token_id = [...] is not a token id");
  EXPECT_EQ(parse_ok(with(kTinyLlama, "pad_token_id", "-1")).pad_id, -1);
}

TEST(ModelConfigRefuses, TextThatIsNotAJsonObject) {
  EXPECT_THAT(refusal("{\"model_type\": \"gpt2\", "), HasSubstr("config.json: not valid JSON"));
  EXPECT_EQ(refusal("[1, 2]"), "config.json: [...] is not an object");
  EXPECT_EQ(refusal(""),
            "config.json: not valid JSON (parse error at line 1, column 1: syntax "
            "error while parsing value - unexpected end of input; expected '[', "
            "'{', or a literal)");
  EXPECT_EQ(refusal("{\"model_type\": \"gpt2\", \"n_layer\": 1, \"n_layer\": 12}"),
            "config.json: the key \"n_layer\" appears twice in one object");
  EXPECT_THAT(refusal("{\"model_type\": \"gpt\xff\"}"),
              HasSubstr("config.json: not valid UTF-8 (byte 19 is 0xFF)"));
}

}  // namespace
}  // namespace attn
