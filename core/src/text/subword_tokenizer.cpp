#include "attn/text/subword_tokenizer.h"

#include <algorithm>
#include <filesystem>

#include "attn/text/gpt2_bpe_tokenizer.h"
#include "attn/text/hf_bpe_tokenizer.h"
#include "attn/text/sentence_piece_tokenizer.h"
#include "attn/text/word_piece_tokenizer.h"
#include "subword_support.h"

namespace attn {

Token SubwordTokenizer::special_token(int id, std::size_t at) const {
  Token token;
  token.id = id;
  token.piece = piece(id);
  token.text = token.piece.empty() ? std::string("<") + std::to_string(id) + ">"
                                   : subword::to_valid_utf8(token.piece);
  // llama2.c's BOS is "\n<s>\n": a label shows "<s>".
  const std::size_t first = token.text.find_first_not_of(" \t\r\n");
  const std::size_t last = token.text.find_last_not_of(" \t\r\n");
  if (first != std::string::npos) token.text = token.text.substr(first, last - first + 1);
  token.begin = token.end = at;
  token.word = -1;
  token.special = true;
  return token;
}

void assign_words(std::vector<Token>& tokens, std::string_view text) {
  const Expected<std::vector<Token>> words = tokenize(text);
  if (!words.ok()) {  // the text was checked before; keep every token in word 0
    for (Token& token : tokens) token.word = token.special ? -1 : 0;
    return;
  }
  // word_of[b]: the typed word holding byte b, or -1 (white space, between words).
  std::vector<int> word_of(text.size(), -1);
  for (std::size_t w = 0; w < words->size(); ++w)
    for (std::size_t b = (*words)[w].begin; b < (*words)[w].end && b < text.size(); ++b)
      word_of[b] = static_cast<int>(w);
  for (Token& token : tokens) {
    if (token.special) {
      token.word = -1;
      continue;
    }
    int word = -1;
    const std::size_t end = std::min(token.end, text.size());
    for (std::size_t b = token.begin; b < end && word < 0; ++b) word = word_of[b];
    if (word < 0) {
      // Nothing of a word inside (a space, a dropped control byte): the nearest word before.
      word = 0;
      for (std::size_t w = 0; w < words->size(); ++w)
        if ((*words)[w].begin < std::max<std::size_t>(token.begin, 1)) word = static_cast<int>(w);
    }
    token.word = word;
  }
}

Expected<std::unique_ptr<SubwordTokenizer>> load_tokenizer(const std::string& folder) {
  auto fail = [&](const std::string& what) { return Error{InputField::Model, what}; };
  if (!std::filesystem::is_directory(folder))
    return fail("the tokenizer folder " + folder + " does not exist");
  for (const char* name : {"tokenizer.model", "spiece.model"}) {
    const std::string path = subword::join_path(folder, name);
    if (!subword::is_file(path)) continue;
    Expected<std::unique_ptr<SentencePieceTokenizer>> loaded = SentencePieceTokenizer::load(path);
    if (!loaded) return loaded.error();
    return std::unique_ptr<SubwordTokenizer>(std::move(loaded).value());
  }
  std::string json_problem;
  const std::string json_path = subword::join_path(folder, "tokenizer.json");
  if (subword::is_file(json_path)) {
    Expected<std::unique_ptr<HfBpeTokenizer>> loaded = HfBpeTokenizer::load(json_path);
    if (loaded) return std::unique_ptr<SubwordTokenizer>(std::move(loaded).value());
    json_problem = loaded.error().message;  // maybe a WordPiece folder: try the other files
  }
  if (subword::is_file(subword::join_path(folder, "vocab.json")) ||
      subword::is_file(subword::join_path(folder, "merges.txt"))) {
    Expected<std::unique_ptr<Gpt2BpeTokenizer>> loaded = Gpt2BpeTokenizer::load(folder);
    if (!loaded) return loaded.error();
    return std::unique_ptr<SubwordTokenizer>(std::move(loaded).value());
  }
  if (subword::is_file(subword::join_path(folder, "vocab.txt"))) {
    Expected<std::unique_ptr<WordPieceTokenizer>> loaded = WordPieceTokenizer::load(folder);
    if (!loaded) return loaded.error();
    return std::unique_ptr<SubwordTokenizer>(std::move(loaded).value());
  }
  if (!json_problem.empty()) return fail(json_problem);
  return fail("no tokenizer in " + folder +
              ": expected tokenizer.model, spiece.model, tokenizer.json, vocab.json + "
              "merges.txt, or vocab.txt");
}

}  // namespace attn
