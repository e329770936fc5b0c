#include "weights_printer.h"

#include <algorithm>
#include <string>

#include "attn/utf8.h"

namespace attn {
namespace {

constexpr int kCellWidth = 7;

/// Terminal columns a code point takes: 2 for East Asian wide characters, else 1.
int display_width(char32_t c) {
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
                    (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

/// `text` cut to at most `width` columns and padded with spaces to exactly `width`.
std::string fit(const std::string& text, int width) {
  std::string out;
  int used = 0;
  for (const CodePoint& cp : decode_utf8(text).code_points) {
    const int w = display_width(cp.value);
    if (used + w > width) break;
    out.append(text, cp.begin, cp.end - cp.begin);
    used += w;
  }
  return out.append(static_cast<std::size_t>(width - used), ' ');
}

}  // namespace

void print_weights(const Trace& trace, std::FILE* out) {
  const AttentionConfig& c = trace.scenario.config;
  std::fprintf(out,
               "attnviz: %s, %d head(s), d_model %d, seed %llu, %s scores, mask %s, "
               "temperature %g, positions %s\n",
               std::string(to_string(c.mode)).c_str(), trace.heads, c.d_model,
               static_cast<unsigned long long>(c.seed), std::string(to_string(c.score)).c_str(),
               std::string(to_string(c.mask.kind)).c_str(), static_cast<double>(c.temperature),
               c.positions ? "on" : "off");
  int label_width = 4;
  for (const Token& t : trace.query_tokens) {
    int w = 0;
    for (const CodePoint& cp : decode_utf8(t.text).code_points) w += display_width(cp.value);
    label_width = std::max(label_width, std::min(w, 14));
  }
  for (int h = 0; h < trace.heads; ++h) {
    std::fprintf(out, "\nhead %d: rows are queries, columns are keys\n%s", h + 1,
                 fit("", label_width).c_str());
    for (const Token& key : trace.key_tokens)
      std::fprintf(out, " %s", fit(key.text, kCellWidth - 1).c_str());
    std::fputc('\n', out);
    const Matrix& weights = trace.head[h].weights;
    for (int i = 0; i < trace.n_q(); ++i) {
      std::fputs(fit(trace.query_tokens[i].text, label_width).c_str(), out);
      for (int j = 0; j < trace.n_k(); ++j)
        std::fprintf(out, " %*.3f", kCellWidth - 1, static_cast<double>(weights(i, j)));
      std::fputc('\n', out);
    }
  }
}

}  // namespace attn
