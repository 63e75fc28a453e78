// What a line from chat-server means to a bot: protocol/server_line.h parses the shapes, this
// tells the login lines apart. Views point into the line; nothing is copied.
#pragma once

#include <string_view>

namespace swarm {

enum class LineKind {
  PasswordPrompt,  // "Password:"
  NamePrompt,      // "Username:"
  Refusal,         // "! reason" before CHATTING (wrong password, server full, name refused, ...)
  PlainNotice,     // "* text" before CHATTING (shutdown while logging in)
  Public,          // "[t] <from> text"
  Private,         // "[t] [private] <from> text"
  Echo,            // "[t] [private to <to>] <from> text"
  Notice,          // "[t] * text"
  Error,           // "[t] ! text"
  Malformed,       // none of the above
};

struct ServerLine {
  LineKind kind = LineKind::Malformed;
  std::string_view from;
  std::string_view to;
  std::string_view text;  // the message, or what follows "* " / "! "
};

ServerLine parse_server_line(std::string_view line);

enum class NoticeKind {
  Welcome,       // "Welcome, <name>! Online (...)"
  Joined,        // "<name> joined the chat"
  Left,          // "<name> left the chat"
  Disconnected,  // "<name> disconnected"
  TooSlow,       // "<name> was disconnected (too slow)"
  Bye,           // "Bye, <name>!"
  ShuttingDown,  // "Server is shutting down"
  Other,         // the command list, "Online (N): ...", anything else
};

struct Notice {
  NoticeKind kind = NoticeKind::Other;
  std::string_view name;
};

Notice parse_notice(std::string_view text);

}  // namespace swarm
