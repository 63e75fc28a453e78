// Capacity: --max-clients and descriptor exhaustion refuse the excess at once, never hang or spin.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "many_connections.h"
#include "process_stats.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// Polls the server log until `needle` occurs at least `times` times.
bool wait_for_log_count(const Server& server, std::string_view needle, std::size_t times) {
  auto until = Clock::now() + kDeadline;
  while (count_of(server.log(), needle) < times) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// One of many raw connections: its first line, and whether the server closed it.
struct Probe : Connection {
  std::optional<std::string> first;
  bool accepted() const { return first == "Password:" && !closed; }
};

// Opens `n` connections at once, then waits (one poll over all of them) until each either got
// the "Password:" prompt or was closed by the server.
std::vector<Probe> open_many(std::uint16_t port, int n) {
  std::vector<Probe> probes(static_cast<std::size_t>(n));
  for (auto& p : probes) {
    p.fd = connect_to(port);
    if (p.fd < 0) p.closed = true;  // refused outright
  }
  pump(
      probes, kDeadline,
      [](Probe& p, std::string_view line) {
        if (!p.first) p.first = std::string(line);
      },
      [](const Probe& p) { return p.accepted(); });
  return probes;
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
    if (p.fd >= 0) ::close(p.fd);
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
