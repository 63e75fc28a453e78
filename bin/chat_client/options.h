// Command-line options of chat-client: `chat-client [OPTIONS] [HOST] [PORT]`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace chat_client {

struct Options {
  std::string host = "localhost";
  std::uint16_t port = 5000;
  std::optional<std::string> name;      // --name: tried first, asked for when refused
  std::optional<std::string> password;  // --password-file, else CHAT_PASSWORD; asked for when unset
  bool color = true;                    // off with --no-color or a non-empty NO_COLOR
};

enum class ParseStatus { Run, ExitOk, ExitUsage };

// Reads flags and the environment (CHAT_PASSWORD, NO_COLOR). On ExitOk/ExitUsage, `message`
// is what to print (to stdout for ExitOk, to stderr for ExitUsage, which exits with 2).
ParseStatus parse_options(int argc, char** argv, Options& options, std::string& message);

}  // namespace chat_client
