#pragma once

// Helpers the real-model benchmarks share (bench/ only, not part of attnviz's library).

#include <cstdint>
#include <string>
#include <vector>

#include "attn/expected.h"
#include "attn/matrix.h"
#include "attn/text/subword_tokenizer.h"

namespace attn::bench {

/// English text that `tokenizer` encodes as exactly `n` tokens (n ≥ 1): sentences about
/// attention, cycled, cut at a word, then padded with " the" (one GPT-2 token each). An Error
/// when the tokenizer cannot reach exactly n.
Expected<std::string> text_of_tokens(const SubwordTokenizer& tokenizer, int n);

/// The threads an engine run uses: OpenMP's team size (Eigen's GEMM asks the same).
int engine_threads();

/// A field of /proc/self/status in kB ("VmHWM", "VmRSS"); −1 when unreadable.
std::int64_t proc_status_kb(const std::string& field);

/// Writes `matrix` (rows × cols float32, row-major) as a NumPy .npy file; false on failure.
bool write_npy(const std::string& path, const Matrix& matrix);
/// Writes `values` as a 1-D int32 .npy file; false on failure.
bool write_npy(const std::string& path, const std::vector<int>& values);

}  // namespace attn::bench
