// --max-per-ip: open connections from one address are limited; the one beyond the limit is
// told why and closed; everyone else is unaffected; every way of leaving frees the slot.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

const std::string kRefusal3 = "! Too many connections from your address (limit 3); try again later.";

}  // namespace

TEST(PerIp, ConnectionBeyondTheLimitIsRefusedOthersUnaffected) {
  Server server(with_args({"--max-per-ip", "3"}));
  Client alice(server.port()), bob(server.port()), pending(server.port());
  alice.login("alice");
  bob.login("bob");
  pending.expect_next("Password:");  // not logged in yet: counts all the same

  Client fourth(server.port());
  EXPECT_EQ(fourth.read_line(), kRefusal3);
  EXPECT_TRUE(fourth.closed_by_server());
  ASSERT_TRUE(server.wait_for_log("too many connections from 127.0.0.1 (limit 3)")) << server.log();
  EXPECT_EQ(lines_with(server.log(), {"refused", "127.0.0.1:" + std::to_string(local_port(fourth.fd()))}).size(), 1u)
      << server.log();

  alice.expect("* bob joined the chat");
  alice.send_line("still fine");
  bob.expect_next("<alice> still fine");
  pending.send_line(kPassword);  // its "Password:" was read above
  pending.expect_next("Username:");
  pending.send_line("carol");
  pending.expect_next("* Welcome, carol!");
}

TEST(PerIp, ClosingOneFreesASlot) {
  Server server(with_args({"--max-per-ip", "3"}));
  Client a(server.port()), b(server.port()), c(server.port());
  a.login("alice");
  b.expect_next("Password:");
  c.expect_next("Password:");
  {
    Client refused(server.port());
    EXPECT_EQ(refused.read_line(), kRefusal3);
  }
  c.close();  // EOF before logging in
  ASSERT_TRUE(server.wait_for_log("disconnect 127.0.0.1")) << server.log();
  Client d(server.port());
  d.login("dave");

  // A wrong password frees its slot too...
  b.send_line("wrong");
  EXPECT_EQ(b.read_line(), "! Wrong password. Bye.");
  EXPECT_TRUE(b.closed_by_server());
  b.close();
  ASSERT_TRUE(server.wait_for_log("wrong password")) << server.log();
  Client e(server.port());
  e.login("erin");
  // ...and so does @sair.
  a.send_line("@sair");
  EXPECT_TRUE(a.closed_by_server());
  a.close();
  ASSERT_TRUE(server.wait_for_log("quit")) << server.log();
  Client f(server.port());
  f.login("frank");
  Client g(server.port());
  EXPECT_EQ(g.read_line(), kRefusal3);
}

TEST(PerIp, OtherAddressesHaveTheirOwnCount) {
  Server server(with_args({"--max-per-ip", "1"}));
  Client alice(server.port());
  alice.login("alice");
  Client again(server.port());
  EXPECT_EQ(again.read_line(), "! Too many connections from your address (limit 1); try again later.");
  ConnectOptions other;
  other.source = "127.0.0.2";
  Client bob(server.port(), other);
  bob.login("bob");
  alice.expect("* bob joined the chat");
}

TEST(PerIp, ZeroMeansNoLimitAndSixtyFourHold) {
  {
    Server server(with_args({"--max-per-ip", "0"}));
    std::vector<Client> clients;
    for (int i = 0; i < 70; ++i) {
      clients.emplace_back(server.port());
      clients.back().expect_next("Password:");
    }
  }
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"CHAT_MAX_PER_IP", "64"}}));  // the default, set explicitly
  std::vector<Client> clients;
  for (int i = 0; i < 64; ++i) {
    clients.emplace_back(server.port());
    clients.back().expect_next("Password:");
  }
  Client extra(server.port());
  EXPECT_EQ(extra.read_line(), "! Too many connections from your address (limit 64); try again later.");
}

TEST(PerIp, EnvironmentSetsTheLimit) {
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"CHAT_MAX_PER_IP", "1"}}));
  Client alice(server.port());
  alice.login("alice");
  Client second(server.port());
  EXPECT_EQ(second.read_line(), "! Too many connections from your address (limit 1); try again later.");
}
