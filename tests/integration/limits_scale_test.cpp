// Scale: a thousand concurrent clients all get a broadcast; a 1 MiB unterminated line disturbs nobody.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// One of many clients driven from a single poll loop.
struct Peer {
  int fd = -1;
  std::string name;
  std::string buffer;
  bool saw_welcome = false;  // saw its own "* Welcome, name!"
  bool welcomed = false;     // ...and the command list after it
  bool saw_join = false;    // saw "* sender joined the chat"
  bool got = false;         // saw the broadcast
  bool closed = false;
};

// One poll loop over all peers: reads what is ready on every peer not yet done, hands each
// complete line to on_line, until done(peer) holds for all or the deadline passes.
// Returns how many peers are not done.
template <class OnLine, class Done>
std::size_t pump(std::vector<Peer>& peers, Duration deadline, OnLine on_line, Done done) {
  auto until = Clock::now() + deadline;
  std::vector<pollfd> fds;
  std::vector<Peer*> owners;
  for (;;) {
    fds.clear();
    owners.clear();
    for (auto& p : peers) {
      if (p.closed || done(p)) continue;
      fds.push_back({p.fd, POLLIN, 0});
      owners.push_back(&p);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (fds.empty() || left <= 0) break;
    if (poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      Peer& p = *owners[i];
      char chunk[65536];
      ssize_t n = recv(p.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        p.closed = true;
        continue;
      }
      if (n < 0) continue;
      p.buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t at = 0;
      for (auto nl = p.buffer.find('\n'); nl != std::string::npos; nl = p.buffer.find('\n', at)) {
        on_line(p, std::string_view(p.buffer).substr(at, nl - at));
        at = nl + 1;
      }
      p.buffer.erase(0, at);
    }
  }
  std::size_t waiting = 0;
  for (auto& p : peers) waiting += !done(p);
  return waiting;
}

}  // namespace

TEST(LimitsScale, ThousandClientsAllReceiveABroadcast) {
  constexpr int kClients = 1000;
  raise_own_descriptor_limit();
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2 * kClients + 100) GTEST_SKIP() << "descriptor limit " << lim.rlim_cur << " is too low";
  Server server;
  std::vector<Peer> peers(kClients);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  char name[16];
  for (int i = 0; i < kClients; ++i) {
    Peer& p = peers[static_cast<std::size_t>(i)];
    std::snprintf(name, sizeof name, "user%04d", i);
    p.name = name;
    p.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(p.fd, 0) << std::strerror(errno);
    ASSERT_EQ(connect(p.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
        << "client " << i << ": " << std::strerror(errno);
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
  for (auto& p : peers) closed += p.closed;
  EXPECT_EQ(closed, 0u);
  EXPECT_TRUE(sender.sync().empty());
  for (auto& p : peers) ::close(p.fd);
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
  mallory.send_raw(std::string(512 * 1024, 'x'));
  alice.send_line("first");
  mallory.send_raw(std::string(512 * 1024, 'y'));
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
