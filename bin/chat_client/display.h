// Display: how each server line looks on screen, plus what a line the user typed is. Pure
// functions, no I/O. protocol/server_line.h says what a server line is (public, private,
// notice, error, login prompt...). Without colour the text is the server's, whose markers
// (`[private]`, `* `, `! `) already tell the kinds apart; with colour each kind also gets its
// own style.
#pragma once

#include <string>
#include <string_view>

#include "protocol/server_line.h"

namespace chat_client {

using chat::ServerLine;
using LineKind = chat::ServerLineKind;

// Splits a line (without '\n') into its parts: the shared parser. Views point into `line`.
inline ServerLine classify(std::string_view line) { return chat::parse_server_line(line); }

// The line as shown on a terminal: with `color`, ANSI SGR styles per kind (dim timestamp,
// each name in its own colour, private lines magenta, notices cyan, errors bold red); without
// colour, the server's text. Control characters are removed either way, so a hostile server
// cannot send escape sequences to the terminal.
std::string styled(const ServerLine& line, bool color);

// A public line the user sent, shown locally in the server's format (the server does not
// echo it back). `stamp` is "[HH:MM:SS]".
std::string own_line(std::string_view stamp, std::string_view name, std::string_view text, bool color);

// Text in the error style (the client's own messages, such as a refused name's reason).
std::string error_text(std::string_view text, bool color);

// `text` without C0/C1 control characters and DEL (TAB becomes a space).
std::string strip_controls(std::string_view text);

// What a line the user typed is, by the server's rules: blank lines are ignored, a first word
// starting with '@' is a command.
enum class UserLine { Blank, Public, Command, Quit };
UserLine classify_user_line(std::string_view line);

// The name in a welcome notice ("Welcome, alice! Online ..."), or empty.
std::string_view welcome_name(std::string_view notice_text);

}  // namespace chat_client
