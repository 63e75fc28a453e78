// RPL_ISUPPORT: the tokens the issue asks for, in lines that fit.
#include "doors/irc/isupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "doors/irc/irc_message.h"

namespace {

TEST(Isupport, AnnouncesTheChatRules) {
  irc::IsupportSettings settings;
  settings.network = "TestNet";
  const std::vector<std::string> tokens = irc::isupport_tokens(settings);
  for (const char* want : {"CHANTYPES=#", "NICKLEN=24", "CASEMAPPING=ascii", "NETWORK=TestNet", "CHANNELLEN=50"})
    EXPECT_NE(std::find(tokens.begin(), tokens.end(), want), tokens.end()) << want;
}

TEST(Isupport, ANetworkNameWithASpaceIsLeftOut) {
  irc::IsupportSettings settings;
  settings.network = "Test Net";
  for (const std::string& t : irc::isupport_tokens(settings)) EXPECT_NE(t.rfind("NETWORK=", 0), 0u) << t;
}

TEST(Isupport, LinesAre005WithTheNickAndTheClosingText) {
  irc::IsupportSettings settings;
  settings.network = "TestNet";
  const std::vector<reactor::PayloadRef> lines = irc::isupport_lines("irc.test", "alice", settings);
  ASSERT_FALSE(lines.empty());
  std::size_t tokens = 0;
  for (const reactor::PayloadRef& line : lines) {
    ASSERT_LE(line.size(), irc::kMaxLineBytes);
    const irc::ParseResult r = irc::parse_message(line.view());
    ASSERT_EQ(r.status, irc::ParseStatus::Ok);
    EXPECT_EQ(r.message.command(), "005");
    EXPECT_EQ(r.message.prefix, "irc.test");
    EXPECT_EQ(r.message.param(0), "alice");
    EXPECT_EQ(r.message.param(r.message.param_count - 1), "are supported by this server");
    EXPECT_LE(r.message.param_count, irc::kMaxParams);
    tokens += r.message.param_count - 2;
  }
  EXPECT_EQ(tokens, irc::isupport_tokens(settings).size());
}

}  // namespace
