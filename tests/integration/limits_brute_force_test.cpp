// Brute force: five wrong passwords from one address lock that address (and only it) out,
// on connections opened before the lock-out too: at most five guesses are ever compared.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <csignal>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "harness.h"
#include "many_connections.h"

using namespace harness;

namespace {

void fail_password(std::uint16_t port, int attempt) {
  Client c(port);
  c.expect_next("Password:");
  c.send_line("wrong-guess-" + std::to_string(attempt));
  EXPECT_EQ(c.read_line(), "! Wrong password. Bye.") << "attempt " << attempt;
  EXPECT_TRUE(c.closed_by_server()) << "attempt " << attempt;
}

const std::string kLockedOut = "! Too many failed attempts; try again later.";

// One of many connections opened before any guess: every line it got.
struct Guesser : Connection {
  std::vector<std::string> lines;
};

// Opens `n` connections from 127.0.0.1 and waits until each shows the Password: prompt.
std::vector<Guesser> open_at_password(std::uint16_t port, std::size_t n) {
  raise_own_descriptor_limit();
  std::vector<Guesser> all(n);
  for (auto& g : all) g.fd = connect_to(port);
  std::size_t waiting = pump(
      all, kDeadline, [](Guesser& g, std::string_view line) { g.lines.emplace_back(line); },
      [](const Guesser& g) { return !g.lines.empty(); });
  EXPECT_EQ(waiting, 0u) << "connections that never got a prompt";
  for (const auto& g : all) EXPECT_EQ(g.lines, std::vector<std::string>{"Password:"});
  return all;
}

// The attack: `n` connections opened first, all at Password:; then all but the last
// send a wrong guess at once, then the last one the right password. The lock-out must hold
// on connections opened before it: five guesses are compared, every later one (the right
// password too) is refused with the lock-out line.
void guess_on_preopened_connections(Server& server, std::size_t n) {
  std::vector<Guesser> all = open_at_password(server.port(), n);
  ASSERT_FALSE(::testing::Test::HasFailure()) << server.log();
  Guesser last = all.back();
  all.pop_back();
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::string guess = "wrong-guess-" + std::to_string(i) + "\n";
    ASSERT_EQ(::send(all[i].fd, guess.data(), guess.size(), MSG_NOSIGNAL), static_cast<ssize_t>(guess.size()));
  }
  pump(
      all, kDeadline, [](Guesser& g, std::string_view line) { g.lines.emplace_back(line); },
      [](const Guesser&) { return false; });
  std::size_t evaluated = 0, locked = 0;
  for (const auto& g : all) {
    EXPECT_TRUE(g.closed) << "a guesser was not closed";
    ASSERT_EQ(g.lines.size(), 2u) << g.lines.back();
    evaluated += g.lines[1] == "! Wrong password. Bye.";
    locked += g.lines[1] == kLockedOut;
  }
  EXPECT_EQ(evaluated, 5u) << "guesses compared from one address";
  EXPECT_EQ(locked, all.size() - 5);
  ASSERT_TRUE(server.wait_for_log("locking out 127.0.0.1")) << server.log();
  EXPECT_EQ(count_of(server.log(), "auth failed"), 5u) << server.log();

  // The right password, on a connection opened before the lock-out: refused all the same.
  std::string right = std::string(kPassword) + "\nmallory\n";
  ASSERT_EQ(::send(last.fd, right.data(), right.size(), MSG_NOSIGNAL), static_cast<ssize_t>(right.size()));
  std::vector<Guesser> one{last};
  pump(
      one, kDeadline, [](Guesser& g, std::string_view line) { g.lines.emplace_back(line); },
      [](const Guesser&) { return false; });
  EXPECT_EQ(one[0].lines, (std::vector<std::string>{"Password:", kLockedOut}));
  EXPECT_TRUE(one[0].closed);
  EXPECT_EQ(server.log().find("auth ok"), std::string::npos) << server.log();
  close_all(one);
  close_all(all);
}

}  // namespace

TEST(LimitsBruteForce, ConnectionsOpenedBeforeTheLockOutGetNoMoreGuesses) {
  Server server(with_args({"--max-per-ip", "64"}));  // the default, set explicitly
  guess_on_preopened_connections(server, 64);
}

TEST(LimitsBruteForce, WithoutAPerAddressLimitStillOnlyFiveGuesses) {
  Server server(with_args({"--max-per-ip", "0"}));
  guess_on_preopened_connections(server, 300);
}

// A locked-out address that is also at its --max-per-ip is told the reason that matters:
// it is locked out (waiting for a free slot would not help it).
TEST(LimitsBruteForce, LockedOutAddressAtItsPerIpLimitIsToldItIsLockedOut) {
  TempFile config("max-per-ip = 6\n");
  Server server(with_args({"--config", config.path}));
  Client alice(server.port());
  alice.login("alice");
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);
  // Now alice alone is the limit: 127.0.0.1 is locked out and at its per-address limit.
  std::ofstream(config.path, std::ios::trunc) << "max-per-ip = 1\n";
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("changed max-per-ip")) << server.log();
  Client late(server.port());
  EXPECT_EQ(late.read_line(), kLockedOut);
  EXPECT_TRUE(late.closed_by_server());
  EXPECT_EQ(server.log().find("too many connections from"), std::string::npos) << server.log();
}

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
