// chat-swarm end to end: every scenario against the real server with exact counts, failures
// counted by cause, and a deliberately broken fake server proving that loss, duplication,
// reordering and corruption are detected. Deadlines are generous limits, never speed checks.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "harness.h"
#include "swarm_run.h"

#ifdef CHAT_SWARM_PATH

using namespace harness;

namespace {

constexpr Duration kSwarmDeadline = 60s;

SwarmRun swarm(std::uint16_t port, std::vector<std::string> args) {
  args.insert(args.begin(), {"--drain-timeout", "10"});
  return run_swarm(CHAT_SWARM_PATH, port, args, kSwarmDeadline);
}

ServerConfig unlimited() { return with_args({"--rate", "0"}); }

}  // namespace

// ---- against the real server: exact counts -----------------------------------------------

TEST(Swarm, FanoutDeliversEveryMessageToEveryoneElse) {
  raise_own_descriptor_limit();
  Server server(unlimited());
  SwarmRun r = swarm(server.port(), {"--scenario", "fanout", "--clients", "300", "--senders", "5", "--messages", "200",
                                     "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.number("connected"), 300);
  EXPECT_EQ(r.number("ready"), 300);
  EXPECT_EQ(r.number("sent"), 200);
  EXPECT_EQ(r.number("expected"), 200 * 299);
  EXPECT_EQ(r.number("delivered"), 200 * 299);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("duplicates"), 0);
  EXPECT_EQ(r.number("reordered"), 0);
  EXPECT_EQ(r.number("unexpected"), 0);
  EXPECT_EQ(r.number("corrupted"), 0);
  EXPECT_EQ(r.number("error_total"), 0);
  EXPECT_NE(r.json.find("\"delivery\": {\"count\": 59800,"), std::string::npos) << r.json;
  EXPECT_NE(r.process.out.find("RESULT: PASS"), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.err.find("connected"), std::string::npos);  // progress lines
}

TEST(Swarm, ChatterEveryoneTalks) {
  Server server(unlimited());
  SwarmRun r = swarm(server.port(),
                     {"--scenario", "chatter", "--clients", "100", "--messages", "300", "--rate", "600", "--pipeline"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("senders"), 100);
  EXPECT_EQ(r.number("sent"), 300);
  EXPECT_EQ(r.number("expected"), 300 * 99);
  EXPECT_EQ(r.number("delivered"), 300 * 99);
  EXPECT_EQ(r.number("lost"), 0);
}

TEST(Swarm, PrivatePairsGetEachMessageAndItsEcho) {
  Server server(unlimited());
  SwarmRun r = swarm(server.port(), {"--scenario", "private", "--clients", "200", "--messages", "400", "--rate", "800",
                                     "--size", "200"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("senders"), 200);
  EXPECT_EQ(r.number("sent"), 400);
  EXPECT_EQ(r.number("expected"), 800);  // 400 to the partners, 400 echoes to the senders
  EXPECT_EQ(r.number("delivered"), 800);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("unexpected"), 0);
}

TEST(Swarm, ChurnLosesNothingWhileBotsComeAndGo) {
  Server server(unlimited());
  SwarmRun r = swarm(server.port(),
                     {"--scenario", "churn", "--clients", "200", "--duration", "3", "--rate", "300", "--seed", "4"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  expect_clean_churn(r);
  // The server saw both kinds of departure.
  std::string log = server.log();
  EXPECT_NE(log.find(": quit"), std::string::npos);
  EXPECT_NE(log.find(": EOF"), std::string::npos);
}

TEST(Swarm, LoginStormCountsExactLogins) {
  Server server(unlimited());
  SwarmRun r = swarm(server.port(), {"--scenario", "login-storm", "--clients", "50", "--logins", "500"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("logins"), 500);
  EXPECT_EQ(r.number("connect_attempts"), 500);
  EXPECT_EQ(r.number("failed"), 0);
  EXPECT_GT(r.number("login_rate"), 0);
  EXPECT_NE(r.json.find("\"login_latency_ns\": {\"count\": 500,"), std::string::npos) << r.json;
}

TEST(Swarm, SpreadsConnectionsOverSourceAddresses) {
  Server server(unlimited());
  SwarmRun r = swarm(server.port(), {"--clients", "40", "--senders", "2", "--messages", "20", "--rate", "200",
                                     "--source-ips", "127.0.0.1-127.0.0.4", "--connect-rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("expected"), 20 * 39);
  EXPECT_EQ(r.number("lost"), 0);
  std::string log = server.log();
  for (const char* ip : {"connect 127.0.0.2:", "connect 127.0.0.3:", "connect 127.0.0.4:"})
    EXPECT_NE(log.find(ip), std::string::npos) << ip;
}

// ---- failures are counted by cause, never dropped ----------------------------------------

TEST(Swarm, RefusedConnectionsAreCountedWithTheirErrno) {
  SwarmRun r = swarm(unused_port(), {"--clients", "7", "--messages", "5", "--ready-timeout", "10"});
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.number("connect: ECONNREFUSED (Connection refused)"), 7) << r.json;
  EXPECT_EQ(r.number("failed"), 7);
  EXPECT_NE(r.process.out.find("RESULT: FAIL"), std::string::npos);
  EXPECT_NE(r.process.out.find("ECONNREFUSED"), std::string::npos);
}

TEST(Swarm, RunningOutOfDescriptorsIsCountedPerConnection) {
  Server server(unlimited());
  TempFile json;
  // A hard limit of 64 descriptors: the swarm cannot raise it, so some sockets fail.
  std::string command = "ulimit -n 64 && exec " + std::string(CHAT_SWARM_PATH) + " --port " +
                        std::to_string(server.port()) + " --password " + kPassword +
                        " --clients 100 --messages 10 --quiet --json " + json.path;
  Process p = run_process({"/bin/sh", "-c", command}, {}, kSwarmDeadline);
  SwarmRun r{p, read_file(json.path)};
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_NE(r.process.err.find("descriptors"), std::string::npos) << r.process.err;
  long long failed = r.number("failed");
  EXPECT_GT(failed, 0);
  EXPECT_EQ(r.number("connect: EMFILE (out of descriptors; 8 kept for the swarm itself)"), failed) << r.json;
  EXPECT_EQ(r.number("connect_attempts"), 100);
  EXPECT_EQ(r.number("connected") + failed, 100);  // every connection accounted for
  EXPECT_EQ(r.number("lost"), 0);                  // the ones that got in were served
}

TEST(Swarm, ServerFullIsAFailureWithTheServersReason) {
  ServerConfig config = unlimited();
  config.args.insert(config.args.end(), {"--max-clients", "50"});
  Server server(config);
  SwarmRun r = swarm(server.port(), {"--clients", "80", "--messages", "10", "--quiet", "--ready-timeout", "20"});
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("refused: Server full. Bye."), 30) << r.json;
  EXPECT_EQ(r.number("failed"), 30);
  EXPECT_EQ(r.number("ready"), 50);
  EXPECT_EQ(r.number("expected"), 10 * 49);  // the 50 that got in still hear everything
  EXPECT_EQ(r.number("lost"), 0);
}

TEST(Swarm, WrongPasswordIsAFailureWithTheServersReason) {
  Server server(unlimited());
  TempFile json;
  Process p = run_process({CHAT_SWARM_PATH, "--port", std::to_string(server.port()), "--password", "wrong", "--clients",
                           "3", "--messages", "3", "--json", json.path},
                          {}, kSwarmDeadline);
  SwarmRun r{p, read_file(json.path)};
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("refused: Wrong password. Bye."), 3) << r.json;
  EXPECT_NE(r.process.out.find("only 0 of 3 clients"), std::string::npos) << r.process.out;
}

TEST(Swarm, BadFlagsExitTwo) {
  Process p = run_process({CHAT_SWARM_PATH, "--rate", "0"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find("--rate"), std::string::npos);
  Process help = run_process({CHAT_SWARM_PATH, "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--scenario"), std::string::npos);
}

// ---- a deliberately broken server --------------------------------------------------------

namespace {

// A tiny chat server in a thread that follows the protocol's shapes but mistreats one
// relayed public line: the `nth` line it relays (counting every delivery) is dropped,
// sent twice, swapped with the next line for the same receiver, or altered; or (CrossSwap)
// held back, with the lines of its author behind it, until a line of another author for the
// same receiver has gone ahead: each sender's lines stay in order, the interleaving does not.
class FakeServer {
 public:
  enum class Fault { Drop, Duplicate, Swap, Corrupt, CrossSwap };

  FakeServer(Fault fault, int nth) : fault_(fault), nth_(nth) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      ADD_FAILURE() << "fake server: " << std::strerror(errno);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    for (auto& [fd, c] : clients_) close(fd);
    close(listen_fd_);
  }
  std::uint16_t port() const { return port_; }
  int faults_done() const { return faults_done_; }

 private:
  struct Client {
    int step = 0;  // 0: password, 1: name, 2: chatting
    std::string name;
    std::string input;
    std::string held;               // Swap: the line waiting to go after the next one
    std::string held_author;        // CrossSwap: whose lines are held
    std::set<std::string> authors;  // CrossSwap: whom it has had lines from
  };

  static std::string author(const std::string& line) {
    std::size_t open = line.find('<');
    return line.substr(open + 1, line.find('>') - open - 1);
  }

  static void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  void relay(int to, Client& c, const std::string& line) {
    ++relayed_;
    std::string out = line;
    if (fault_ == Fault::CrossSwap && !c.held.empty()) {
      if (author(line) == c.held_author) {
        c.held += line;
        return;
      }
      ++faults_done_;
      send_all(to, line + std::exchange(c.held, std::string()));
      return;
    }
    if (fault_ == Fault::CrossSwap) {
      c.authors.insert(author(line));
      // Only a receiver that hears both senders can be given another interleaving.
      if (relayed_ >= nth_ && !holding_done_ && c.authors.size() >= 2) {
        holding_done_ = true;
        c.held = line;
        c.held_author = author(line);
        return;
      }
    }
    if (relayed_ == nth_ && fault_ != Fault::CrossSwap) {
      ++faults_done_;
      switch (fault_) {
        case Fault::Drop: return;
        case Fault::Duplicate: out += line; break;
        case Fault::Swap: c.held = line; return;
        case Fault::Corrupt: out[out.size() - 3] ^= 1; break;
        case Fault::CrossSwap: break;  // handled above
      }
    }
    out += std::exchange(c.held, std::string());
    send_all(to, out);
  }

  void on_line(int fd, Client& c, const std::string& line) {
    if (c.step == 0) {
      c.step = 1;
      send_all(fd, "Username:\n");
    } else if (c.step == 1) {
      c.step = 2;
      c.name = line;
      send_all(fd, "[00:00:00] * Welcome, " + c.name + "! Online (1): " + c.name + "\n[00:00:00] * Commands: none\n");
    } else if (!line.empty() && line[0] != '@') {
      std::string out = "[00:00:00] <" + c.name + "> " + line + "\n";
      for (auto& [other_fd, other] : clients_)
        if (other_fd != fd && other.step == 2) relay(other_fd, other, out);
    }
  }

  void run() {
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (auto& [fd, c] : clients_) fds.push_back({fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
          clients_[fd] = Client{};
          send_all(fd, "Password:\n");
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int fd = fds[i].fd;
        char buf[8192];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
          close(fd);
          clients_.erase(fd);
          continue;
        }
        Client& c = clients_[fd];
        c.input.append(buf, static_cast<std::size_t>(n));
        for (auto nl = c.input.find('\n'); nl != std::string::npos; nl = c.input.find('\n')) {
          std::string line = c.input.substr(0, nl);
          c.input.erase(0, nl + 1);
          on_line(fd, c, line);
        }
      }
    }
  }

  Fault fault_;
  int nth_;
  int relayed_ = 0;
  bool holding_done_ = false;
  std::atomic<int> faults_done_{0};
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::map<int, Client> clients_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Three clients, one sender, 20 messages: 40 deliveries expected; the fault hits the 7th.
SwarmRun against(const FakeServer& fake) {
  return swarm(fake.port(), {"--clients", "3", "--senders", "1", "--messages", "20", "--rate", "200", "--drain-timeout",
                             "2", "--quiet"});
}

}  // namespace

TEST(SwarmDetects, ADroppedLine) {
  FakeServer fake(FakeServer::Fault::Drop, 7);
  SwarmRun r = against(fake);
  EXPECT_EQ(fake.faults_done(), 1);
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("expected"), 40);
  EXPECT_EQ(r.number("delivered"), 39);
  EXPECT_EQ(r.number("lost"), 1);
  EXPECT_EQ(r.number("duplicates"), 0);
  EXPECT_EQ(r.number("reordered"), 0);
  EXPECT_NE(r.process.out.find("lost 1 of 40 expected deliveries"), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.out.find("lost 1 of 20 (seq 3)"), std::string::npos) << r.process.out;
}

TEST(SwarmDetects, ADuplicatedLine) {
  FakeServer fake(FakeServer::Fault::Duplicate, 7);
  SwarmRun r = against(fake);
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("duplicates"), 1);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("delivered"), 40);
  EXPECT_NE(r.process.out.find("1 duplicated deliveries"), std::string::npos) << r.process.out;
}

TEST(SwarmDetects, TwoLinesSwapped) {
  FakeServer fake(FakeServer::Fault::Swap, 7);
  SwarmRun r = against(fake);
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("reordered"), 1);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("delivered"), 40);
}

TEST(SwarmDetects, AnAlteredLine) {
  FakeServer fake(FakeServer::Fault::Corrupt, 7);
  SwarmRun r = against(fake);
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("corrupted"), 1);
  EXPECT_EQ(r.number("lost"), 1);  // the altered copy does not count as the message
}

TEST(SwarmDetects, TwoReceiversSeeingDifferentInterleavings) {
  // Two senders, four clients: every line reaches three others. One receiver gets a line of
  // one sender after a later line of the other: no sender's own order is broken, so only
  // the one-order check can see it.
  FakeServer fake(FakeServer::Fault::CrossSwap, 7);
  SwarmRun r = swarm(fake.port(), {"--clients", "4", "--senders", "2", "--messages", "20", "--rate", "200",
                                   "--drain-timeout", "2", "--quiet"});
  EXPECT_EQ(fake.faults_done(), 1);
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_EQ(r.number("delivered"), 60);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("reordered"), 0);
  EXPECT_EQ(r.number("checked"), 4);
  EXPECT_EQ(r.number("differing"), 1) << r.process.out;
  EXPECT_NE(r.process.out.find("1 of 4 receivers saw the public lines in another order"), std::string::npos)
      << r.process.out;
}

// ---- a fault run -------------------------------------------------------------------------

TEST(Swarm, DuringRunSplitsTheRunAroundTheCommand) {
  // The command stops the server for a second: nothing is lost, and only the lines sent
  // during it waited that long.
  Server server(unlimited());
  const std::string pid = std::to_string(server.pid());
  SwarmRun r = swarm(server.port(), {"--clients", "40", "--senders", "4", "--rate", "80", "--duration", "4",
                                     "--during-run", "kill -STOP " + pid + "; sleep 1; kill -CONT " + pid,
                                     "--during-at", "1", "--during-for", "2", "--quiet"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_NE(r.json.find("\"outcome\": \"exited 0\""), std::string::npos) << r.json;
  SwarmRun before = r.phase("before"), during = r.phase("during"), after = r.phase("after");
  EXPECT_GT(before.number("sent"), 0);
  EXPECT_GT(during.number("sent"), 0);
  EXPECT_GT(after.number("sent"), 0);
  EXPECT_EQ(before.number("sent") + during.number("sent") + after.number("sent"), r.number("sent"));
  EXPECT_EQ(before.number("lost") + during.number("lost") + after.number("lost"), 0);
  EXPECT_GE(during.number("max"), 900'000'000) << "the lines sent while the server was stopped waited for it";
  EXPECT_LT(before.number("max"), during.number("max"));
  EXPECT_NE(r.process.out.find("during-run          'kill -STOP"), std::string::npos) << r.process.out;
}

// ---- several targets ---------------------------------------------------------------------

TEST(Swarm, TargetsSpreadClientsAndReportEachOne) {
  // One server named twice: the dealing and the per-target figures can be checked exactly
  // (the cluster's own runs are in cluster_swarm_test.cpp).
  Server server(with_args({"--rate", "0", "--max-unauthenticated-per-ip", "0"}));
  std::string port = std::to_string(server.port());
  TempFile json;
  Process p = run_process({CHAT_SWARM_PATH, "--targets", "127.0.0.1:" + port + ",127.0.0.1:" + port, "--spread", "2,1",
                           "--password", kPassword, "--json", json.path, "--scenario", "chatter", "--clients", "30",
                           "--messages", "90", "--rate", "300", "--quiet"},
                          {}, kSwarmDeadline);
  SwarmRun r{p, read_file(json.path)};
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 90 * 29);
  EXPECT_NE(r.json.find("\"target\": \"127.0.0.1:" + port + "\", \"clients\": 20,"), std::string::npos) << r.json;
  EXPECT_NE(r.json.find("\"target\": \"127.0.0.1:" + port + "\", \"clients\": 10,"), std::string::npos) << r.json;
  EXPECT_NE(r.process.out.find("per target"), std::string::npos) << r.process.out;
  EXPECT_NE(r.process.out.find("every one of 30 receivers saw public lines in one order"), std::string::npos)
      << r.process.out;
  EXPECT_EQ(r.number("differing"), 0);
}

#endif  // CHAT_SWARM_PATH
