// Text rules where IRC meets the chat: nicks are chat names, mIRC formatting is stripped for
// line-door users, CTCP ACTION ("/me") is recognised, and names compare as CASEMAPPING=ascii.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace irc {

// A nick is a chat name (protocol/names.h): 1-24 of A-Z a-z 0-9 _ -. IRC's other nick
// characters ([]\`^{|}) are refused, so one name means one person on every door.
bool is_valid_nick(std::string_view nick);

// The text without mIRC formatting codes: \x02 bold, \x03 colour ("\x03NN,MM", one or two
// digits each), \x04 hex colour ("\x04RRGGBB,RRGGBB"), \x0f reset, \x11 monospace,
// \x16 reverse, \x1d italic, \x1e strike-through, \x1f underline. Returns `text` itself when
// it has none (no copy), else a view of `scratch`.
std::string_view strip_formatting(std::string_view text, std::string& scratch);

// "\x01ACTION waves\x01" -> "waves" (a view of `text`); the closing \x01 may be missing, as
// some clients send it. Anything else, other CTCP requests included, -> nullopt.
std::optional<std::string_view> ctcp_action(std::string_view text);

// CASEMAPPING=ascii: only A-Z fold to a-z.
bool casemap_equal(std::string_view a, std::string_view b);

}  // namespace irc
