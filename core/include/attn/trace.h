#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/attention/scores.h"
#include "attn/config.h"
#include "attn/matrix.h"
#include "attn/models/model_config.h"
#include "attn/text/tokenizer.h"

namespace attn {

class AttentionModel;

/// Which token sequence gives a block's queries or keys. Decoder-only and encoder models have
/// only the source; an encoder–decoder's decoder (and the toy Cross mode) reads the target.
enum class Sequence { Source, Target };

/// Self-attention (queries and keys from one sequence) or cross-attention (queries from the
/// target, keys from the source).
enum class BlockKind { Self, Cross };

/// One head's result: n_q query tokens × n_k key tokens.
struct HeadWeights {
  /// n_q × n_k before softmax: scaled, masked (−∞ = hidden). The toy model keeps them here;
  /// a real checkpoint leaves this empty (half the memory, and typing stays within a frame)
  /// and gives them with the rest of a block's intermediates (explain_block).
  Matrix scores;
  Matrix weights;  ///< n_q × n_k, softmax of scores; rows sum to 1, or are 0 if fully hidden
};

/// One attention module of the model, named as in the checkpoint ("h.3.attn").
struct AttentionBlock {
  std::string name;
  int layer = 0;  ///< 0-based
  BlockKind kind = BlockKind::Self;
  Sequence queries = Sequence::Source;
  Sequence keys = Sequence::Source;
  std::vector<HeadWeights> head;  ///< one per query head
  std::vector<int> kv_head;       ///< per query head, the key/value head it reads (GQA)

  int heads() const { return static_cast<int>(head.size()); }
  int n_q() const { return head.empty() ? 0 : static_cast<int>(head.front().weights.rows()); }
  int n_k() const { return head.empty() ? 0 : static_cast<int>(head.front().weights.cols()); }
};

/// What a model keeps of a run to make the next one cheaper (a decoder's keys and values);
/// opaque to everything else.
struct ModelState {
  virtual ~ModelState() = default;
};

/// What a person needs to know about the model that made a trace (the model card).
struct ModelInfo {
  Family family = Family::Toy;
  std::string name;  ///< "Toy model (seeded)", "GPT-2 (gpt2)", …
  std::string path;  ///< folder or file; empty for the toy model
  int layers = 1;
  int heads = 0;
  int kv_heads = 0;
  int d_model = 0;
  int head_dim = 0;
  int vocab_size = 0;
  int max_tokens = 0;  ///< the context length
  std::int64_t parameters = 0;
  std::string dtype;  ///< as stored on disk: "F32", "BF16", …
  std::uint64_t file_bytes = 0;
  std::vector<std::string> warnings;  ///< e.g. non-finite weights, unexpected tensors
};

/// One run of a model: its input, its tokens and every attention block's weights, for views
/// and exporters to read. Memory: Σ_blocks h_b · n_q,b · n_k,b floats of weights (twice that
/// for the toy model, which keeps its scores too),
/// plus for a decoder its keys and values, 2 · layers · n · kv_heads · d_head floats, plus the
/// tokens; the full intermediates of a block come from explain_block() on request.
struct Trace {
  Scenario scenario;
  ModelInfo model;
  std::vector<Token> source_tokens;    ///< with a real model: including added special tokens
  std::vector<Token> target_tokens;    ///< Cross mode and decoders of encoder–decoder models
  std::vector<AttentionBlock> blocks;  ///< in the model's own order
  /// The model that made this trace, so a view can ask for a block's intermediates; null when
  /// the model was not owned by a shared_ptr.
  std::shared_ptr<const AttentionModel> made_by;
  /// The model's own state after this run (null for the toy model and encoders).
  std::shared_ptr<const ModelState> model_state;

  const std::vector<Token>& tokens(Sequence sequence) const {
    return sequence == Sequence::Target ? target_tokens : source_tokens;
  }
  const std::vector<Token>& query_tokens(const AttentionBlock& block) const {
    return tokens(block.queries);
  }
  const std::vector<Token>& key_tokens(const AttentionBlock& block) const {
    return tokens(block.keys);
  }
  /// Number of layers (the largest block layer + 1).
  int layers() const;
};

/// Seeded parameters of the toy model for one (seed, d_model, h, score function). Shared by
/// every run made with them, so a trace does not pay d_model² floats for them.
struct ModelParameters {
  Matrix w_q;  ///< d_model × d_model, used as X·W_Q; head i uses columns [i·d_k, (i+1)·d_k)
  Matrix w_k;  ///< d_model × d_model
  Matrix w_v;  ///< d_model × d_model
  Matrix w_o;  ///< d_model × d_model, output projection concat·W_O
  std::vector<ScoreParameters> score;  ///< one per head (empty unless Additive or General)
};

/// Every intermediate of one head (n_q × n_k scores; d_k = the head's width).
struct HeadDetail {
  Matrix q;        ///< n_q × d_k (after rotary positions where the model has them)
  Matrix k;        ///< n_k × d_k
  Matrix v;        ///< n_k × d_k
  Matrix scores;   ///< n_q × n_k, equals HeadWeights::scores
  Matrix weights;  ///< n_q × n_k, equals HeadWeights::weights
  Matrix output;   ///< n_q × d_k, weights·V
};

/// Everything one block computed, made on request by the model that made the trace, with the
/// same code: the block's input, Q, K, V per head, the score steps and the outputs.
struct BlockDetail {
  int block = 0;   ///< index into Trace::blocks
  Matrix x_query;  ///< n_q × d_model: the block's input rows for queries (after its norm)
  Matrix x_key;    ///< n_k × d_model (the same as x_query for self-attention)
  std::vector<HeadDetail> head;
  Matrix concat;  ///< n_q × (h·d_k), head outputs side by side
  Matrix output;  ///< n_q × d_model, concat·W_O (+ bias)
  // How scores were made, so the pipeline can show each step with the engine's own code.
  ScoreFunction score = ScoreFunction::ScaledDot;
  float temperature = 1.0f;
  MaskSpec mask;                                  ///< the mask applied (causal for decoders)
  std::vector<ScoreParameters> score_parameters;  ///< per head; toy Additive/General only
  bool rotary = false;  ///< Q and K were rotated (Llama); q/k_unrotated hold them before
  std::vector<Matrix> q_unrotated;  ///< per head, n_q × d_k
  std::vector<Matrix> k_unrotated;  ///< per head, n_k × d_k
  /// The toy model's projections (d_model × d_model each), for trace.json; null otherwise.
  std::shared_ptr<const ModelParameters> toy_parameters;
};

/// Floats the trace's blocks hold: 2 · Σ_blocks h_b · n_q,b · n_k,b.
std::size_t floats_held(const Trace& trace);

}  // namespace attn
