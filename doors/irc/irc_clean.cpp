// relay_text: one sanitizer for every door; IRC's formatting bytes are put back between
// the sanitized runs for IRC users only.
#include "doors/irc/irc_clean.h"

#include "doors/irc/irc_text.h"
#include "protocol/sanitize.h"

namespace irc {
namespace {

// The control bytes IRC clients treat as formatting (irc_text.h), and CTCP's delimiter.
bool is_formatting(char c) {
  switch (c) {
    case '\x01':
    case '\x02':
    case '\x03':
    case '\x04':
    case '\x0f':
    case '\x11':
    case '\x16':
    case '\x1d':
    case '\x1e':
    case '\x1f': return true;
    default: return false;
  }
}

// `text` sanitized run by run, each formatting byte kept where it was.
void keep_formatting(std::string_view text, std::string& out) {
  out.clear();
  std::string run_scratch;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && !is_formatting(text[i])) continue;
    out.append(chat::sanitize(text.substr(start, i - start), run_scratch));
    if (i < text.size()) out.push_back(text[i]);
    start = i + 1;
  }
}

}  // namespace

RelayText relay_text(std::string_view text, std::string& plain_scratch, std::string& rich_scratch) {
  bool formatted = false;
  for (char c : text) formatted = formatted || is_formatting(c);
  if (!formatted) return {chat::sanitize(text, plain_scratch), {}};
  keep_formatting(text, rich_scratch);
  std::string stripped_scratch;
  std::string_view body = text;
  std::string prefix;
  if (std::optional<std::string_view> action = ctcp_action(text)) {
    body = *action;
    prefix = "/me ";
  }
  std::string_view stripped = strip_formatting(body, stripped_scratch);
  std::string clean_scratch;
  std::string_view clean = chat::sanitize(stripped, clean_scratch);
  plain_scratch = prefix;
  plain_scratch.append(clean);
  return {plain_scratch, rich_scratch};
}

}  // namespace irc
