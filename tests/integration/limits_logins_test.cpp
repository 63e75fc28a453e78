// Logins in progress (connections not yet chatting) cannot keep out people who know the
// password: they are capped per address (--max-unauthenticated-per-ip) and in total
// (--max-unauthenticated); at the total cap a newcomer evicts the oldest login of the
// address holding the most. The attack of the hardening issue, reproduced: silent
// connections reopened as fast as they are closed, from two addresses.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

const std::string kEvicted = "! Server busy; please reconnect. Bye.";

// Keeps up to `per_address` silent connections open from each source address, reopening
// each one the server closes (at most one reopening per address per millisecond, so the
// loop is bounded), until stopped. Counts the ones sitting at the Password: prompt.
class SilentFlood {
 public:
  SilentFlood(std::uint16_t port, std::vector<std::string> sources, std::size_t per_address)
      : port_(port), sources_(std::move(sources)), per_address_(per_address), thread_([this] { run(); }) {}
  ~SilentFlood() {
    stop_ = true;
    thread_.join();
  }
  SilentFlood(const SilentFlood&) = delete;
  SilentFlood& operator=(const SilentFlood&) = delete;

  // Connections that got the prompt and are still open.
  std::size_t at_prompt() const { return at_prompt_; }
  std::size_t reopened() const { return reopened_; }
  // Waits until at least `n` connections sit at the prompt.
  bool wait_for_prompts(std::size_t n, Duration deadline = kDeadline) const {
    auto until = Clock::now() + deadline;
    while (at_prompt_ < n) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
  // Waits until the flood has opened at least `n` connections in all (so it was refused or
  // evicted and came back): on a fast machine the ten logins can end before that.
  bool wait_for_reopened(std::size_t n, Duration deadline = kDeadline) const {
    auto until = Clock::now() + deadline;
    while (reopened_ < n) {
      if (Clock::now() > until) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

 private:
  struct Socket {
    int fd = -1;
    std::size_t source = 0;
    bool prompted = false;
  };
  void run() {
    std::vector<Socket> open;
    std::vector<std::size_t> count(sources_.size(), 0);
    auto stop_by = Clock::now() + 120s;  // bounded even if the test never stops it
    while (!stop_ && Clock::now() < stop_by) {
      for (std::size_t s = 0; s < sources_.size(); ++s) {
        if (count[s] >= per_address_) continue;
        int fd = connect_to(port_, {.source = sources_[s].c_str()});
        if (fd < 0) continue;
        open.push_back({fd, s, false});
        ++count[s];
        ++reopened_;
      }
      std::vector<pollfd> fds;
      fds.reserve(open.size());
      for (const Socket& k : open) fds.push_back({k.fd, POLLIN, 0});
      poll(fds.data(), fds.size(), 1);
      std::size_t prompts = 0;
      for (std::size_t i = fds.size(); i-- > 0;) {
        Socket& k = open[i];
        if (fds[i].revents) {
          char chunk[4096];
          ssize_t n = recv(k.fd, chunk, sizeof chunk, MSG_DONTWAIT);
          if (n > 0) {
            k.prompted |= std::string_view(chunk, static_cast<std::size_t>(n)).starts_with("Password:");
          } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            ::close(k.fd);
            --count[k.source];
            open.erase(open.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
          }
        }
        prompts += k.prompted;
      }
      at_prompt_ = prompts;
    }
    for (const Socket& k : open) ::close(k.fd);
  }

  std::uint16_t port_;
  std::vector<std::string> sources_;
  std::size_t per_address_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> at_prompt_{0};
  std::atomic<std::size_t> reopened_{0};
  std::thread thread_;
};

// Ten tries from 127.0.0.4 while the flood is on: each must reach Username: and log in.
void log_in_ten_times_during(Server& server, SilentFlood& flood, std::size_t flood_holds) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(flood.wait_for_prompts(flood_holds)) << "the flood holds only " << flood.at_prompt();
    Client c(server.port(), {.source = "127.0.0.4"});
    EXPECT_EQ(c.read_line(), "Password:") << "try " << i;
    c.send_line(kPassword);
    EXPECT_EQ(c.read_line(), "Username:") << "try " << i;
    std::string name = "person" + std::to_string(i);
    c.send_line(name);
    EXPECT_NE(c.expect_next("* Welcome, " + name + "!"), "") << "try " << i;
    c.send_line("@sair");
    EXPECT_TRUE(c.closed_by_server());
  }
}

}  // namespace

// The defaults against the attack: with at most 8 logins per address, two addresses
// hold 16 of 32 places, and a third address always gets in.
TEST(LimitsLogins, SilentFloodFromTwoAddressesCannotKeepOthersOut) {
  raise_own_descriptor_limit();
  Server server(with_args({"--max-clients", "32", "--max-unauthenticated-per-ip", "8"}));
  SilentFlood flood(server.port(), {"127.0.0.2", "127.0.0.3"}, 40);
  log_in_ten_times_during(server, flood, 16);
  EXPECT_TRUE(flood.wait_for_reopened(81)) << "the flood was not reopening: " << flood.reopened();
  EXPECT_TRUE(server.wait_for_log("too many connections logging in from 127.0.0.2 (limit 8)")) << server.log();
}

// Without a per-address cap, eviction alone must do: the flood's every new connection evicts
// one of the flood's own (its addresses hold the most), never the newcomer from elsewhere.
TEST(LimitsLogins, EvictionFallsOnTheFloodNotOnTheNewcomer) {
  raise_own_descriptor_limit();
  Server server(with_args({"--max-clients", "32", "--max-unauthenticated", "16", "--max-unauthenticated-per-ip", "0"}));
  SilentFlood flood(server.port(), {"127.0.0.2", "127.0.0.3"}, 40);
  log_in_ten_times_during(server, flood, 15);
  EXPECT_TRUE(server.wait_for_log("evicted 127.0.0.2")) << server.log();
  EXPECT_TRUE(lines_with(server.log(), {"evicted 127.0.0.4"}).empty()) << server.log();
}

TEST(LimitsLogins, LoginsBeyondThePerAddressCapAreRefused) {
  Server server(with_args({"--max-unauthenticated-per-ip", "2"}));
  Client a(server.port()), b(server.port());
  a.expect_next("Password:");
  b.expect_next("Password:");
  Client c(server.port());
  EXPECT_EQ(c.read_line(), "! Too many connections still logging in from your address (limit 2); try again later.");
  EXPECT_TRUE(c.closed_by_server());
  // Another address has its own count; one that logs in frees its place.
  Client other(server.port(), {.source = "127.0.0.2"});
  other.login("olga");
  a.send_line(kPassword);
  a.expect_next("Username:");  // still logging in: no place yet
  Client d(server.port());
  EXPECT_EQ(d.read_line(), "! Too many connections still logging in from your address (limit 2); try again later.");
  a.send_line("alice");
  a.expect_next("* Welcome, alice!");
  Client e(server.port());
  e.login("erin");
}

TEST(LimitsLogins, AtTheTotalCapTheOldestOfTheBusiestAddressIsEvicted) {
  Server server(with_args({"--max-clients", "10", "--max-unauthenticated", "3"}));
  Client alice(server.port());
  alice.login("alice");  // chatting: not a login in progress
  Client lone(server.port(), {.source = "127.0.0.2"});
  lone.expect_next("Password:");
  Client busy1(server.port(), {.source = "127.0.0.3"}), busy2(server.port(), {.source = "127.0.0.3"});
  busy1.expect_next("Password:");
  busy2.expect_next("Password:");

  Client newcomer(server.port(), {.source = "127.0.0.4"});
  EXPECT_EQ(newcomer.read_line(), "Password:");
  EXPECT_EQ(busy1.read_line(), kEvicted);
  EXPECT_TRUE(busy1.closed_by_server());
  newcomer.send_line(kPassword);
  newcomer.expect_next("Username:");
  newcomer.send_line("nina");
  newcomer.expect_next("* Welcome, nina!");
  lone.send_line(kPassword);  // the oldest of all, but alone at its address: untouched
  lone.expect_next("Username:");
  EXPECT_TRUE(alice.sync().size() == 1u) << "alice hears nina join, nothing else";
  EXPECT_TRUE(server.wait_for_log("evicted 127.0.0.3")) << server.log();
}

// --max-clients keeps its contract: when the server is full and logins are below their cap,
// the newcomer is refused, not let in at someone's expense.
TEST(LimitsLogins, FullServerWithLoginsBelowTheirCapStillRefuses) {
  Server server(with_args({"--max-clients", "3", "--max-unauthenticated", "2"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  Client pending(server.port());
  pending.expect_next("Password:");
  Client fourth(server.port());
  EXPECT_EQ(fourth.read_line(), "! Server full. Bye.");
  pending.send_line(kPassword);
  pending.expect_next("Username:");
}
