#include "reference_models.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace attn::testing {
namespace {

// Plain row-major double matrices: Mat[row][column].
using Vec = std::vector<double>;
using Mat = std::vector<Vec>;

constexpr double kPi = 3.14159265358979323846;
constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

/// Takes tensors by name from the stored map, trying the accepted spellings, and remembers
/// every missing or misshaped one; returns zeros for those so loading can go on.
class Weights {
 public:
  Weights(const RefTensors& tensors, std::vector<std::string> prefixes)
      : tensors_(tensors), prefixes_(std::move(prefixes)) {}

  /// rows × cols, stored with shape [rows, cols].
  Mat matrix(const std::string& name, int rows, int cols) {
    Mat m(rows, Vec(cols, 0.0));
    const RefTensor* t = find(name, {rows, cols});
    if (t == nullptr) return m;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) m[r][c] = t->values[std::size_t(r) * cols + c];
    return m;
  }

  /// n values, stored with shape [n].
  Vec vector(const std::string& name, int n) {
    Vec v(n, 0.0);
    const RefTensor* t = find(name, {n});
    if (t == nullptr) return v;
    for (int i = 0; i < n; ++i) v[i] = t->values[i];
    return v;
  }

  bool has(const std::string& name) const { return lookup(name) != nullptr; }

  std::optional<Error> error() const {
    if (problems_.empty()) return std::nullopt;
    std::string message = "reference: checkpoint tensors do not match the config:";
    for (const std::string& p : problems_) message += "\n  " + p;
    return Error{InputField::Model, message};
  }

 private:
  const RefTensor* lookup(const std::string& name) const {
    std::vector<std::string> spellings = {name};
    // Legacy LayerNorm names (TensorFlow-era BERT): gamma for weight, beta for bias.
    const std::string ln = "LayerNorm.";
    if (name.find(ln + "weight") != std::string::npos)
      spellings.push_back(name.substr(0, name.size() - 6) + "gamma");
    if (name.find(ln + "bias") != std::string::npos)
      spellings.push_back(name.substr(0, name.size() - 4) + "beta");
    for (const std::string& prefix : prefixes_)
      for (const std::string& s : spellings) {
        const auto it = tensors_.find(prefix + s);
        if (it != tensors_.end()) return &it->second;
      }
    return nullptr;
  }

  const RefTensor* find(const std::string& name, const std::vector<std::int64_t>& shape) {
    const RefTensor* t = lookup(name);
    if (t == nullptr) {
      problems_.push_back(name + ": missing (expected " + shape_text(shape) + ")");
      return nullptr;
    }
    std::int64_t count = 1;
    for (std::int64_t d : shape) count *= d;
    if (t->shape != shape || std::int64_t(t->values.size()) != count) {
      problems_.push_back(name + ": shape " + shape_text(t->shape) + ", expected " +
                          shape_text(shape));
      return nullptr;
    }
    return t;
  }

  const RefTensors& tensors_;
  std::vector<std::string> prefixes_;
  std::vector<std::string> problems_;
};

// ---- the building blocks, each as its paper or transformers writes it -----------------------

/// nn.Linear: y = x·Wᵀ + b with W [out, in] (x: n × in, y: n × out).
Mat linear(const Mat& x, const Mat& w, const Vec* bias = nullptr) {
  const std::size_t out = w.size();
  Mat y(x.size(), Vec(out, 0.0));
  for (std::size_t t = 0; t < x.size(); ++t)
    for (std::size_t o = 0; o < out; ++o) {
      double sum = bias ? (*bias)[o] : 0.0;
      for (std::size_t i = 0; i < x[t].size(); ++i) sum += x[t][i] * w[o][i];
      y[t][o] = sum;
    }
  return y;
}

/// GPT-2's Conv1D: y = x·W + b with W [in, out] (x: n × in, y: n × out).
Mat conv1d(const Mat& x, const Mat& w, const Vec& bias) {
  const std::size_t out = bias.size();
  Mat y(x.size(), Vec(out, 0.0));
  for (std::size_t t = 0; t < x.size(); ++t)
    for (std::size_t o = 0; o < out; ++o) {
      double sum = bias[o];
      for (std::size_t i = 0; i < x[t].size(); ++i) sum += x[t][i] * w[i][o];
      y[t][o] = sum;
    }
  return y;
}

/// LayerNorm (Ba et al. 2016) over each row: (x − mean) / sqrt(var + eps) · w + b, biased var.
Mat layer_norm(const Mat& x, const Vec& w, const Vec& b, double eps) {
  Mat y = x;
  for (std::size_t t = 0; t < x.size(); ++t) {
    const double d = double(x[t].size());
    double mean = 0.0;
    for (double v : x[t]) mean += v;
    mean /= d;
    double var = 0.0;
    for (double v : x[t]) var += (v - mean) * (v - mean);
    var /= d;
    for (std::size_t i = 0; i < x[t].size(); ++i)
      y[t][i] = (x[t][i] - mean) / std::sqrt(var + eps) * w[i] + b[i];
  }
  return y;
}

/// RMSNorm (Zhang & Sennrich 2019), as LlamaRMSNorm: x / sqrt(mean(x²) + eps) · w.
Mat rms_norm(const Mat& x, const Vec& w, double eps) {
  Mat y = x;
  for (std::size_t t = 0; t < x.size(); ++t) {
    double mean_square = 0.0;
    for (double v : x[t]) mean_square += v * v;
    mean_square /= double(x[t].size());
    for (std::size_t i = 0; i < x[t].size(); ++i)
      y[t][i] = x[t][i] / std::sqrt(mean_square + eps) * w[i];
  }
  return y;
}

double activation(const std::string& name, double x) {
  if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
    return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / kPi) * (x + 0.044715 * x * x * x)));
  if (name == "gelu") return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  if (name == "relu") return x > 0.0 ? x : 0.0;
  return x / (1.0 + std::exp(-x));  // silu / swish
}

void add_in_place(Mat& x, const Mat& y) {
  for (std::size_t t = 0; t < x.size(); ++t)
    for (std::size_t i = 0; i < x[t].size(); ++i) x[t][i] += y[t][i];
}

/// Columns [first, first + width) of x.
Mat columns(const Mat& x, int first, int width) {
  Mat y(x.size(), Vec(width));
  for (std::size_t t = 0; t < x.size(); ++t)
    for (int c = 0; c < width; ++c) y[t][c] = x[t][first + c];
  return y;
}

/// Rotary position embedding (Su et al. 2021) of one head's rows, position t for row t.
/// Split-half (transformers' rotate_half): pairs (i, i + hd/2), angle t · θ^(−2i/hd).
/// Interleaved (llama2.c run.c): pairs (2i, 2i+1), angle t · θ^(−2i/hd).
Mat rotary(const Mat& x, double theta, bool interleaved) {
  Mat y = x;
  for (std::size_t t = 0; t < x.size(); ++t) {
    const int hd = int(x[t].size());
    for (int i = 0; i < hd / 2; ++i) {
      const double angle = double(t) * std::pow(theta, -2.0 * i / hd);
      const int a = interleaved ? 2 * i : i, b = interleaved ? 2 * i + 1 : i + hd / 2;
      y[t][a] = x[t][a] * std::cos(angle) - x[t][b] * std::sin(angle);
      y[t][b] = x[t][b] * std::cos(angle) + x[t][a] * std::sin(angle);
    }
  }
  return y;
}

/// Scaled dot-product attention of one head (Vaswani et al. 2017, Eq. 1): q n × hd, k and v
/// n_k × hd (n_k = n for self-attention);
/// scores = q·kᵀ/√hd with −inf where a causal mask hides a key, weights = softmax by row
/// (max subtracted), output = weights · v. Appends scores and weights to `block`.
Mat attend(const Mat& q, const Mat& k, const Mat& v, bool causal, RefBlock& block) {
  const int n = int(q.size()), n_k = int(k.size()), hd = int(q[0].size());
  Eigen::MatrixXd scores(n, n_k), weights(n, n_k);
  Mat out(n, Vec(hd, 0.0));
  for (int i = 0; i < n; ++i) {
    double row_max = kMinusInf;
    for (int j = 0; j < n_k; ++j) {
      if (causal && j > i) {
        scores(i, j) = kMinusInf;
        continue;
      }
      double dot = 0.0;
      for (int c = 0; c < hd; ++c) dot += q[i][c] * k[j][c];
      scores(i, j) = dot / std::sqrt(double(hd));
      row_max = std::max(row_max, scores(i, j));
    }
    double total = 0.0;
    for (int j = 0; j < n_k; ++j)
      total += std::isinf(scores(i, j)) ? 0.0 : std::exp(scores(i, j) - row_max);
    for (int j = 0; j < n_k; ++j)
      weights(i, j) = std::isinf(scores(i, j)) ? 0.0 : std::exp(scores(i, j) - row_max) / total;
    for (int j = 0; j < n_k; ++j)
      for (int c = 0; c < hd; ++c) out[i][c] += weights(i, j) * v[j][c];
  }
  block.scores.push_back(scores);
  block.weights.push_back(weights);
  return out;
}

Eigen::MatrixXd to_eigen(const Mat& x) {
  Eigen::MatrixXd m(x.size(), x.empty() ? 0 : x[0].size());
  for (std::size_t t = 0; t < x.size(); ++t)
    for (std::size_t i = 0; i < x[t].size(); ++i) m(t, i) = x[t][i];
  return m;
}

/// logits = hidden · Eᵀ with E [vocab, d_model].
Eigen::MatrixXd unembed(const Mat& hidden, const Mat& embedding) {
  return to_eigen(linear(hidden, embedding));
}

std::optional<Error> check_ids(const RefConfig& c, const std::vector<int>& ids, int max_n) {
  if (ids.empty()) return Error{InputField::Model, "reference: no token ids"};
  if (max_n > 0 && int(ids.size()) > max_n)
    return Error{InputField::Model, "reference: " + std::to_string(ids.size()) +
                                        " tokens, but the model has " + std::to_string(max_n) +
                                        " positions"};
  for (int id : ids)
    if (id < 0 || id >= c.vocab_size)
      return Error{InputField::Model, "reference: token id " + std::to_string(id) +
                                          " outside the vocabulary of " +
                                          std::to_string(c.vocab_size)};
  return std::nullopt;
}

std::optional<Error> check_shape(const RefConfig& c) {
  if (c.n_layers < 0 || c.n_heads <= 0 || c.d_model <= 0 || c.head_dim <= 0 || c.d_ff <= 0 ||
      c.vocab_size <= 0 || c.n_kv_heads <= 0 || c.n_heads % c.n_kv_heads != 0)
    return Error{InputField::Model,
                 "reference: config sizes are not positive or kv heads do "
                 "not divide heads"};
  return std::nullopt;
}

// ---- GPT-2 (Radford et al. 2019; transformers modeling_gpt2.py) ------------------------------

Expected<RefOutput> gpt2_forward(const RefConfig& c, const RefTensors& tensors,
                                 const std::vector<int>& ids) {
  if (auto e = check_ids(c, ids, c.max_positions)) return *e;
  const int n = int(ids.size()), d = c.d_model, hd = c.head_dim;
  Weights w(tensors, {"", "transformer."});
  const Mat wte = w.matrix("wte.weight", c.vocab_size, d);
  const Mat wpe = w.matrix("wpe.weight", c.max_positions, d);
  struct Layer {
    Vec ln_1_w, ln_1_b, c_attn_b, c_proj_b, ln_2_w, ln_2_b, c_fc_b, mlp_proj_b;
    Mat c_attn_w, c_proj_w, c_fc_w, mlp_proj_w;
  };
  std::vector<Layer> layers(c.n_layers);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "h." + std::to_string(l) + ".";
    Layer& L = layers[l];
    L.ln_1_w = w.vector(p + "ln_1.weight", d);
    L.ln_1_b = w.vector(p + "ln_1.bias", d);
    L.c_attn_w = w.matrix(p + "attn.c_attn.weight", d, 3 * d);  // Conv1D [in, out]
    L.c_attn_b = w.vector(p + "attn.c_attn.bias", 3 * d);
    L.c_proj_w = w.matrix(p + "attn.c_proj.weight", d, d);
    L.c_proj_b = w.vector(p + "attn.c_proj.bias", d);
    L.ln_2_w = w.vector(p + "ln_2.weight", d);
    L.ln_2_b = w.vector(p + "ln_2.bias", d);
    L.c_fc_w = w.matrix(p + "mlp.c_fc.weight", d, c.d_ff);
    L.c_fc_b = w.vector(p + "mlp.c_fc.bias", c.d_ff);
    L.mlp_proj_w = w.matrix(p + "mlp.c_proj.weight", c.d_ff, d);
    L.mlp_proj_b = w.vector(p + "mlp.c_proj.bias", d);
  }
  const Vec ln_f_w = w.vector("ln_f.weight", d), ln_f_b = w.vector("ln_f.bias", d);
  if (auto e = w.error()) return *e;

  // Token plus learned position embedding, positions 0..n−1.
  Mat x(n, Vec(d));
  for (int t = 0; t < n; ++t)
    for (int i = 0; i < d; ++i) x[t][i] = wte[ids[t]][i] + wpe[t][i];

  RefOutput result;
  for (int l = 0; l < c.n_layers; ++l) {
    const Layer& L = layers[l];
    // x = x + attn(ln_1(x)): qkv split q | k | v along the last dim, heads consecutive slices.
    const Mat qkv = conv1d(layer_norm(x, L.ln_1_w, L.ln_1_b, c.norm_eps), L.c_attn_w, L.c_attn_b);
    RefBlock block;
    block.name = "h." + std::to_string(l) + ".attn";
    Mat merged(n, Vec(d, 0.0));
    for (int h = 0; h < c.n_heads; ++h) {
      const Mat out = attend(columns(qkv, h * hd, hd), columns(qkv, d + h * hd, hd),
                             columns(qkv, 2 * d + h * hd, hd), /*causal=*/true, block);
      for (int t = 0; t < n; ++t)
        for (int i = 0; i < hd; ++i) merged[t][h * hd + i] = out[t][i];
    }
    result.blocks.push_back(std::move(block));
    add_in_place(x, conv1d(merged, L.c_proj_w, L.c_proj_b));
    // x = x + mlp(ln_2(x)), mlp = c_proj(act(c_fc(·))).
    Mat inner = conv1d(layer_norm(x, L.ln_2_w, L.ln_2_b, c.norm_eps), L.c_fc_w, L.c_fc_b);
    for (Vec& row : inner)
      for (double& v : row) v = activation(c.activation, v);
    add_in_place(x, conv1d(inner, L.mlp_proj_w, L.mlp_proj_b));
  }
  const Mat hidden = layer_norm(x, ln_f_w, ln_f_b, c.norm_eps);
  result.hidden = to_eigen(hidden);
  result.logits = unembed(hidden, wte);  // lm_head tied to wte
  return result;
}

// ---- BERT (Devlin et al. 2019; transformers modeling_bert.py) --------------------------------

Expected<RefOutput> bert_forward(const RefConfig& c, const RefTensors& tensors,
                                 const std::vector<int>& ids, std::vector<int> types) {
  if (auto e = check_ids(c, ids, c.max_positions)) return *e;
  const int n = int(ids.size()), d = c.d_model, hd = c.head_dim;
  if (types.empty()) types.assign(n, 0);
  if (int(types.size()) != n)
    return Error{InputField::Model, "reference: token types and ids differ in length"};
  for (int type : types)
    if (type < 0 || type >= c.type_vocab_size)
      return Error{InputField::Model,
                   "reference: token type " + std::to_string(type) + " outside type_vocab_size"};
  Weights w(tensors, {"", "bert."});
  const Mat word = w.matrix("embeddings.word_embeddings.weight", c.vocab_size, d);
  const Mat position = w.matrix("embeddings.position_embeddings.weight", c.max_positions, d);
  const Mat token_type = w.matrix("embeddings.token_type_embeddings.weight", c.type_vocab_size, d);
  const Vec emb_ln_w = w.vector("embeddings.LayerNorm.weight", d);
  const Vec emb_ln_b = w.vector("embeddings.LayerNorm.bias", d);
  struct Layer {
    Mat q_w, k_w, v_w, o_w, in_w, out_w;
    Vec q_b, k_b, v_b, o_b, ln1_w, ln1_b, in_b, out_b, ln2_w, ln2_b;
  };
  std::vector<Layer> layers(c.n_layers);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    Layer& L = layers[l];
    L.q_w = w.matrix(p + "attention.self.query.weight", d, d);  // nn.Linear [out, in]
    L.q_b = w.vector(p + "attention.self.query.bias", d);
    L.k_w = w.matrix(p + "attention.self.key.weight", d, d);
    L.k_b = w.vector(p + "attention.self.key.bias", d);
    L.v_w = w.matrix(p + "attention.self.value.weight", d, d);
    L.v_b = w.vector(p + "attention.self.value.bias", d);
    L.o_w = w.matrix(p + "attention.output.dense.weight", d, d);
    L.o_b = w.vector(p + "attention.output.dense.bias", d);
    L.ln1_w = w.vector(p + "attention.output.LayerNorm.weight", d);
    L.ln1_b = w.vector(p + "attention.output.LayerNorm.bias", d);
    L.in_w = w.matrix(p + "intermediate.dense.weight", c.d_ff, d);
    L.in_b = w.vector(p + "intermediate.dense.bias", c.d_ff);
    L.out_w = w.matrix(p + "output.dense.weight", d, c.d_ff);
    L.out_b = w.vector(p + "output.dense.bias", d);
    L.ln2_w = w.vector(p + "output.LayerNorm.weight", d);
    L.ln2_b = w.vector(p + "output.LayerNorm.bias", d);
  }
  if (auto e = w.error()) return *e;

  // Embeddings: word + absolute position + token type, then LayerNorm.
  Mat x(n, Vec(d));
  for (int t = 0; t < n; ++t)
    for (int i = 0; i < d; ++i)
      x[t][i] = word[ids[t]][i] + position[t][i] + token_type[types[t]][i];
  x = layer_norm(x, emb_ln_w, emb_ln_b, c.norm_eps);

  RefOutput result;
  for (int l = 0; l < c.n_layers; ++l) {
    const Layer& L = layers[l];
    const Mat q = linear(x, L.q_w, &L.q_b), k = linear(x, L.k_w, &L.k_b),
              v = linear(x, L.v_w, &L.v_b);
    RefBlock block;
    block.name = "encoder.layer." + std::to_string(l) + ".attention.self";
    Mat context(n, Vec(d, 0.0));
    for (int h = 0; h < c.n_heads; ++h) {
      const Mat out = attend(columns(q, h * hd, hd), columns(k, h * hd, hd), columns(v, h * hd, hd),
                             /*causal=*/false, block);
      for (int t = 0; t < n; ++t)
        for (int i = 0; i < hd; ++i) context[t][h * hd + i] = out[t][i];
    }
    result.blocks.push_back(std::move(block));
    // Post-LN: h = LN(x + dense(context)); x = LN(h + dense2(act(dense1(h)))).
    Mat hidden = x;
    add_in_place(hidden, linear(context, L.o_w, &L.o_b));
    hidden = layer_norm(hidden, L.ln1_w, L.ln1_b, c.norm_eps);
    Mat inner = linear(hidden, L.in_w, &L.in_b);
    for (Vec& row : inner)
      for (double& value : row) value = activation(c.activation, value);
    Mat out = hidden;
    add_in_place(out, linear(inner, L.out_w, &L.out_b));
    x = layer_norm(out, L.ln2_w, L.ln2_b, c.norm_eps);
  }
  result.hidden = to_eigen(x);
  return result;
}

// ---- Llama family (Touvron et al. 2023; modeling_llama.py, modeling_qwen2.py) and llama2.c ---

/// The names of one family's tensors: Hugging Face Llama or llama2.c run.c.
struct LlamaNames {
  bool llama2c;
  std::string embedding() const {
    return llama2c ? "token_embedding_table" : "model.embed_tokens.weight";
  }
  std::string layer(int l, const std::string& hf, const std::string& run_c) const {
    return llama2c ? "layers." + std::to_string(l) + "." + run_c
                   : "model.layers." + std::to_string(l) + "." + hf;
  }
  std::string final_norm() const { return llama2c ? "rms_final_weight" : "model.norm.weight"; }
  std::string classifier() const { return llama2c ? "wcls" : "lm_head.weight"; }
  std::string block(int l) const {
    return llama2c ? "layers." + std::to_string(l) + ".attention"
                   : "model.layers." + std::to_string(l) + ".self_attn";
  }
};

Expected<RefOutput> llama_forward(const RefConfig& c, const RefTensors& tensors,
                                  const std::vector<int>& ids, bool llama2c) {
  if (auto e = check_ids(c, ids, llama2c ? c.max_positions : 0)) return *e;
  const int n = int(ids.size()), d = c.d_model, hd = c.head_dim;
  const int q_dim = c.n_heads * hd, kv_dim = c.n_kv_heads * hd;
  const LlamaNames names{llama2c};
  // run.c hard-codes its RMSNorm epsilon and rotary base.
  const double eps = llama2c ? 1e-5 : c.norm_eps, theta = llama2c ? 10000.0 : c.rope_theta;
  const bool biases = !llama2c && c.attention_bias;
  Weights w(tensors, {""});
  const Mat embedding = w.matrix(names.embedding(), c.vocab_size, d);
  struct Layer {
    Vec attn_norm, ffn_norm, q_b, k_b, v_b;
    Mat q_w, k_w, v_w, o_w, gate_w, up_w, down_w;
  };
  std::vector<Layer> layers(c.n_layers);
  for (int l = 0; l < c.n_layers; ++l) {
    Layer& L = layers[l];
    L.attn_norm = w.vector(names.layer(l, "input_layernorm.weight", "rms_att_weight"), d);
    L.q_w = w.matrix(names.layer(l, "self_attn.q_proj.weight", "wq"), q_dim, d);
    L.k_w = w.matrix(names.layer(l, "self_attn.k_proj.weight", "wk"), kv_dim, d);
    L.v_w = w.matrix(names.layer(l, "self_attn.v_proj.weight", "wv"), kv_dim, d);
    if (biases) {
      L.q_b = w.vector(names.layer(l, "self_attn.q_proj.bias", ""), q_dim);
      L.k_b = w.vector(names.layer(l, "self_attn.k_proj.bias", ""), kv_dim);
      L.v_b = w.vector(names.layer(l, "self_attn.v_proj.bias", ""), kv_dim);
    }
    L.o_w = w.matrix(names.layer(l, "self_attn.o_proj.weight", "wo"), d, q_dim);
    L.ffn_norm = w.vector(names.layer(l, "post_attention_layernorm.weight", "rms_ffn_weight"), d);
    L.gate_w = w.matrix(names.layer(l, "mlp.gate_proj.weight", "w1"), c.d_ff, d);
    L.down_w = w.matrix(names.layer(l, "mlp.down_proj.weight", "w2"), d, c.d_ff);
    L.up_w = w.matrix(names.layer(l, "mlp.up_proj.weight", "w3"), c.d_ff, d);
  }
  const Vec final_norm = w.vector(names.final_norm(), d);
  const Mat classifier =
      c.tie_word_embeddings ? embedding : w.matrix(names.classifier(), c.vocab_size, d);
  if (auto e = w.error()) return *e;

  Mat x(n);
  for (int t = 0; t < n; ++t) x[t] = embedding[ids[t]];

  RefOutput result;
  const int group = c.n_heads / c.n_kv_heads;  // query heads per key/value head
  for (int l = 0; l < c.n_layers; ++l) {
    const Layer& L = layers[l];
    // x = x + o_proj(attention(rms_norm(x))), rotary on q and k, query head h reads kv head
    // h/group.
    const Mat u = rms_norm(x, L.attn_norm, eps);
    const Mat q = linear(u, L.q_w, biases ? &L.q_b : nullptr);
    const Mat k = linear(u, L.k_w, biases ? &L.k_b : nullptr);
    const Mat v = linear(u, L.v_w, biases ? &L.v_b : nullptr);
    RefBlock block;
    block.name = names.block(l);
    Mat merged(n, Vec(q_dim, 0.0));
    for (int h = 0; h < c.n_heads; ++h) {
      const int kv = h / group;
      const Mat out = attend(rotary(columns(q, h * hd, hd), theta, llama2c),
                             rotary(columns(k, kv * hd, hd), theta, llama2c),
                             columns(v, kv * hd, hd), /*causal=*/true, block);
      for (int t = 0; t < n; ++t)
        for (int i = 0; i < hd; ++i) merged[t][h * hd + i] = out[t][i];
    }
    result.blocks.push_back(std::move(block));
    add_in_place(x, linear(merged, L.o_w));
    // x = x + down(silu(gate(u)) * up(u)), u = rms_norm(x) (SwiGLU, Shazeer 2020).
    const Mat u2 = rms_norm(x, L.ffn_norm, eps);
    Mat gate = linear(u2, L.gate_w);
    const Mat up = linear(u2, L.up_w);
    for (int t = 0; t < n; ++t)
      for (int i = 0; i < c.d_ff; ++i) gate[t][i] = activation("silu", gate[t][i]) * up[t][i];
    add_in_place(x, linear(gate, L.down_w));
  }
  const Mat hidden = rms_norm(x, final_norm, eps);
  result.hidden = to_eigen(hidden);
  result.logits = unembed(hidden, classifier);
  return result;
}

// ---- Marian (Junczys-Dowmunt et al. 2018; transformers modeling_marian.py) ------------------

/// One MarianAttention with its post-LayerNorm: x = LN(x + out_proj(attention(q_proj(x),
/// k_proj(kv), v_proj(kv)))), heads consecutive slices, scores · head_dim^−0.5.
struct RefAttention {
  Mat q_w, k_w, v_w, o_w;
  Vec q_b, k_b, v_b, o_b, ln_w, ln_b;
  void read(Weights& w, const std::string& layer, const std::string& module, int d) {
    const std::string p = layer + module + ".";
    q_w = w.matrix(p + "q_proj.weight", d, d);
    q_b = w.vector(p + "q_proj.bias", d);
    k_w = w.matrix(p + "k_proj.weight", d, d);
    k_b = w.vector(p + "k_proj.bias", d);
    v_w = w.matrix(p + "v_proj.weight", d, d);
    v_b = w.vector(p + "v_proj.bias", d);
    o_w = w.matrix(p + "out_proj.weight", d, d);
    o_b = w.vector(p + "out_proj.bias", d);
    ln_w = w.vector(layer + module + "_layer_norm.weight", d);
    ln_b = w.vector(layer + module + "_layer_norm.bias", d);
  }
  Mat apply(const Mat& x, const Mat& kv, int heads, bool causal, double eps,
            RefBlock& block) const {
    const int d = int(q_w.size()), hd = d / heads;
    const Mat q = linear(x, q_w, &q_b), k = linear(kv, k_w, &k_b), v = linear(kv, v_w, &v_b);
    Mat merged(x.size(), Vec(d, 0.0));
    for (int h = 0; h < heads; ++h) {
      const Mat out = attend(columns(q, h * hd, hd), columns(k, h * hd, hd), columns(v, h * hd, hd),
                             causal, block);
      for (std::size_t t = 0; t < x.size(); ++t)
        for (int i = 0; i < hd; ++i) merged[t][h * hd + i] = out[t][i];
    }
    Mat y = x;
    add_in_place(y, linear(merged, o_w, &o_b));
    return layer_norm(y, ln_w, ln_b, eps);
  }
};

/// fc2(act(fc1(x))) with its residual and final_layer_norm.
struct RefFeedForward {
  Mat fc1_w, fc2_w;
  Vec fc1_b, fc2_b, ln_w, ln_b;
  void read(Weights& w, const std::string& layer, int d, int f) {
    fc1_w = w.matrix(layer + "fc1.weight", f, d);
    fc1_b = w.vector(layer + "fc1.bias", f);
    fc2_w = w.matrix(layer + "fc2.weight", d, f);
    fc2_b = w.vector(layer + "fc2.bias", d);
    ln_w = w.vector(layer + "final_layer_norm.weight", d);
    ln_b = w.vector(layer + "final_layer_norm.bias", d);
  }
  Mat apply(const Mat& x, const std::string& act, double eps) const {
    Mat inner = linear(x, fc1_w, &fc1_b);
    for (Vec& row : inner)
      for (double& v : row) v = activation(act, v);
    Mat y = x;
    add_in_place(y, linear(inner, fc2_w, &fc2_b));
    return layer_norm(y, ln_w, ln_b, eps);
  }
};

/// embed_tokens(ids) · scale + MarianSinusoidalPositionalEmbedding(positions 0..n−1): column
/// j < ⌈d/2⌉ holds sin(t / 10000^(2j/d)), column ⌈d/2⌉ + j holds cos of the same angle.
Mat marian_embed(const Mat& table, const std::vector<int>& ids, int d, double scale) {
  Mat x(ids.size(), Vec(d, 0.0));
  const int sines = (d + 1) / 2;
  for (std::size_t t = 0; t < ids.size(); ++t) {
    for (int j = 0; j < sines; ++j) {
      const double angle = double(t) / std::pow(10000.0, 2.0 * j / d);
      x[t][j] = double(float(std::sin(angle)));  // the table is float32
      if (sines + j < d) x[t][sines + j] = double(float(std::cos(angle)));
    }
    for (int i = 0; i < d; ++i) x[t][i] += table[ids[t]][i] * scale;
  }
  return x;
}

}  // namespace

Expected<RefOutput> reference_marian(const RefConfig& c, const RefTensors& tensors,
                                     const std::vector<int>& source_ids,
                                     const std::vector<int>& decoder_ids) {
  if (auto e = check_ids(c, source_ids, c.max_positions)) return *e;
  if (auto e = check_ids(c, decoder_ids, c.max_positions)) return *e;
  const int d = c.d_model;
  Weights w(tensors, {"model.", ""});
  const Mat shared = w.matrix("shared.weight", c.vocab_size, d);
  const Mat bias = w.has("final_logits_bias") ? w.matrix("final_logits_bias", 1, c.vocab_size)
                                              : Mat(1, Vec(c.vocab_size, 0.0));
  std::vector<RefAttention> enc_self(c.encoder_layers), dec_self(c.n_layers), dec_cross(c.n_layers);
  std::vector<RefFeedForward> enc_ffn(c.encoder_layers), dec_ffn(c.n_layers);
  for (int l = 0; l < c.encoder_layers; ++l) {
    const std::string p = "encoder.layers." + std::to_string(l) + ".";
    enc_self[l].read(w, p, "self_attn", d);
    enc_ffn[l].read(w, p, d, c.encoder_d_ff);
  }
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "decoder.layers." + std::to_string(l) + ".";
    dec_self[l].read(w, p, "self_attn", d);
    dec_cross[l].read(w, p, "encoder_attn", d);
    dec_ffn[l].read(w, p, d, c.d_ff);
  }
  if (auto e = w.error()) return *e;
  const double scale = c.scale_embedding ? std::sqrt(double(d)) : 1.0;

  RefOutput result;
  Mat x = marian_embed(shared, source_ids, d, scale);
  for (int l = 0; l < c.encoder_layers; ++l) {
    RefBlock block;
    block.name = "model.encoder.layers." + std::to_string(l) + ".self_attn";
    x = enc_self[l].apply(x, x, c.encoder_heads, /*causal=*/false, c.norm_eps, block);
    result.blocks.push_back(std::move(block));
    x = enc_ffn[l].apply(x, c.activation, c.norm_eps);
  }
  Mat y = marian_embed(shared, decoder_ids, d, scale);
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "model.decoder.layers." + std::to_string(l) + ".";
    RefBlock self_block, cross_block;
    self_block.name = p + "self_attn";
    cross_block.name = p + "encoder_attn";
    y = dec_self[l].apply(y, y, c.n_heads, /*causal=*/true, c.norm_eps, self_block);
    y = dec_cross[l].apply(y, x, c.n_heads, /*causal=*/false, c.norm_eps, cross_block);
    result.blocks.push_back(std::move(self_block));
    result.blocks.push_back(std::move(cross_block));
    y = dec_ffn[l].apply(y, c.activation, c.norm_eps);
  }
  result.hidden = to_eigen(y);
  result.logits = unembed(y, shared);
  for (Eigen::Index r = 0; r < result.logits.rows(); ++r)
    for (int v = 0; v < c.vocab_size; ++v) result.logits(r, v) += bias[0][v];
  return result;
}

Expected<std::vector<int>> reference_marian_greedy(const RefConfig& c, const RefTensors& tensors,
                                                   const std::vector<int>& source_ids,
                                                   int max_tokens) {
  std::vector<int> decoder = {c.decoder_start_id}, produced;
  for (int step = 0; step < max_tokens && int(decoder.size()) < c.max_positions; ++step) {
    const Expected<RefOutput> out = reference_marian(c, tensors, source_ids, decoder);
    if (!out) return out.error();
    const Eigen::MatrixXd& logits = out->logits;
    int next = -1;
    for (int v = 0; v < logits.cols(); ++v) {
      if (v == c.decoder_start_id) continue;  // the pad token is never produced
      if (next < 0 || logits(logits.rows() - 1, v) > logits(logits.rows() - 1, next)) next = v;
    }
    produced.push_back(next);
    decoder.push_back(next);
    if (next == c.eos_id) break;
  }
  return produced;
}

namespace {}  // namespace

Expected<RefOutput> reference_forward(const RefConfig& config, const RefTensors& tensors,
                                      const std::vector<int>& ids,
                                      const std::vector<int>& token_types) {
  if (auto e = check_shape(config)) return *e;
  switch (config.family) {
    case Family::Gpt2:
      return gpt2_forward(config, tensors, ids);
    case Family::Bert:
      return bert_forward(config, tensors, ids, token_types);
    case Family::Llama:
      return llama_forward(config, tensors, ids, /*llama2c=*/false);
    case Family::Llama2c:
      return llama_forward(config, tensors, ids, /*llama2c=*/true);
    default:
      return Error{InputField::Model, "reference: no reference for this family"};
  }
}

Expected<std::vector<int>> reference_greedy(const RefConfig& config, const RefTensors& tensors,
                                            int steps, int bos) {
  if (config.family == Family::Bert)
    return Error{InputField::Model, "reference: BERT does not generate"};
  std::vector<int> ids = {bos};
  for (int step = 0; step < steps; ++step) {
    const Expected<RefOutput> out = reference_forward(config, tensors, ids);
    if (!out) return out.error();
    const Eigen::MatrixXd& logits = out->logits;
    int next = 0;
    for (int v = 1; v < logits.cols(); ++v)
      if (logits(logits.rows() - 1, v) > logits(logits.rows() - 1, next)) next = v;
    if (next == bos) break;  // run.c: "data-dependent terminating condition: BOS delimits"
    ids.push_back(next);
    if (config.max_positions > 0 && int(ids.size()) >= config.max_positions &&
        config.family != Family::Llama)
      break;
  }
  return ids;
}

}  // namespace attn::testing
