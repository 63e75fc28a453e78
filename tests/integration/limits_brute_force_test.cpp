// Brute force: five wrong passwords from one address lock that address (and only it) out.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

void fail_password(std::uint16_t port, int attempt) {
  Client c(port);
  c.expect_next("Password:");
  c.send_line("wrong-guess-" + std::to_string(attempt));
  EXPECT_EQ(c.read_line(), "! Wrong password. Bye.") << "attempt " << attempt;
  EXPECT_TRUE(c.closed_by_server()) << "attempt " << attempt;
}

}  // namespace

TEST(LimitsBruteForce, FiveWrongPasswordsLockTheAddressOut) {
  Server server;
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);

  // The sixth connection is told at once, before any prompt, and closed.
  Client locked(server.port());
  EXPECT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(locked.closed_by_server());

  // Still locked for the next one, too.
  Client again(server.port());
  EXPECT_EQ(again.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(again.closed_by_server());

  EXPECT_TRUE(server.wait_for_log("127.0.0.1")) << server.log();
  EXPECT_NE(server.log().find("locking out 127.0.0.1"), std::string::npos) << server.log();
}

TEST(LimitsBruteForce, LockedOutAddressCannotLogInEvenWithTheRightPassword) {
  Server server;
  Client alice(server.port());
  alice.login("alice");
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);
  Client eager(server.port());
  eager.send_raw(std::string(kPassword) + "\nmallory\nhello\n");  // pipelined, before any prompt
  EXPECT_EQ(eager.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(eager.closed_by_server());
  EXPECT_TRUE(alice.sync().empty()) << "the locked-out client got into the room";
  // Whoever was already in stays in.
  EXPECT_TRUE(alice.connected());
}

TEST(LimitsBruteForce, OtherAddressIsNotLockedOut) {
  Server server;
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);
  Client locked(server.port());
  ASSERT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");

  Client other(server.port(), {.source = "127.0.0.2"});
  EXPECT_EQ(other.read_line(), "Password:");
  other.send_line(kPassword);
  EXPECT_EQ(other.read_line(), "Username:");
  other.send_line("dave");
  auto welcome = other.read_line();
  ASSERT_TRUE(welcome);
  EXPECT_NE(welcome->find("* Welcome, dave!"), std::string::npos) << *welcome;
}

TEST(LimitsBruteForce, FourWrongPasswordsDoNotLockOut) {
  Server server;
  for (int i = 1; i <= 4; ++i) fail_password(server.port(), i);
  Client alice(server.port());
  alice.login("alice");
  EXPECT_TRUE(alice.sync().empty());
  EXPECT_EQ(server.log().find("locking out"), std::string::npos) << server.log();
}

TEST(LimitsBruteForce, FailuresFromAnotherAddressDoNotCountAgainstThisOne) {
  Server server;
  for (int i = 1; i <= 5; ++i) {
    Client c(server.port(), {.source = "127.0.0.3"});
    ASSERT_EQ(c.read_line(), "Password:");
    c.send_line("wrong-guess");
    EXPECT_EQ(c.read_line(), "! Wrong password. Bye.");
    EXPECT_EQ(c.read_line(), std::nullopt);
  }
  Client locked(server.port(), {.source = "127.0.0.3"});
  EXPECT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");
  Client alice(server.port());
  alice.login("alice");
}
