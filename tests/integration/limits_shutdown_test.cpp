// SIGTERM/SIGINT: everyone is told, output is flushed (bounded even for a non-reader), exit 0.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// Waits (polling waitpid through the harness) until the server exits on its own.
bool exited_within(Server& server, Duration deadline) {
  auto until = Clock::now() + deadline;
  while (server.running()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

void shutdown_on(int signo, const char* name) {
  Server server;
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  Client pending(server.port());  // not logged in yet
  pending.expect_next("Password:");

  ASSERT_EQ(::kill(server.pid(), signo), 0);
  for (Client* c : {&alice, &bob}) {
    auto lines = c->read_until_closed();
    ASSERT_EQ(lines.size(), 1u) << "expected only the shutdown notice before EOF";
    EXPECT_TRUE(has_timestamp(lines[0])) << lines[0];
    EXPECT_EQ(strip_timestamp(lines[0]), "* Server is shutting down");
    c->close();
  }
  EXPECT_EQ(pending.read_until_closed(), std::vector<std::string>{"* Server is shutting down"});
  pending.close();

  ASSERT_TRUE(exited_within(server, kDeadline)) << "server still running after " << name << "\n" << server.log();
  EXPECT_EQ(server.stop(signo), 0) << server.log();  // already exited: just its status
  EXPECT_NE(server.log().find(std::string("shutting down (") + name + ")"), std::string::npos) << server.log();
}

}  // namespace

TEST(LimitsShutdown, SigtermTellsEveryoneAndExitsZero) { shutdown_on(SIGTERM, "SIGTERM"); }

TEST(LimitsShutdown, SigintTellsEveryoneAndExitsZero) { shutdown_on(SIGINT, "SIGINT"); }

TEST(LimitsShutdown, NonReadingClientDoesNotHoldUpTheExit) {
  // bob never reads; megabytes wait for him in the server (the large --max-queue keeps him
  // connected). The flush at shutdown is bounded, so the server still exits promptly.
  Server server(with_args({"--rate", "0", "--max-queue", "67108864"}));
  Client alice(server.port());
  alice.login("alice");

  Client bob(server.port(), {.rcvbuf = 4096});
  ASSERT_TRUE(bob.connected());
  bob.send_raw(std::string(kPassword) + "\nbob\n");  // pipelined; bob reads nothing from here on
  alice.expect("* bob joined the chat");

  const std::string line = "filler " + std::string(1000, 'f') + "\n";
  std::string chunk;
  for (int i = 0; i < 64; ++i) chunk += line;
  for (int i = 0; i < 128; ++i) alice.send_raw(chunk);  // 8 MiB for bob
  EXPECT_TRUE(alice.sync().empty());                    // all of it has been processed

  const auto signalled = Clock::now();
  EXPECT_EQ(server.stop(SIGTERM, 8s), 0) << "the server did not exit within 8 s\n" << server.log();
  const double took = std::chrono::duration<double>(Clock::now() - signalled).count();
  EXPECT_LT(took, 8.0);
  // alice, who reads, still got her notice.
  auto lines = alice.read_until_closed();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(strip_timestamp(lines[0]), "* Server is shutting down");
}
