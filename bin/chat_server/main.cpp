// chat-server: parses flags and runs the Server.
#include <cstdio>
#include <string>

#include "bin/chat_server/options.h"
#include "bin/chat_server/server.h"

int main(int argc, char** argv) {
  chat_server::Options options;
  std::string message;
  switch (chat_server::parse_options(argc, argv, options, message)) {
    case chat_server::ParseStatus::ExitOk: std::fputs(message.c_str(), stdout); return 0;
    case chat_server::ParseStatus::ExitUsage: std::fputs(message.c_str(), stderr); return 2;
    case chat_server::ParseStatus::Run: break;
  }
  chat_server::Server server(options);
  return server.run();
}
