// Every line the server writes (PROTOCOL.md "Lines in CHATTING"), each built straight into
// one shared payload. `stamp` is "[HH:MM:SS] " (see Timestamp), formatted once per second.
#pragma once

#include <string_view>

#include "reactor/payload.h"

namespace chat {

using reactor::PayloadRef;

// "[t] <from> text"
PayloadRef public_line(std::string_view stamp, std::string_view from, std::string_view text);
// "[t] [private] <from> text"
PayloadRef private_line(std::string_view stamp, std::string_view from, std::string_view text);
// "[t] [private to <to>] <from> text"
PayloadRef private_echo_line(std::string_view stamp, std::string_view to, std::string_view from, std::string_view text);
// "[t] * text"
PayloadRef notice_line(std::string_view stamp, std::string_view text);
// "[t] ! text"
PayloadRef error_line(std::string_view stamp, std::string_view text);
// "text" with no timestamp: the lines before CHATTING.
PayloadRef plain_line(std::string_view text);

// "[HH:MM:SS] " for a local wall-clock time.
struct Timestamp {
  char text[12] = "[00:00:00] ";
  void set(int hours, int minutes, int seconds);
  std::string_view view() const { return std::string_view(text, 11); }
};

}  // namespace chat
