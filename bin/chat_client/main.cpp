// chat-client: parses flags and runs one Session.
#include <cstdio>
#include <string>

#include "bin/chat_client/options.h"
#include "bin/chat_client/session.h"

int main(int argc, char** argv) {
  chat_client::Options options;
  std::string message;
  switch (chat_client::parse_options(argc, argv, options, message)) {
    case chat_client::ParseStatus::ExitOk: (void)std::fputs(message.c_str(), stdout); return 0;
    case chat_client::ParseStatus::ExitUsage: (void)std::fputs(message.c_str(), stderr); return chat_client::kExitUsage;
    case chat_client::ParseStatus::Run: break;
  }
  chat_client::Session session(std::move(options));
  return session.run();
}
