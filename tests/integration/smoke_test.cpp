// The happy path end to end: two users log in and chat.
#include <gtest/gtest.h>

#include "harness.h"

using namespace harness;

TEST(Smoke, TwoUsersChat) {
  Server server;
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  alice.send_line("hello bob");
  std::string line = bob.expect("<alice> hello bob");
  EXPECT_TRUE(has_timestamp(line)) << line;
  EXPECT_EQ(strip_timestamp(line), "<alice> hello bob");
}
