// The bot's login state machine, fed the server's lines one by one.
#include <gtest/gtest.h>

#include "bin/chat_swarm/bot.h"

using namespace swarm;

namespace {
LoginAction feed(BotState& s, std::string_view line, bool pipelined = false) {
  return login_step(s, parse_server_line(line), pipelined, "bot1").action;
}
}  // namespace

TEST(Login, OneLineAtATime) {
  BotState s = BotState::AwaitPassword;
  EXPECT_EQ(feed(s, "Password:"), LoginAction::SendPassword);
  EXPECT_EQ(s, BotState::AwaitName);
  EXPECT_EQ(feed(s, "Username:"), LoginAction::SendName);
  EXPECT_EQ(s, BotState::AwaitWelcome);
  EXPECT_EQ(feed(s, "[10:00:00] * Welcome, bot1! Online (1): bot1"), LoginAction::Ready);
  EXPECT_EQ(s, BotState::Chatting);
}

TEST(Login, PipelinedWaitsForThePrompts) {
  BotState s = BotState::AwaitPassword;
  EXPECT_EQ(feed(s, "Password:", true), LoginAction::Wait);
  EXPECT_EQ(feed(s, "Username:", true), LoginAction::Wait);
  EXPECT_EQ(feed(s, "[10:00:00] * Welcome, bot1! Online (1): bot1", true), LoginAction::Ready);
}

TEST(Login, RefusalsFailWithTheServersReason) {
  for (const char* line : {"! Wrong password. Bye.", "! Server full. Bye.", "! name 'bot1' is taken",
                           "! Too many failed attempts; try again later."}) {
    BotState s = BotState::AwaitPassword;
    if (std::string_view(line).find("taken") != std::string_view::npos) {
      feed(s, "Password:");
      feed(s, "Username:");
    }
    LoginStep step = login_step(s, parse_server_line(line), false, "bot1");
    EXPECT_EQ(step.action, LoginAction::Fail) << line;
    EXPECT_EQ(s, BotState::Failed);
    EXPECT_NE(step.reason.find(std::string(line).substr(2)), std::string::npos) << step.reason;
  }
}

TEST(Login, OutOfOrderLinesFail) {
  BotState s = BotState::AwaitPassword;
  EXPECT_EQ(feed(s, "Username:"), LoginAction::Fail);
  s = BotState::AwaitWelcome;
  EXPECT_EQ(feed(s, "[10:00:00] * Welcome, someone-else! Online (1): x"), LoginAction::Fail);
  s = BotState::AwaitWelcome;
  EXPECT_EQ(feed(s, "[10:00:00] <x> hello"), LoginAction::Fail);
}
