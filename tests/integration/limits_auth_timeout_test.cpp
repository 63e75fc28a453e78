// Authentication timeout: whoever has not logged in within --auth-timeout is told and closed.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

TEST(LimitsAuthTimeout, SilentConnectionIsToldAndClosed) {
  Server server(with_args({"--auth-timeout", "1"}));
  const auto connected = Clock::now();
  Client c(server.port());
  c.expect_next("Password:");
  EXPECT_EQ(c.read_line(), "! Authentication timed out. Bye.");
  EXPECT_GE(seconds_since(connected), 0.8) << "timed out before --auth-timeout had passed";
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_TRUE(server.wait_for_log("auth timeout")) << server.log();
}

TEST(LimitsAuthTimeout, PasswordWithoutNameStillTimesOut) {
  Server server(with_args({"--auth-timeout", "1"}));
  const auto connected = Clock::now();
  Client c(server.port());
  c.expect_next("Password:");
  c.send_line(kPassword);
  c.expect_next("Username:");
  EXPECT_EQ(c.read_line(), "! Authentication timed out. Bye.");
  EXPECT_GE(seconds_since(connected), 0.8);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(LimitsAuthTimeout, RefusedNamesDoNotExtendTheTimeout) {
  Server server(with_args({"--auth-timeout", "1"}));
  Client c(server.port());
  c.expect_next("Password:");
  c.send_line(kPassword);
  c.expect_next("Username:");
  c.send_line("not a valid name!");
  c.expect_next("! names are");
  c.expect_next("Username:");
  EXPECT_EQ(c.read_line(), "! Authentication timed out. Bye.");
  EXPECT_TRUE(c.closed_by_server());
}

TEST(LimitsAuthTimeout, FractionalTimeoutIsHonoured) {
  Server server(with_args({"--auth-timeout", "0.5"}));
  const auto connected = Clock::now();
  Client c(server.port());
  c.expect_next("Password:");
  EXPECT_EQ(c.read_line(), "! Authentication timed out. Bye.");
  EXPECT_GE(seconds_since(connected), 0.4);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(LimitsAuthTimeout, LoggedInClientIsNotDropped) {
  Server server(with_args({"--auth-timeout", "1"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  // Wait well past the timeout: nothing at all may arrive, and the connection stays open.
  EXPECT_EQ(alice.read_line(1500ms), std::nullopt);
  EXPECT_TRUE(alice.connected());
  EXPECT_TRUE(alice.sync().empty());
  bob.sync();
  alice.send_line("still here");
  EXPECT_EQ(strip_timestamp(bob.expect_next("<alice> still here")), "<alice> still here");
  EXPECT_EQ(server.log().find("auth timeout"), std::string::npos) << server.log();
}
