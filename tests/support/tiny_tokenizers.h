#pragma once

// Small tokenizer files in the real formats, for the tiny checkpoints of tiny_checkpoint.h:
// every text of lowercase English encodes with them, and every id stays below `vocab_size`.

#include <string>

namespace attn::testing {

/// vocab.json + merges.txt (GPT-2 byte-level BPE): the 256 byte symbols (ids 0–255, GPT-2's
/// own order), then merges of common English pairs up to `vocab_size` (≥ 256) ids.
void write_byte_level_bpe(const std::string& folder, int vocab_size);

/// vocab.txt (BERT WordPiece): [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0–4), the letters, their
/// "##" continuations, punctuation and a few words, padded with [unusedN] to `vocab_size`.
void write_wordpiece_vocab(const std::string& folder, int vocab_size);

/// A llama2.c tokenizer.bin of `vocab_size` (≥ 259) entries: <unk>, BOS, EOS, the 256 byte
/// tokens <0x00>…<0xFF> (ids 3–258), then a space, the letters and a few merges with scores.
void write_llama2c_tokenizer(const std::string& path, int vocab_size);

}  // namespace attn::testing
