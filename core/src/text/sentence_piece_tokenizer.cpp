#include "attn/text/sentence_piece_tokenizer.h"

#include <sentencepiece_processor.h>
#include <filesystem>

#include "subword_support.h"

namespace attn {
SentencePieceTokenizer::SentencePieceTokenizer()
    : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Expected<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::load(
    const std::string& model_path) {
  // Read the bytes ourselves so the size is checked before the library sees them.
  Expected<std::string> bytes =
      subword::read_file(model_path, subword::kMaxTokenizerFileBytes, "the SentencePiece model");
  if (!bytes) return bytes.error();
  return parse(*bytes, model_path);
}

Expected<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::parse(
    std::string_view serialized, const std::string& model_path) {
  std::unique_ptr<SentencePieceTokenizer> tokenizer(new SentencePieceTokenizer);
  const sentencepiece::util::Status status =
      tokenizer->processor_->LoadFromSerializedProto(serialized);
  if (!status.ok())
    return Error{InputField::Model,
                 model_path + " is not a usable SentencePiece model (" + status.ToString() + ")"};
  if (tokenizer->processor_->GetPieceSize() <= 0)
    return Error{InputField::Model, model_path + " holds no pieces"};
  tokenizer->name_ = std::filesystem::path(model_path).filename().string();
  return tokenizer;
}

Expected<std::vector<Token>> SentencePieceTokenizer::encode(std::string_view text) const {
  return encode(text, nullptr);
}

Expected<std::vector<Token>> SentencePieceTokenizer::encode(
    std::string_view text, std::vector<std::string>* pieces) const {
  Error error;
  if (!subword::check_utf8(text, error)) return error;
  const sentencepiece::ImmutableSentencePieceText encoded =
      processor_->EncodeAsImmutableProto(absl::string_view(text.data(), text.size()));
  std::vector<Token> tokens;
  tokens.reserve(encoded.pieces_size());
  for (const auto& p : encoded.pieces()) {
    Token token;
    token.id = static_cast<int>(p.id());
    if (pieces != nullptr) pieces->push_back(p.piece());
    token.piece = processor_->IdToPiece(token.id);  // p.piece() is the surface for <unk>
    token.begin = std::min<std::size_t>(p.begin(), text.size());
    token.end = std::min<std::size_t>(std::max(p.end(), p.begin()), text.size());
    const int byte = processor_->IsByte(token.id) ? subword::byte_piece_value(token.piece) : -1;
    if (byte >= 0) {
      token.text = subword::display_label(std::string(1, static_cast<char>(byte)));
    } else if (processor_->IsUnknown(token.id) || processor_->IsControl(token.id)) {
      token.text = token.piece;
    } else {
      token.text = subword::sentence_piece_label(token.piece);
    }
    tokens.push_back(std::move(token));
  }
  assign_words(tokens, text);
  return tokens;
}

int SentencePieceTokenizer::vocab_size() const { return processor_->GetPieceSize(); }

std::string SentencePieceTokenizer::piece(int id) const {
  if (id < 0 || id >= processor_->GetPieceSize()) return {};
  return processor_->IdToPiece(id);
}

std::string SentencePieceTokenizer::decode(const std::vector<int>& ids) const {
  std::vector<int> valid;
  valid.reserve(ids.size());
  for (int id : ids)
    if (id >= 0 && id < processor_->GetPieceSize()) valid.push_back(id);
  return subword::to_valid_utf8(processor_->DecodeIds(valid));
}

std::string SentencePieceTokenizer::decode_pieces(const std::vector<std::string>& pieces) const {
  std::string text;
  if (!processor_->Decode(pieces, &text).ok()) text.clear();
  return subword::to_valid_utf8(text);
}

int SentencePieceTokenizer::special_id(std::string_view text) const {
  const int id = processor_->PieceToId(absl::string_view(text.data(), text.size()));
  if (id < 0 || id >= processor_->GetPieceSize() || processor_->IdToPiece(id) != text) return -1;
  return processor_->IsControl(id) || processor_->IsUnknown(id) ? id : -1;
}

std::string SentencePieceTokenizer::description() const { return "SentencePiece (" + name_ + ")"; }

}  // namespace attn
