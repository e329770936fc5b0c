#pragma once

// Tiny checkpoints with their tokenizers, written as the loader finds them on disk: what the
// command-line and window tests open.

#include <string>

namespace attn::testing {

/// The byte-level BPE needs the 256 byte ids: the tiny GPT-2's vocabulary.
inline constexpr int kTinyGpt2Vocab = 300;

/// `folder` with a tiny GPT-2 (2 layers, 4 heads, d_model 16) and its vocab.json + merges.txt.
/// A failure is a test failure (EXPECT).
void write_tiny_gpt2_folder(const std::string& folder);

/// `folder` with a tiny Marian (opus-mt layout, tiny_marian_config) and the committed tiny
/// source.spm, target.spm and vocab.json of tests/data/marian-tiny.
void write_tiny_marian_folder(const std::string& folder);

}  // namespace attn::testing
