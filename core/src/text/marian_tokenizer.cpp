#include "attn/text/marian_tokenizer.h"

#include <algorithm>
#include <filesystem>

#include "subword_support.h"

namespace attn {

Expected<std::unique_ptr<MarianTokenizer>> MarianTokenizer::load(const std::string& folder) {
  std::unique_ptr<MarianTokenizer> tokenizer(new MarianTokenizer);
  tokenizer->folder_ = std::filesystem::path(folder).filename().string();
  if (tokenizer->folder_.empty())
    tokenizer->folder_ = std::filesystem::path(folder).parent_path().filename().string();
  const std::string source_path = subword::join_path(folder, "source.spm");
  const std::string target_path = subword::join_path(folder, "target.spm");
  const std::string vocab_path = subword::join_path(folder, "vocab.json");
  for (const std::string& path : {source_path, target_path, vocab_path}) {
    if (!subword::is_file(path)) {
      return Error{InputField::Model,
                   path +
                       " is missing: a Marian model folder holds source.spm, target.spm "
                       "and vocab.json besides config.json and model.safetensors"};
    }
  }
  Expected<std::unique_ptr<SentencePieceTokenizer>> source =
      SentencePieceTokenizer::load(source_path);
  if (!source) return source.error();
  Expected<std::unique_ptr<SentencePieceTokenizer>> target =
      SentencePieceTokenizer::load(target_path);
  if (!target) return target.error();
  tokenizer->source_ = std::move(source).value();
  tokenizer->target_ = std::move(target).value();

  Expected<std::vector<std::pair<std::string, int>>> vocab =
      subword::read_vocab_json(vocab_path, "the Marian vocabulary vocab.json");
  if (!vocab) return vocab.error();
  for (const auto& [piece, id] : vocab.value()) {
    tokenizer->ids_[piece] = id;
    tokenizer->pieces_[id] = piece;  // as Hugging Face's reversed dict: the last piece wins
    tokenizer->vocab_size_ = std::max(tokenizer->vocab_size_, id + 1);
  }
  for (const char* needed : {"</s>", "<unk>"}) {
    if (tokenizer->ids_.count(needed) == 0) {
      return Error{InputField::Model, vocab_path + " has no \"" + needed +
                                          "\": Marian appends </s> to every text and maps "
                                          "unknown pieces to <unk>"};
    }
  }
  tokenizer->eos_id_ = tokenizer->ids_.at("</s>");
  tokenizer->unk_id_ = tokenizer->ids_.at("<unk>");
  tokenizer->pad_id_ = tokenizer->id_of("<pad>");
  if (tokenizer->pad_id_ == tokenizer->unk_id_ && tokenizer->ids_.count("<pad>") == 0)
    tokenizer->pad_id_ = -1;
  return tokenizer;
}

int MarianTokenizer::id_of(const std::string& piece) const {
  const auto found = ids_.find(piece);
  return found == ids_.end() ? unk_id_ : found->second;
}

Expected<std::vector<Token>> MarianTokenizer::encode(std::string_view text) const {
  return encode_with(*source_, text);
}

Expected<std::vector<Token>> MarianTokenizer::encode_target(std::string_view text) const {
  return encode_with(*target_, text);
}

Expected<std::vector<Token>> MarianTokenizer::encode_with(const SentencePieceTokenizer& model,
                                                          std::string_view text) const {
  Error error;
  if (!subword::check_utf8(text, error)) return error;
  // A leading language code (">>fra<<") is a token of its own, as MarianTokenizer's
  // remove_language_code does; the rest goes through SentencePiece.
  std::size_t code_end = 0;
  if (text.substr(0, 2) == ">>") {
    const std::size_t close = text.find("<<");
    if (close != std::string_view::npos) code_end = close + 2;
  }
  std::vector<std::string> raw;
  Expected<std::vector<Token>> pieces = model.encode(text.substr(code_end), &raw);
  if (!pieces) return pieces.error();
  std::vector<Token> tokens;
  tokens.reserve(pieces->size() + 1);
  if (code_end > 0) {
    Token code;
    code.text = subword::display_label(text.substr(0, code_end));
    code.id = id_of(std::string(text.substr(0, code_end)));
    code.piece = piece(code.id);  // "<unk>" when the vocabulary lacks this language
    code.end = code_end;
    tokens.push_back(std::move(code));
  }
  for (std::size_t t = 0; t < pieces->size(); ++t) {
    Token token = std::move((*pieces)[t]);
    const bool unknown_to_spm = model.piece(token.id) != raw[t];
    token.begin += code_end;
    token.end += code_end;
    token.id = id_of(raw[t]);
    token.piece = piece(token.id);
    if (token.id == unk_id_) {
      token.text = token.piece;
    } else if (unknown_to_spm) {  // a piece the .spm does not know but vocab.json does
      token.text = subword::sentence_piece_label(raw[t]);
    }
    tokens.push_back(std::move(token));
  }
  assign_words(tokens, text);
  return tokens;
}

std::string MarianTokenizer::piece(int id) const {
  const auto found = pieces_.find(id);
  return found == pieces_.end() ? std::string() : found->second;
}

std::string MarianTokenizer::decode(const std::vector<int>& ids) const {
  std::vector<std::string> pieces;
  pieces.reserve(ids.size());
  for (int id : ids) {
    if (id == eos_id_ || id == pad_id_ || id == unk_id_) continue;
    const auto found = pieces_.find(id);
    if (found != pieces_.end()) pieces.push_back(found->second);
  }
  return target_->decode_pieces(pieces);
}

Token MarianTokenizer::token_of_id(int id) const {
  if (id == eos_id_ || id == pad_id_ || id == unk_id_) return special_token(id, 0);
  Token token;
  token.id = id;
  token.piece = piece(id);
  token.text = subword::sentence_piece_label(token.piece);
  return token;
}

int MarianTokenizer::special_id(std::string_view text) const {
  if (text == "</s>") return eos_id_;
  if (text == "<unk>") return unk_id_;
  if (text == "<pad>") return pad_id_;
  return -1;
}

}  // namespace attn
