#pragma once

#include <memory>
#include <string>
#include <vector>

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
  int explain_layer = -1;    ///< fill `detail` for this layer's attention (−1: none)
  /// Decoders: tokens [0, start) were computed before and their keys and values are in
  /// `past`; only rows start..n−1 are computed (blocks then hold n − start query rows).
  int start = 0;
  const KeyValueState* past = nullptr;
  KeyValueState* present = nullptr;  ///< when set, receives every layer's keys and values
  std::vector<AttentionBlock> blocks;
  BlockDetail detail;

  /// Keys (or values) of layer `layer` for all tokens: `past` rows [0, start), then `fresh`;
  /// kept in `present` when it is set.
  Matrix keys_for(int layer, const MatrixRef& fresh, bool values);
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

/// One attention layer's heads, shared by the families: per head h, scores = Q_h·K_gᵀ/√d_head
/// (g = h ÷ (H ÷ KV), grouped-query attention), causal mask when asked, softmax, ·V_g.
/// q: m × (H·d_head) for query rows start..start+m−1 (capture.start), k and v:
/// n × (KV·d_head) for every key. Returns the head outputs side by side, m × (H·d_head).
/// Adds the layer's block (named `name`) to capture.blocks when it keeps weights, and fills
/// capture.detail's heads when `layer` is the one to explain.
Matrix attend_heads(const MatrixRef& q, const MatrixRef& k, const MatrixRef& v, int heads,
                    int kv_heads, bool causal, const std::string& name, int layer,
                    ForwardCapture& capture);

}  // namespace attn
