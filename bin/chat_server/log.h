// Server log: one line per event on stderr, each with a local timestamp. Passwords never
// reach this file: callers log addresses, names and reasons only.
#pragma once

#include <string_view>

namespace chat_server {

void log_line(std::string_view message);

}  // namespace chat_server
