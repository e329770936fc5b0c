#include "attn/attention/masking.h"

#include <algorithm>
#include <limits>

namespace attn {

std::string check_mask(const MaskSpec& mask, int n_q, int n_k) {
  if (mask.fit_to_input) return {};
  switch (mask.kind) {
    case MaskKind::None:
    case MaskKind::Causal:
      return {};
    case MaskKind::Padding:
      for (const int position : mask.hidden_keys) {
        if (position < 0 || position >= n_k) {
          // Counted from 1, as a person counts tokens (and the command line writes them).
          return "padding position " + std::to_string(position + 1) + " is outside the " +
                 std::to_string(n_k) + " key tokens (positions 1 to " + std::to_string(n_k) + ")";
        }
      }
      return {};
    case MaskKind::Custom:
      if (mask.allowed.rows() != n_q || mask.allowed.cols() != n_k) {
        return "the mask is " + std::to_string(mask.allowed.rows()) + " × " +
               std::to_string(mask.allowed.cols()) + " but the attention is " +
               std::to_string(n_q) + " queries × " + std::to_string(n_k) + " keys";
      }
      return {};
  }
  return "unknown mask kind";
}

void apply_mask(Matrix& scores, const MaskSpec& mask, int causal_offset) {
  constexpr float kHidden = -std::numeric_limits<float>::infinity();
  const Eigen::Index n_q = scores.rows();
  const Eigen::Index n_k = scores.cols();
  switch (mask.kind) {
    case MaskKind::None:
      return;
    case MaskKind::Causal:
      for (Eigen::Index i = 0; i < n_q; ++i) {
        const Eigen::Index first_hidden = std::min(i + 1 + causal_offset, n_k);
        scores.row(i).tail(n_k - first_hidden).setConstant(kHidden);
      }
      return;
    case MaskKind::Padding:
      for (const int position : mask.hidden_keys)
        if (position >= 0 && position < n_k) scores.col(position).setConstant(kHidden);
      return;
    case MaskKind::Custom:
      if (mask.allowed.rows() == n_q && mask.allowed.cols() == n_k) {
        scores = mask.allowed.select(scores, Matrix::Constant(n_q, n_k, kHidden));
        return;
      }
      // A window's mask of another shape: only the cells both share can be hidden.
      for (Eigen::Index i = 0; i < std::min<Eigen::Index>(n_q, mask.allowed.rows()); ++i)
        for (Eigen::Index j = 0; j < std::min<Eigen::Index>(n_k, mask.allowed.cols()); ++j)
          if (!mask.allowed(i, j)) scores(i, j) = kHidden;
      return;
  }
}

BoolMatrix visible_cells(const MaskSpec& mask, int n_q, int n_k, int causal_offset) {
  Matrix probe = Matrix::Zero(n_q, n_k);
  apply_mask(probe, mask, causal_offset);
  return probe.array() == 0.0f;
}

std::vector<int> hidden_key_positions(const MaskSpec& mask, int n_k) {
  std::vector<int> hidden;
  if (mask.kind != MaskKind::Padding) return hidden;
  for (const int position : mask.hidden_keys)
    if (position >= 0 && position < n_k) hidden.push_back(position);
  std::sort(hidden.begin(), hidden.end());
  hidden.erase(std::unique(hidden.begin(), hidden.end()), hidden.end());
  return hidden;
}

namespace {

constexpr int kMaxKeyPosition = 100000;

std::string_view trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

Expected<std::vector<int>> parse_key_positions(std::string_view list) {
  std::vector<int> positions;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view item = trimmed(list.substr(start, comma - start));
    int value = 0;
    bool digits = !item.empty() && item.size() <= 6;
    for (const char c : item) {
      if (c < '0' || c > '9') digits = false;
      if (digits) value = value * 10 + (c - '0');
    }
    if (!digits || value < 1 || value > kMaxKeyPosition) {
      return Error{InputField::Mask, "padding position \"" + std::string(item) +
                                         "\" is not a key position from 1 to " +
                                         std::to_string(kMaxKeyPosition) +
                                         " (write them 1-based, e.g. padding:2,5)"};
    }
    positions.push_back(value - 1);
    start = comma + 1;
  }
  return positions;
}

Expected<MaskSpec> parse_mask_rows(std::string_view text) {
  std::vector<std::vector<bool>> rows;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = trimmed(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    std::vector<bool> row;
    for (const char c : line) {
      if (c == ' ' || c == ',' || c == '\t') continue;
      if (c != '0' && c != '1') {
        return Error{InputField::Mask, "mask line " + std::to_string(line_number) + " holds \"" +
                                           std::string(1, c) +
                                           "\": write 1 (visible) or 0 (hidden) per key"};
      }
      row.push_back(c == '1');
    }
    if (row.empty()) {
      return Error{InputField::Mask,
                   "mask line " + std::to_string(line_number) + " holds no 0 or 1"};
    }
    if (!rows.empty() && row.size() != rows.front().size()) {
      return Error{InputField::Mask, "mask line " + std::to_string(line_number) + " has " +
                                         std::to_string(row.size()) + " entries, the first " +
                                         std::to_string(rows.front().size())};
    }
    if (row.size() > static_cast<std::size_t>(kMaxKeyPosition) ||
        rows.size() >= static_cast<std::size_t>(kMaxKeyPosition)) {
      return Error{InputField::Mask,
                   "the mask is larger than " + std::to_string(kMaxKeyPosition) + " tokens a side"};
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Error{InputField::Mask, "the mask holds no rows of 0 and 1"};
  MaskSpec mask;
  mask.kind = MaskKind::Custom;
  mask.allowed.resize(static_cast<Eigen::Index>(rows.size()),
                      static_cast<Eigen::Index>(rows.front().size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      mask.allowed(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
  return mask;
}

Matrix softmax_rows(const MatrixRef& scores) {
  Matrix weights(scores.rows(), scores.cols());
  if (scores.cols() == 0) return weights;
  for (Eigen::Index i = 0; i < scores.rows(); ++i) {
    const float row_max = scores.row(i).maxCoeff();
    if (row_max == -std::numeric_limits<float>::infinity()) {
      weights.row(i).setZero();  // every key hidden: no attention, not NaN
      continue;
    }
    if (row_max == std::numeric_limits<float>::infinity()) {
      // Scores overflowed (a tiny temperature): the limit of softmax shares the row equally
      // among the infinite keys, where x − max would give ∞ − ∞ = NaN.
      const Eigen::ArrayXf infinite = (scores.row(i).array() == row_max).cast<float>();
      weights.row(i) = (infinite / infinite.sum()).matrix().transpose();
      continue;
    }
    weights.row(i) = (scores.row(i).array() - row_max).exp().matrix();
    weights.row(i) /= weights.row(i).sum();
  }
  return weights;
}

}  // namespace attn
