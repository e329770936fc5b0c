#include "split_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "subword_support.h"

namespace attn {

struct SplitRegex::State {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  bool jit = false;
};

namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof buffer);
  return reinterpret_cast<const char*>(buffer);
}

}  // namespace

SplitRegex::~SplitRegex() {
  if (state_) {
    pcre2_match_context_free(state_->context);
    pcre2_code_free(state_->code);
  }
}

Expected<std::shared_ptr<const SplitRegex>> SplitRegex::compile(const std::string& pattern,
                                                                bool literal) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  const uint32_t options = PCRE2_UTF | PCRE2_UCP | (literal ? PCRE2_LITERAL : 0u);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error_code, &error_offset, nullptr);
  if (code == nullptr)
    return Error{InputField::Model, "the pre-tokenizer pattern does not compile (" +
                                        pcre2_message(error_code) + " at offset " +
                                        std::to_string(error_offset) + "): " + pattern};
  std::shared_ptr<SplitRegex> regex(new SplitRegex);
  regex->state_ = std::make_unique<State>();
  regex->state_->code = code;
  regex->state_->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  // A hostile pattern could backtrack for ever: bound the work of one match.
  regex->state_->context = pcre2_match_context_create(nullptr);
  if (regex->state_->context != nullptr) {
    pcre2_set_match_limit(regex->state_->context, 10'000'000);
    pcre2_set_depth_limit(regex->state_->context, 100'000);
  }
  return std::shared_ptr<const SplitRegex>(std::move(regex));
}

bool SplitRegex::find_all(std::string_view subject,
                          std::vector<std::pair<std::size_t, std::size_t>>& matches,
                          std::string& problem) const {
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(state_->code, nullptr);
  if (data == nullptr) {
    problem = "out of memory for the pre-tokenizer pattern";
    return false;
  }
  const auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data());
  std::size_t start = 0;
  bool ok = true;
  while (start <= subject.size()) {
    // The text was checked as UTF-8 once; pieces are cut at character boundaries.
    const int rc = pcre2_match(state_->code, bytes, subject.size(), start, PCRE2_NO_UTF_CHECK, data,
                               state_->context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      problem = "the pre-tokenizer pattern failed on this text (" + pcre2_message(rc) + ")";
      ok = false;
      break;
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    const std::size_t begin = ovector[0];
    const std::size_t end = ovector[1];
    if (end > begin) {
      matches.emplace_back(begin, end);
      start = end;
    } else {
      // An empty match: step over one character so the search moves on.
      if (begin >= subject.size()) break;
      const std::size_t n = subword::utf8_sequence_length(subject, begin);
      start = begin + (n == 0 ? 1 : n);
    }
  }
  pcre2_match_data_free(data);
  return ok;
}

}  // namespace attn
