// The other half of format.h: a line chat-server wrote, split back into its parts. The one
// reader of the line grammar (PROTOCOL.md "Lines in CHATTING"), for chat-client and chat-swarm.
#pragma once

#include <string_view>

namespace chat {

enum class ServerLineKind {
  Public,       // "[t] <author> text"
  Private,      // "[t] [private] <author> text"
  PrivateEcho,  // "[t] [private to <target>] <author> text"
  Notice,       // "[t] * text", or "* text" before CHATTING (stamp empty)
  Error,        // "[t] ! text", or "! text" before CHATTING: refusals (stamp empty)
  Prompt,       // "Password:" or "Username:", as text
  Other,        // none of these shapes: text is the line after its timestamp, if any
};

std::string_view to_string(ServerLineKind kind);

struct ServerLine {
  ServerLineKind kind = ServerLineKind::Other;
  std::string_view stamp;   // "[HH:MM:SS]" without its space; empty when the line has none
  std::string_view author;  // Public, Private, PrivateEcho: the name between < and >
  std::string_view target;  // PrivateEcho: who the message went to
  std::string_view text;    // the message, what follows "* " or "! ", or the whole rest
};

// Pure and without allocation: the views point into `line` (given without its '\n'). Names
// must be valid names (names.h), which cannot hold '>', ']' or a space, so nothing a user
// types ("<bob> hi", "[private]") can be taken for the parts of the line around it.
ServerLine parse_server_line(std::string_view line);

}  // namespace chat
