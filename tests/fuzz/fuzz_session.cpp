// A .attnviz session file: the input is the file's bytes, read by session_from_json (what
// load_session_file does after its bounded read); an accepted session must hold values the
// window accepts.
#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>

#include "attn/validation.h"
#include "attn_ui/session_file.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
  attn::ui::Session session;
  QString why;
  if (!attn::ui::session_from_json(bytes, &session, &why)) {
    if (why.isEmpty()) attn::fuzz::fail("a refusal without a reason");
    return 0;
  }
  const attn::AttentionConfig& c = session.scenario.config;
  if (c.heads < 1 || c.heads > attn::kMaxHeads || c.d_model < 1 || c.d_model > attn::kMaxDModel)
    attn::fuzz::fail("an accepted session with heads or d_model out of range");
  // What the window does with it next: write it back and read that again.
  attn::ui::Session again;
  if (!attn::ui::session_from_json(attn::ui::session_to_json(session), &again, &why))
    attn::fuzz::fail("an accepted session does not read back: " + why.toStdString());
  return 0;
}
