// The chat command parser (PROTOCOL.md "Commands"): one line in, one Command out.
#pragma once

#include <string_view>

namespace chat {

enum class CommandKind {
  Empty,         // empty or all-whitespace: ignored
  Public,        // text: the line as typed
  Private,       // target, text
  PrivateUsage,  // @privado without a user or without a message
  Quit,
  Users,
  Help,
  Unknown,  // target: the unknown first word, '@' included
};

struct Command {
  CommandKind kind;
  std::string_view target;
  std::string_view text;
};

// Views in the result point into `line`.
Command parse_command(std::string_view line);

}  // namespace chat
