// The config file's syntax, knowing nothing of which keys exist (options.cpp decides that):
// one "key = value" per line; blank lines and lines whose first non-blank character is '#'
// are ignored. A '#' elsewhere is part of the value, so passwords and paths may contain it.
// Whitespace around keys and values is trimmed; a value wrapped in double quotes loses them
// (the only way to keep leading or trailing spaces), with no escapes inside. A key given
// twice is an error: with several sources already layered, a file that says two things is
// more likely a mistake than an intent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chat_server {

struct ConfigEntry {
  std::string key;
  std::string value;
  int line = 0;  // 1-based
};

// Parses `text`. On a syntax error returns false with `error` as "LINE: message".
bool parse_config_text(std::string_view text, std::vector<ConfigEntry>& entries, std::string& error);

// Reads and parses the file. Errors are "PATH: message" or "PATH:LINE: message".
bool read_config_file(const std::string& path, std::vector<ConfigEntry>& entries, std::string& error);

}  // namespace chat_server
