#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "attn/io/tensor_source.h"
#include "attn/models/attention_model.h"
#include "attn/models/model_config.h"
#include "attn/text/subword_tokenizer.h"

namespace attn {

/// A decoder's keys and values of every layer (after rotary positions), n rows each:
/// k[layer], v[layer] are n × (kv_heads · d_head).
struct KeyValueState final : ModelState {
  std::vector<Matrix> k;
  std::vector<Matrix> v;
};

/// What one forward pass reads besides the tokens, and collects besides the hidden states.
struct ForwardCapture {
  bool keep_weights = true;  ///< fill `blocks` with every layer's scores and weights
  /// Fill `detail` for this block: its index in the model's order of blocks, which is the
  /// layer for families with one attention block a layer (−1: none).
  int explain_block = -1;
  int next_block = 0;  ///< the index attend_heads gives the next block it computes
  /// Decoders: tokens [0, start) were computed before and their keys and values are in
  /// `past`; only rows start..n−1 are computed (blocks then hold n − start query rows).
  int start = 0;
  const KeyValueState* past = nullptr;
  KeyValueState* present = nullptr;  ///< when set, receives every layer's keys and values
  /// Only the attention weights (and keys and values) are wanted, not the hidden states: the
  /// last layer stops after its attention, since nothing after it changes any weight.
  bool weights_only = false;
  std::vector<AttentionBlock> blocks;
  BlockDetail detail;

  /// True once layer `layer` of `layers` has computed its attention and nothing after it is
  /// wanted (weights_only, the last layer, and not the block being explained).
  bool done_after_attention(int layer, int layers) const {
    return weights_only && layer + 1 == layers && explain_block != layer;
  }

  /// Keys (or values) of layer `layer` for all tokens (n × width): `past` rows [0, start),
  /// then `fresh`. Made once, in `present` when it is set (so the reference stays valid), else
  /// in a scratch matrix the next layer's call for the same kind reuses.
  const Matrix& keys_for(int layer, const MatrixRef& fresh, bool values);

 private:
  Matrix scratch_k_, scratch_v_;
};

/// One token of a translation, handed over as soon as it is produced.
struct TranslatedToken {
  int index = 0;            ///< 0 for the first token produced
  Token token;              ///< its id, vocabulary piece and display text
  std::string text_so_far;  ///< the target text of every token produced so far
};

/// How a translation runs: at most `max_tokens` tokens (the end token included), each handed
/// to `on_token` as it is produced (return false to stop there); `cancel`, when set, is read
/// before each token and stops the translation when true (from another thread).
struct TranslateOptions {
  int max_tokens = 128;
  std::function<bool(const TranslatedToken&)> on_token;
  const std::atomic<bool>* cancel = nullptr;
};

/// What a translation produced.
struct Translation {
  std::vector<int> ids;    ///< generated ids, without the decoder start token, with </s> if reached
  std::string text;        ///< the target text they stand for (special tokens left out)
  bool finished = false;   ///< the model produced its end token (</s>)
  bool cancelled = false;  ///< stopped by `cancel` or `on_token`
};

/// The part every real checkpoint family shares: a tokenizer, a config, the model card, and
/// run/explain on top of the family's forward pass. A family implements forward() once; run()
/// keeps every block's weights, explain() asks the same forward() for one layer's
/// intermediates, so both come from the same code.
class TransformerModel : public AttentionModel {
 public:
  Expected<Trace> run(const Scenario& scenario) const override;
  Expected<Trace> run_after(const Scenario& scenario, const Trace& previous) const override;
  Expected<BlockDetail> explain(const Trace& trace, int block) const override;
  ModelInfo info() const override { return info_; }

  const ModelConfig& config() const { return config_; }
  const SubwordTokenizer& tokenizer() const { return *tokenizer_; }

  /// The tokens the model reads for `scenario`, special tokens included (GPT-2: none; BERT:
  /// [CLS] A [SEP] (B [SEP]); Llama: BOS first). An Error names the input and the problem
  /// (invalid UTF-8, empty, longer than the context).
  virtual Expected<std::vector<Token>> model_tokens(const Scenario& scenario) const;

  /// Decoders: the next-token logits (1 × vocab) after `ids`; an Error for encoders.
  virtual Expected<RowVector> next_token_logits(const std::vector<int>& ids) const;

  /// Whether the model translates (an encoder–decoder: Marian): then a Scenario's source is the
  /// text to translate and its target the translation, and translate() works.
  virtual bool translates() const { return false; }
  /// Greedy translation of `source` (temperature 0, the most likely token each step), token by
  /// token as `options` says. An Error for models that do not translate and for bad input.
  virtual Expected<Translation> translate(const std::string& source,
                                          const TranslateOptions& options = {}) const;

  /// Greedy decoding (temperature 0): `steps` more ids after `prompt`, stopping early at an id
  /// in `stop`. An Error for encoders or bad ids.
  Expected<std::vector<int>> generate_greedy(std::vector<int> prompt, int steps,
                                             const std::vector<int>& stop = {}) const;

 protected:
  TransformerModel(ModelConfig config, std::shared_ptr<const SubwordTokenizer> tokenizer,
                   ModelInfo info)
      : config_(std::move(config)), tokenizer_(std::move(tokenizer)), info_(std::move(info)) {}

  /// The family's forward pass over `tokens` (n ids, token types in Token::segment). Returns
  /// the final hidden states, n × d_model (after the final norm where the model has one).
  virtual Matrix forward(const std::vector<Token>& tokens, ForwardCapture& capture) const = 0;
  /// Whether the model's self-attention is causal (decoders).
  virtual bool causal() const = 0;
  /// An Error when a token id is outside the vocabulary or there are more tokens than the
  /// context holds (`field` names the input).
  std::optional<Error> check_tokens(const std::vector<Token>& tokens, InputField field) const;
  /// Tokens carrying `ids` (checked as above), for next_token_logits.
  Expected<std::vector<Token>> tokens_of_ids(const std::vector<int>& ids) const;

  ModelConfig config_;
  std::shared_ptr<const SubwordTokenizer> tokenizer_;
  ModelInfo info_;
};

/// Fills the model card from what `read` took: the parameter count, a warning per unused tensor
/// (names matching none of `ignorable`) and one for NaN or infinite weights.
void note_unused_and_non_finite(const WeightReader& read, const std::vector<std::string>& ignorable,
                                ModelInfo& card);

/// One attention layer's heads, shared by the families: per head h, scores = Q_h·K_gᵀ/√d_head
/// (g = h ÷ (H ÷ KV), grouped-query attention), causal mask when asked, softmax, ·V_g.
/// q: m × (H·d_head) for query rows start..start+m−1 (capture.start), k and v:
/// n × (KV·d_head) for every key. Returns the head outputs side by side, m × (H·d_head).
/// Adds the layer's block (named `name`) to capture.blocks when it keeps weights, and fills
/// capture.detail's heads when it is the block to explain (capture.next_block, advanced here,
/// counts the blocks in the model's order).
Matrix attend_heads(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v, int heads,
                    int kv_heads, bool causal, const std::string& name, int layer,
                    ForwardCapture& capture);

}  // namespace attn
