#pragma once

#include <memory>
#include <string>
#include <vector>

#include "attn/io/tensor_source.h"
#include "attn/models/transformer_model.h"
#include "attn/text/marian_tokenizer.h"

namespace attn {

/// A Marian translation model (Junczys-Dowmunt et al. 2018; Helsinki-NLP opus-mt) as Hugging
/// Face's MarianMTModel computes it, float32, post-LayerNorm (Vaswani et al. 2017):
///   encoder, source ids s (n_s, ending in </s>):
///     x = E[s]·√D (when scale_embedding) + P[0..n_s)          n_s × D, P sinusoidal: sin | cos
///     per layer i (model.encoder.layers.i):
///       x = LN(x + out(attention(x·W_q, x·W_k, x·W_v)))         no mask
///       x = LN(x + fc2(act(fc1(x))))                              act = activation_function
///   decoder, ids t (n_t: the decoder start token, then the target's ids), encoder output e:
///     y = E[t]·√D + P[0..n_t)
///     per layer i (model.decoder.layers.i):
///       y = LN(y + out(causal attention(y, y)))                  self_attn
///       y = LN(y + out(attention(y·W_q, e·W_k, e·W_v)))          encoder_attn (cross)
///       y = LN(y + fc2(act(fc1(y))))
///   logits = y·Eᵀ + final_logits_bias                            1 × V per row (E = lm_head)
/// Heads are consecutive D/H slices; scores are q·kᵀ/√(D/H). Blocks, in this order:
/// "model.encoder.layers.<i>.self_attn" (layer i, source × source), then per decoder layer
/// "model.decoder.layers.<i>.self_attn" (target × target, causal) and
/// "model.decoder.layers.<i>.encoder_attn" (cross: target queries × source keys).
/// A trace's source_tokens are the encoder's (with </s>), its target_tokens the decoder's input
/// (the start token, then the target's pieces: teacher forcing).
class MarianModel final : public TransformerModel {
 public:
  /// Reads every tensor ("model." prefix accepted; the embeddings from model.shared.weight, or
  /// the encoder's and decoder's own embed_tokens) and checks each shape against `config`.
  static Expected<std::shared_ptr<const MarianModel>> load(
      const ModelConfig& config, std::shared_ptr<const MarianTokenizer> tokenizer,
      std::shared_ptr<const TensorSource> tensors, ModelInfo info);

  /// Teacher forcing: every encoder block over the source, every decoder block over the
  /// decoder start token followed by the target's tokens (none when the target is empty).
  Expected<Trace> run(const Scenario& scenario) const override;
  Expected<Trace> run_after(const Scenario& scenario, const Trace& previous) const override;
  Expected<BlockDetail> explain(const Trace& trace, int block) const override;

  /// The encoder's tokens: the source's pieces, then </s>.
  Expected<std::vector<Token>> model_tokens(const Scenario& scenario) const override;
  /// The decoder's tokens: the decoder start token, then the target's pieces (target.spm).
  Expected<std::vector<Token>> decoder_tokens(const Scenario& scenario) const;

  bool translates() const override { return true; }
  Expected<Translation> translate(const std::string& source,
                                  const TranslateOptions& options = {}) const override;

  /// The logits of every decoder row, n_t × V, for encoder ids `source_ids` and decoder ids
  /// `decoder_ids` (each checked against the vocabulary and the context).
  Expected<Matrix> decoder_logits(const std::vector<int>& source_ids,
                                  const std::vector<int>& decoder_ids) const;

  const MarianTokenizer& marian_tokenizer() const { return *marian_tokenizer_; }

 protected:
  /// The encoder: its output, n_s × D.
  Matrix forward(const std::vector<Token>& tokens, ForwardCapture& capture) const override;
  bool causal() const override { return false; }

 private:
  /// One attention module: nn.Linear projections ([out, in]) and the LayerNorm after it.
  struct Attention {
    Matrix q_w, k_w, v_w, out_w;  // D × D
    RowVector q_b, k_b, v_b, out_b, norm_w, norm_b;
  };
  struct FeedForward {
    Matrix fc1_w;  // F × D
    RowVector fc1_b;
    Matrix fc2_w;  // D × F
    RowVector fc2_b, norm_w, norm_b;
  };
  struct EncoderLayer {
    Attention self_attn;
    FeedForward ffn;
  };
  struct DecoderLayer {
    Attention self_attn;
    Attention encoder_attn;
    FeedForward ffn;
  };
  /// The encoder's output and each decoder layer's cross-attention keys and values over it.
  struct Encoded {
    Matrix output;                // n_s × D
    std::vector<Matrix> cross_k;  // per decoder layer, n_s × D
    std::vector<Matrix> cross_v;
  };

  MarianModel(ModelConfig config, std::shared_ptr<const MarianTokenizer> tokenizer, ModelInfo info);
  /// `layer` + `module` + ".q_proj.weight" …, and the LayerNorm `layer` + `module` + "_layer_norm".
  static Attention read_attention(WeightReader& read, const std::string& layer,
                                  const std::string& module, int d);
  static FeedForward read_feed_forward(WeightReader& read, const std::string& layer, int d, int f);

  /// token embeddings × √D (when scale_embedding) + sinusoidal positions from `start`.
  Matrix embed(const Matrix& table, const std::vector<Token>& tokens, int start) const;
  /// x = LN(x + out(attention)) for one attention module: queries from `x`, keys and values
  /// `k`, `v` (made from `x_key`). Labels the block it adds (its queries from `queries`; keys
  /// from the source for cross-attention); returns true when it was the block to explain
  /// (capture.detail then holds it).
  bool attention_sublayer(Matrix& x, const Attention& a, const MatrixRef& x_key, const MatrixRef& k,
                          const MatrixRef& v, int heads, bool causal, const std::string& name,
                          int layer, BlockKind kind, Sequence queries,
                          ForwardCapture& capture) const;
  void feed_forward(Matrix& x, const FeedForward& f) const;
  Encoded encode(const std::vector<Token>& source, ForwardCapture& capture) const;
  /// The decoder's hidden states for rows capture.start..n_t−1 (earlier rows' self-attention
  /// keys and values come from capture.past).
  Matrix decode(const Encoded& encoded, const std::vector<Token>& target,
                ForwardCapture& capture) const;
  RowVector logits_of(const MatrixRef& hidden_row) const;
  Expected<std::vector<Token>> checked(Expected<std::vector<Token>> tokens, InputField field) const;

  std::shared_ptr<const MarianTokenizer> marian_tokenizer_;
  Matrix encoder_embed_;  // V × D
  Matrix decoder_embed_;  // V × D; empty: the encoder's (shared)
  Matrix lm_head_;        // V × D; empty: the decoder's embeddings (tied)
  RowVector final_logits_bias_;
  std::vector<EncoderLayer> encoder_;
  std::vector<DecoderLayer> decoder_;
  int decoder_start_id_ = -1;
  int eos_id_ = -1;
  std::vector<int> suppressed_;  ///< ids greedy translation never picks (the pad token)
};

}  // namespace attn
