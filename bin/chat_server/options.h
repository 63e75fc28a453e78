// Command-line options of chat-server (PROTOCOL.md lists every flag).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace chat_server {

struct Options {
  std::string bind = "0.0.0.0";
  std::uint16_t port = 5000;
  std::string password = "123456";
  bool default_password = true;
  std::size_t max_line = 4096;
  double auth_timeout_seconds = 30;
  std::size_t max_queue = 1 << 20;
  double rate = 20;
  double burst = 50;
  std::size_t max_clients = 0;  // 0: as many as the descriptor limit allows
  std::string backend;          // empty: the platform's default
};

enum class ParseStatus { Run, ExitOk, ExitUsage };

// Reads flags and CHAT_PASSWORD. On ExitOk/ExitUsage, `message` is what to print
// (to stdout for ExitOk, to stderr for ExitUsage).
ParseStatus parse_options(int argc, char** argv, Options& options, std::string& message);

}  // namespace chat_server
