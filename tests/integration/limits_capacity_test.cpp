// Capacity: --max-clients and descriptor exhaustion refuse the excess at once, never hang or spin.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

ServerConfig with_args(std::vector<std::string> args) {
  ServerConfig config;
  config.args = std::move(args);
  return config;
}

std::uint16_t local_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Polls the server log until `needle` occurs at least `times` times.
bool wait_for_log_count(const Server& server, std::string_view needle, std::size_t times) {
  auto until = Clock::now() + kDeadline;
  while (count_of(server.log(), needle) < times) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// CPU time (user + system) a process has used, in seconds, from /proc/PID/stat.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// One of many raw connections: its first line, and whether the server closed it.
struct Probe {
  int fd = -1;
  std::string buffer;
  std::optional<std::string> first;
  bool closed = false;
  bool accepted() const { return first == "Password:" && !closed; }
  bool resolved() const { return closed || accepted(); }
};

// Opens `n` connections at once, then waits (one poll over all of them) until each either got
// the "Password:" prompt or was closed by the server.
std::vector<Probe> open_many(std::uint16_t port, int n) {
  std::vector<Probe> probes(static_cast<std::size_t>(n));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  for (auto& p : probes) {
    p.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(p.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) p.closed = true;  // refused outright
  }
  auto until = Clock::now() + kDeadline;
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Probe*> owners;
    for (auto& p : probes) {
      if (p.resolved()) continue;
      fds.push_back({p.fd, POLLIN, 0});
      owners.push_back(&p);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (fds.empty() || left <= 0) break;
    if (poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      Probe& p = *owners[i];
      char chunk[4096];
      ssize_t got = recv(p.fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        p.closed = true;
        continue;
      }
      p.buffer.append(chunk, static_cast<std::size_t>(got));
      auto nl = p.buffer.find('\n');
      if (!p.first && nl != std::string::npos) p.first = p.buffer.substr(0, nl);
    }
  }
  return probes;
}

void close_all(std::vector<Probe>& probes) {
  for (auto& p : probes) {
    if (p.fd >= 0) ::close(p.fd);
    p.fd = -1;
  }
}

// Opens 100 connections against a server limited to 64 descriptors, checks that each is
// either served or refused (none left hanging), that the server then idles, and that it
// serves new clients once most connections are gone.
void exhaust_and_recover(Server& server, bool require_full_message) {
  raise_own_descriptor_limit();
  constexpr int kConnections = 100;
  auto probes = open_many(server.port(), kConnections);

  // Idle now (or hanging, if something is wrong): the loop must not spin.
  const double cpu_before = cpu_seconds(server.pid());
  std::this_thread::sleep_for(1s);  // a measurement window, not a wait for an event
  const double cpu_after = cpu_seconds(server.pid());
  EXPECT_LT(cpu_after - cpu_before, 0.5) << "the server burned CPU while idle at its descriptor limit";

  int accepted = 0, refused = 0, told_full = 0, hanging = 0;
  for (auto& p : probes) {
    if (p.accepted()) {
      ++accepted;
    } else if (p.closed) {
      ++refused;
      if (p.first == "! Server full. Bye.") ++told_full;
      EXPECT_TRUE(!p.first || *p.first == "! Server full. Bye.") << "refused with: " << *p.first;
    } else {
      ++hanging;
    }
  }
  EXPECT_EQ(hanging, 0) << "connections neither served nor closed";
  EXPECT_GE(accepted, 1);
  EXPECT_LT(accepted, 64);
  EXPECT_EQ(accepted + refused, kConnections);
  if (require_full_message) {
    EXPECT_EQ(told_full, refused) << "every refused connection should be told the server is full";
  }
  ASSERT_TRUE(server.running()) << server.log();

  // Close all but three of the served connections; then newcomers are welcome again.
  const std::size_t disconnects_before = count_of(server.log(), "disconnect ");
  int kept = 0;
  std::size_t closed_served = 0;
  for (auto& p : probes) {
    if (p.accepted() && kept < 3) {
      ++kept;
      continue;
    }
    if (p.accepted()) ++closed_served;
    ::close(p.fd);
    p.fd = -1;
  }
  EXPECT_TRUE(wait_for_log_count(server, "disconnect ", disconnects_before + closed_served)) << server.log();

  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  bob.send_line("we are in");
  EXPECT_EQ(strip_timestamp(alice.expect_next("<bob> we are in")), "<bob> we are in");
  close_all(probes);
}

}  // namespace

TEST(LimitsCapacity, ConnectionBeyondMaxClientsIsRefusedAtOnce) {
  Server server(with_args({"--max-clients", "3"}));
  // Three connections in three states: all of them count.
  Client alice(server.port());
  alice.login("alice");
  Client at_password(server.port());
  at_password.expect_next("Password:");
  Client at_name(server.port());
  at_name.expect_next("Password:");
  at_name.send_line(kPassword);
  at_name.expect_next("Username:");

  Client fourth(server.port());
  EXPECT_EQ(fourth.read_line(), "! Server full. Bye.");
  EXPECT_TRUE(fourth.closed_by_server());
  EXPECT_TRUE(server.wait_for_log("server full")) << server.log();

  // The connections already there are undisturbed.
  EXPECT_TRUE(alice.sync().empty());
  at_name.send_line("carol");
  at_name.expect_next("* Welcome, carol!");
}

TEST(LimitsCapacity, PipelinedLoginBeyondMaxClientsStillReadsServerFull) {
  Server server(with_args({"--max-clients", "1"}));
  Client alice(server.port());
  alice.login("alice");
  Client eager(server.port());
  eager.send_raw(std::string(kPassword) + "\neager\nhello\n");  // before reading anything
  EXPECT_EQ(eager.read_line(), "! Server full. Bye.");
  EXPECT_TRUE(eager.closed_by_server());
  EXPECT_TRUE(alice.sync().empty()) << "alice heard from the refused client";
}

TEST(LimitsCapacity, SlotFreedByLeavingIsReused) {
  Server server(with_args({"--max-clients", "3"}));
  Client alice(server.port()), bob(server.port()), waiting(server.port());
  alice.login("alice");
  bob.login("bob");
  waiting.expect_next("Password:");
  {
    Client full(server.port());
    EXPECT_EQ(full.read_line(), "! Server full. Bye.");
  }

  // A logged-in client leaves...
  alice.send_line("@sair");
  alice.expect("* Bye, alice!");
  EXPECT_TRUE(alice.closed_by_server());
  alice.close();
  ASSERT_TRUE(server.wait_for_log("disconnect alice")) << server.log();
  // ...and a newcomer takes the slot.
  Client carol(server.port());
  carol.login("carol");
  bob.expect("* carol joined the chat");

  // An unauthenticated one leaves: its slot is free as well.
  const std::string waiting_addr = "127.0.0.1:" + std::to_string(local_port(waiting.fd()));
  waiting.close();
  ASSERT_TRUE(server.wait_for_log("disconnect " + waiting_addr)) << server.log();
  Client dave(server.port());
  dave.login("dave");

  Client full_again(server.port());
  EXPECT_EQ(full_again.read_line(), "! Server full. Bye.");
  EXPECT_TRUE(full_again.closed_by_server());
}

TEST(LimitsCapacity, DescriptorLimitCapsClientsWithoutMaxClients) {
  ServerConfig config;
  config.descriptor_limit = 64;
  Server server(config);
  exhaust_and_recover(server, /*require_full_message=*/true);
}

TEST(LimitsCapacity, RunningOutOfDescriptorsNeitherHangsNorSpins) {
  // --max-clients above what 64 descriptors allow: accept() itself fails with EMFILE.
  ServerConfig config;
  config.args = {"--max-clients", "1000"};
  config.descriptor_limit = 64;
  Server server(config);
  exhaust_and_recover(server, /*require_full_message=*/false);
}

TEST(LimitsCapacity, RunningOutOfDescriptorsWithThePollBackend) {
  ServerConfig config;
  config.args = {"--max-clients", "1000", "--backend", "poll"};
  config.descriptor_limit = 64;
  Server server(config);
  exhaust_and_recover(server, /*require_full_message=*/false);
}
