// The text of an IRC message as the chat relays it: for line-door users clean exactly like
// their own text (chat::sanitize), IRC formatting stripped; for IRC users the same, but with
// the formatting codes (and a CTCP ACTION's \x01) kept, as IRC clients expect.
#pragma once

#include <string>
#include <string_view>

namespace irc {

struct RelayText {
  std::string_view plain;  // for every door (ChatEvent::text)
  std::string_view rich;   // formatting kept; empty when the same as plain (ChatEvent::rich)
};

// Views into `text` or into the scratch strings; valid while those live and are not reused.
// A CTCP ACTION ("/me waves") is relayed as "/me waves" in plain text.
RelayText relay_text(std::string_view text, std::string& plain_scratch, std::string& rich_scratch);

}  // namespace irc
