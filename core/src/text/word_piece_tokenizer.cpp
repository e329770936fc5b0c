#include "attn/text/word_piece_tokenizer.h"

#include <utf8proc.h>
#include <nlohmann/json.hpp>

#include "subword_support.h"

namespace attn {
namespace {

void append_utf8(std::string& out, char32_t c) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

// BasicTokenizer._is_control: Cc, Cf, Cn, Co, Cs, except tab and line breaks.
bool is_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  const utf8proc_category_t k = category(c);
  return k == UTF8PROC_CATEGORY_CC || k == UTF8PROC_CATEGORY_CF || k == UTF8PROC_CATEGORY_CN ||
         k == UTF8PROC_CATEGORY_CO || k == UTF8PROC_CATEGORY_CS;
}

// _is_whitespace: space, tab, line breaks and Zs.
bool is_whitespace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || category(c) == UTF8PROC_CATEGORY_ZS;
}

// _is_punctuation: every non-alphanumeric ASCII printable ("^", "$", "`" too) and P*.
bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126))
    return true;
  const utf8proc_category_t k = category(c);
  return k == UTF8PROC_CATEGORY_PC || k == UTF8PROC_CATEGORY_PD || k == UTF8PROC_CATEGORY_PS ||
         k == UTF8PROC_CATEGORY_PE || k == UTF8PROC_CATEGORY_PI || k == UTF8PROC_CATEGORY_PF ||
         k == UTF8PROC_CATEGORY_PO;
}

// _is_chinese_char: the CJK Unified Ideographs blocks as BertTokenizer lists them (its own
// definition, not a Unicode property: kana and Hangul are not included).
bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

Expected<nlohmann::json> read_json(const std::string& path) {
  Expected<std::string> bytes = subword::read_file(path, 1 << 20, "tokenizer_config.json");
  if (!bytes) return bytes.error();
  return subword::parse_json(*bytes, path);
}

}  // namespace

Expected<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::load(const std::string& folder) {
  Options options;
  const std::string config_path = subword::join_path(folder, "tokenizer_config.json");
  if (subword::is_file(config_path)) {
    Expected<nlohmann::json> config = read_json(config_path);
    if (!config) return config.error();
    if (!config->is_object())
      return Error{InputField::Model, config_path + " must be a JSON object"};
    const nlohmann::json& c = *config;
    if (c.contains("do_lower_case") && c["do_lower_case"].is_boolean())
      options.lower_case = c["do_lower_case"].get<bool>();
    if (c.contains("strip_accents") && c["strip_accents"].is_boolean())
      options.strip_accents = c["strip_accents"].get<bool>();
    if (c.contains("tokenize_chinese_chars") && c["tokenize_chinese_chars"].is_boolean())
      options.tokenize_chinese_chars = c["tokenize_chinese_chars"].get<bool>();
    if (c.contains("unk_token")) {
      const nlohmann::json& unk = c["unk_token"];
      if (unk.is_string()) options.unk_token = unk.get<std::string>();
      if (unk.is_object() && unk.contains("content") && unk["content"].is_string())
        options.unk_token = unk["content"].get<std::string>();
    }
  }
  return load(subword::join_path(folder, "vocab.txt"), options);
}

Expected<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::load(const std::string& vocab_txt,
                                                                       const Options& options) {
  Expected<std::string> bytes =
      subword::read_file(vocab_txt, subword::kMaxTokenizerFileBytes, "the vocabulary vocab.txt");
  if (!bytes) return bytes.error();
  return parse(*bytes, options, vocab_txt);
}

Expected<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::parse(
    std::string_view text, const Options& options, const std::string& vocab_txt) {
  std::unique_ptr<WordPieceTokenizer> tokenizer(new WordPieceTokenizer);
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line(text.substr(at, end - at));
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t id = tokenizer->pieces_.size();
    if (id > static_cast<std::size_t>(subword::kMaxVocabularyId))
      return Error{InputField::Model, vocab_txt + " has more lines than any real vocabulary"};
    Error problem;
    if (!subword::check_utf8(line, problem))
      return Error{InputField::Model,
                   vocab_txt + " line " + std::to_string(id + 1) + ": " + problem.message};
    tokenizer->ids_[line] = static_cast<int>(id);  // a repeated line: the later id wins (HF)
    tokenizer->pieces_.push_back(std::move(line));
  }
  if (tokenizer->pieces_.empty())
    return Error{InputField::Model, vocab_txt +
                                        " is empty: a WordPiece vocabulary needs one "
                                        "piece per line"};
  const auto unk = tokenizer->ids_.find(options.unk_token);
  if (unk == tokenizer->ids_.end())
    return Error{InputField::Model,
                 vocab_txt + " has no unknown-word token \"" + options.unk_token + "\""};
  tokenizer->unk_id_ = unk->second;
  tokenizer->options_ = options;
  tokenizer->strip_accents_ = options.strip_accents.value_or(options.lower_case);
  for (const char* special : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    const auto found = tokenizer->ids_.find(special);
    if (found != tokenizer->ids_.end())
      tokenizer->never_split_.emplace_back(special, found->second);
  }
  if (options.unk_token != "[UNK]")
    tokenizer->never_split_.emplace_back(options.unk_token, unk->second);
  return tokenizer;
}

void WordPieceTokenizer::word_pieces(const std::vector<Char>& word, std::vector<Token>& out) const {
  if (word.empty()) return;
  auto unknown = [&] {
    Token token;
    token.id = unk_id_;
    token.piece = pieces_[static_cast<std::size_t>(unk_id_)];
    token.text = subword::display_label(token.piece);
    token.begin = word.front().begin;
    token.end = word.back().end;
    out.push_back(std::move(token));
  };
  if (word.size() > static_cast<std::size_t>(options_.max_chars_per_word)) return unknown();
  // Greedy longest-match-first (BERT's WordpieceTokenizer.tokenize).
  const std::size_t before = out.size();
  std::size_t start = 0;
  std::string candidate;
  while (start < word.size()) {
    int found_id = -1;
    std::size_t found_end = start;
    for (std::size_t end = word.size(); end > start; --end) {
      candidate = start > 0 ? "##" : "";
      for (std::size_t k = start; k < end; ++k) append_utf8(candidate, word[k].value);
      const auto found = ids_.find(candidate);
      if (found != ids_.end()) {
        found_id = found->second;
        found_end = end;
        break;
      }
    }
    if (found_id < 0) {
      out.resize(before);
      return unknown();
    }
    Token token;
    token.id = found_id;
    token.piece = pieces_[static_cast<std::size_t>(found_id)];
    const std::string_view shown = std::string_view(token.piece).substr(start > 0 ? 2 : 0);
    token.text = subword::display_label(shown);
    token.begin = word[start].begin;
    token.end = word[found_end - 1].end;
    out.push_back(std::move(token));
    start = found_end;
  }
}

Expected<std::vector<Token>> WordPieceTokenizer::encode(std::string_view text) const {
  Error error;
  if (!subword::check_utf8(text, error)) return error;
  std::vector<Token> tokens;
  std::vector<Char> word;
  auto flush = [&] {
    word_pieces(word, tokens);
    word.clear();
  };
  for (const subword::TextSegment& segment : subword::split_added_tokens(text, never_split_)) {
    if (segment.id >= 0) {
      Token token;
      token.id = segment.id;
      token.piece = pieces_[static_cast<std::size_t>(segment.id)];
      token.text = token.piece;
      token.begin = segment.begin;
      token.end = segment.end;
      tokens.push_back(std::move(token));
      continue;
    }
    std::size_t i = segment.begin;
    while (i < segment.end) {
      utf8proc_int32_t value = 0;
      const utf8proc_ssize_t n =
          utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                           static_cast<utf8proc_ssize_t>(segment.end - i), &value);
      const std::size_t length = n > 0 ? static_cast<std::size_t>(n) : 1;
      const auto c = static_cast<char32_t>(value);
      const std::size_t begin = i;
      i += length;
      // _clean_text: drop NUL, U+FFFD and control characters; white space separates words.
      if (c == 0 || c == 0xFFFD || is_control(c)) continue;
      if (is_whitespace(c)) {
        flush();
        continue;
      }
      if (options_.tokenize_chinese_chars && is_chinese_char(c)) {
        flush();
        word.push_back({c, begin, i});
        flush();
        continue;
      }
      // Lower-case, then NFD and drop the non-spacing marks (_run_strip_accents); every
      // character produced keeps the typed bytes it came from.
      char32_t lowered = c;
      if (options_.lower_case)
        lowered = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
      utf8proc_int32_t decomposed[32];
      utf8proc_ssize_t count = 1;
      decomposed[0] = static_cast<utf8proc_int32_t>(lowered);
      if (strip_accents_) {
        int boundclass = 0;
        count = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(lowered), decomposed, 32,
                                        UTF8PROC_DECOMPOSE, &boundclass);
        if (count < 0 || count > 32)
          count = 1, decomposed[0] = static_cast<utf8proc_int32_t>(lowered);
      }
      for (utf8proc_ssize_t k = 0; k < count; ++k) {
        const auto d = static_cast<char32_t>(decomposed[k]);
        if (strip_accents_ && category(d) == UTF8PROC_CATEGORY_MN) continue;
        if (is_punctuation(d)) {  // _run_split_on_punc: each mark a word of its own
          flush();
          word.push_back({d, begin, i});
          flush();
        } else {
          word.push_back({d, begin, i});
        }
      }
    }
    flush();
  }
  assign_words(tokens, text);
  return tokens;
}

int WordPieceTokenizer::vocab_size() const { return static_cast<int>(pieces_.size()); }

std::string WordPieceTokenizer::piece(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) return {};
  return pieces_[static_cast<std::size_t>(id)];
}

std::string WordPieceTokenizer::decode(const std::vector<int>& ids) const {
  std::string joined;
  for (int id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= pieces_.size()) continue;
    const std::string& p = pieces_[static_cast<std::size_t>(id)];
    if (p.rfind("##", 0) == 0 && !joined.empty()) {
      joined += p.substr(2);
    } else {
      if (!joined.empty()) joined += ' ';
      joined += p;
    }
  }
  // clean_up_tokenization: no space before these, as transformers' decode leaves it.
  static const std::pair<const char*, const char*> kCleanUp[] = {
      {" .", "."},     {" ?", "?"},   {" !", "!"},   {" ,", ","},     {" ' ", "'"},
      {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : kCleanUp) {
    const std::string f = from;
    std::size_t at = 0;
    while ((at = joined.find(f, at)) != std::string::npos) {
      joined.replace(at, f.size(), to);
      at += std::string_view(to).size();
    }
  }
  return subword::to_valid_utf8(joined);
}

int WordPieceTokenizer::special_id(std::string_view text) const {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']') return -1;
  const auto found = ids_.find(std::string(text));
  return found == ids_.end() ? -1 : found->second;
}

std::string WordPieceTokenizer::description() const {
  return std::string("BERT WordPiece") + (options_.lower_case ? " (uncased)" : " (cased)");
}

}  // namespace attn
