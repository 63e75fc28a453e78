// Scale: a thousand concurrent clients all get a broadcast; a 1 MiB unterminated line disturbs nobody.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "harness.h"
#include "many_connections.h"

using namespace harness;

namespace {

// One of many clients driven from a single poll loop.
struct Peer : Connection {
  std::string name;
  bool saw_welcome = false;  // saw its own "* Welcome, name!"
  bool welcomed = false;     // ...and the command list after it
  bool saw_join = false;     // saw "* sender joined the chat"
  bool got = false;          // saw the broadcast
};

}  // namespace

TEST(LimitsScale, ThousandClientsAllReceiveABroadcast) {
  constexpr int kClients = 1000;
  raise_own_descriptor_limit();
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * kClients + 100) GTEST_SKIP() << "descriptor limit " << lim.rlim_cur << " is too low";
  Server server;
  std::vector<Peer> peers(kClients);
  for (int i = 0; i < kClients; ++i) {
    Peer& p = peers[static_cast<std::size_t>(i)];
    p.name = numbered("user", static_cast<std::size_t>(i), 4);
    p.fd = connect_to(server.port());
    ASSERT_GE(p.fd, 0) << "client " << i << ": " << std::strerror(errno);
    std::string login = std::string(kPassword) + "\n" + p.name + "\n";  // pipelined
    ASSERT_EQ(send(p.fd, login.data(), login.size(), MSG_NOSIGNAL), static_cast<ssize_t>(login.size()));
  }

  std::size_t not_welcomed = pump(
      peers, 60s,
      [](Peer& p, std::string_view line) {
        std::string_view body = strip_timestamp(line);
        if (p.saw_welcome && body.starts_with("* Commands:")) p.welcomed = true;
        if (body.starts_with("* Welcome, " + p.name + "!")) p.saw_welcome = true;
      },
      [](const Peer& p) { return p.welcomed; });
  ASSERT_EQ(not_welcomed, 0u) << "clients not logged in; server log:\n" << server.log().substr(0, 4000);

  Client sender(server.port());
  sender.login("sender");
  sender.send_line("hello, all thousand of you");
  std::size_t missing = pump(
      peers, 60s,
      [](Peer& p, std::string_view line) {
        std::string_view body = strip_timestamp(line);
        if (body == "* sender joined the chat") p.saw_join = true;
        if (body == "<sender> hello, all thousand of you") p.got = p.saw_join;  // in order
      },
      [](const Peer& p) { return p.got; });
  EXPECT_EQ(missing, 0u) << "clients that did not get the broadcast (after the join notice)";
  std::size_t closed = 0;
  for (const auto& p : peers) closed += p.closed;
  EXPECT_EQ(closed, 0u);
  EXPECT_TRUE(sender.sync().empty());
  close_all(peers);
}

TEST(LimitsScale, MegabyteLineWithoutNewlineDisturbsNobody) {
  Server server;
  Client alice(server.port()), bob(server.port()), mallory(server.port());
  alice.login("alice");
  bob.login("bob");
  mallory.login("mallory");
  bob.sync();
  alice.sync();

  // mallory sends 1 MiB with no line end, in two halves; alice talks in between.
  mallory.send_raw(std::string(std::size_t{512} * 1024, 'x'));
  alice.send_line("first");
  mallory.send_raw(std::string(std::size_t{512} * 1024, 'y'));
  alice.send_line("second");
  EXPECT_EQ(strip_timestamp(bob.expect_next("<alice> first")), "<alice> first");
  EXPECT_EQ(strip_timestamp(bob.expect_next("<alice> second")), "<alice> second");

  // The line ends; mallory's connection still works and her next line goes through.
  mallory.send_raw("\nback to normal\n");
  EXPECT_EQ(strip_timestamp(bob.expect_next("<mallory> back to normal")), "<mallory> back to normal");
  EXPECT_TRUE(bob.sync().empty());

  auto seen = mallory.sync();
  int too_long = 0;
  for (const auto& l : seen) {
    std::string_view body = strip_timestamp(l);
    if (body == "! line too long (max 4096 bytes)") {
      ++too_long;
    } else {
      EXPECT_TRUE(body == "<alice> first" || body == "<alice> second") << l;
    }
  }
  EXPECT_EQ(too_long, 1) << "mallory should be told once about her over-long line";
  auto alice_saw = alice.sync();
  ASSERT_EQ(alice_saw.size(), 1u);
  EXPECT_EQ(strip_timestamp(alice_saw[0]), "<mallory> back to normal");
}
