// Faults: peers that reset while the server writes to them, half-close and keep reading,
// connect and never speak, or vanish without a FIN or a reset. Each must cost the server
// nothing it does not give back: the others keep chatting, and descriptors return to baseline.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "many_connections.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// Open descriptors of a process, from /proc/PID/fd; -1 if unreadable.
long open_descriptors(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return ec ? -1 : n;
}

// Waits until the process holds at most `want` descriptors; returns the last count seen.
long wait_for_descriptors(pid_t pid, long want, Duration deadline = kDeadline) {
  auto until = Clock::now() + deadline;
  long n = open_descriptors(pid);
  while (n > want && Clock::now() < until) {
    std::this_thread::sleep_for(20ms);
    n = open_descriptors(pid);
  }
  return n;
}

// Bytes the server's kernel holds for the peer at `peer_port`, unsent or unacknowledged (ss's Send-Q).
long server_send_queue(std::uint16_t server_port, std::uint16_t peer_port) {
  Process p =
      run_process({"ss", "-tnH", "state", "established",
                   "( sport = :" + std::to_string(server_port) + " and dport = :" + std::to_string(peer_port) + " )"});
  long recv_q = -1, send_q = -1;
  std::istringstream columns(p.out);
  if (p.status != 0 || !(columns >> recv_q >> send_q)) return -1;
  return send_q;
}

// Sends all of `bytes` without ever blocking for longer than the deadline (the server may be
// stopped); false if the kernel would not take them in time.
bool send_within(int fd, std::string_view bytes, Duration deadline = kDeadline) {
  auto until = Clock::now() + deadline;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    auto left = std::chrono::duration_cast<Duration>(until - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
  }
  return true;
}

// Waits until the peer's kernel has acknowledged everything sent on fd (SIOCOUTQ is 0).
bool all_acknowledged(int fd, Duration deadline = kDeadline) {
  auto until = Clock::now() + deadline;
  for (;;) {
    int unsent = -1;
    if (ioctl(fd, SIOCOUTQ, &unsent) != 0) return false;
    if (unsent == 0) return true;
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

std::string padded(const char* prefix, int i, std::size_t width) {
  std::string line = numbered(prefix, static_cast<std::size_t>(i), 5).append(" ");
  line.resize(width, static_cast<char>('a' + i % 26));
  return line;
}

// The test process's own network namespace, for as long as the object lives: loopback only,
// brought up, invisible to the rest of the machine. Programs started meanwhile inherit it.
class OwnNetwork {
 public:
  OwnNetwork() {
    home_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (home_ < 0 || unshare(CLONE_NEWNET) != 0) {
      error_ = std::string("cannot create a network namespace (needs root or CAP_SYS_ADMIN): ") + std::strerror(errno);
      return;
    }
    entered_ = true;
    error_ = run({"ip", "link", "set", "lo", "up"});
  }
  ~OwnNetwork() {
    if (entered_ && setns(home_, CLONE_NEWNET) != 0) ADD_FAILURE() << "cannot return to the test's network namespace";
    if (home_ >= 0) close(home_);
  }
  OwnNetwork(const OwnNetwork&) = delete;
  OwnNetwork& operator=(const OwnNetwork&) = delete;

  // Why the namespace is unusable ("" when it is ready).
  const std::string& error() const { return error_; }

  // Runs an iproute2 command inside the namespace; "" on success, else what went wrong.
  // (Static: after unshare() this whole process is inside the namespace.)
  static std::string run(const std::vector<std::string>& argv) {
    for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
      if (access((dir + argv[0]).c_str(), X_OK) != 0) continue;
      std::vector<std::string> full = argv;
      full[0] = dir + argv[0];
      Process p = run_process(full);
      return p.status == 0 ? "" : argv[0] + " failed: " + p.err;
    }
    return argv[0] + " not found (Debian package iproute2)";
  }

 private:
  int home_ = -1;
  bool entered_ = false;
  std::string error_;
};

}  // namespace

// A reader that stops reading while others flood, so the server is still writing to it, and
// then resets: the server notices, tells the others once, and keeps no descriptor for it.
TEST(Faults, PeerThatResetsWhileTheServerWritesToItIsDroppedCleanly) {
  // A queue limit far above the flood, so the reader is not dropped as too slow first.
  Server server(with_args({"--rate", "0", "--max-queue", "268435456"}));
  Client alice(server.port()), carol(server.port());
  alice.login("alice");
  carol.login("carol");
  alice.expect("* carol joined the chat");
  const long baseline = open_descriptors(server.pid());
  ASSERT_GT(baseline, 0);

  const std::string pad(1000, 'r');
  std::size_t sent = 0, received = 0;
  // alice sends a round; carol reads all of it; the notices carol reads are kept.
  std::vector<std::string> notices;
  auto flood_round = [&] {
    std::string round;
    for (int i = 0; i < 48; ++i) round += "flood " + std::to_string(sent++) + " " + pad + "\n";
    alice.send_raw(round);
    while (received < sent) {
      auto line = carol.read_line();
      ASSERT_TRUE(line) << "carol's stream stopped after " << received << " of " << sent << " lines";
      std::string_view body = strip_timestamp(*line);
      if (body.starts_with("<alice> flood ")) {
        ASSERT_EQ(body, "<alice> flood " + std::to_string(received) + " " + pad);
        ++received;
      } else {
        notices.emplace_back(body);
      }
    }
  };

  for (int round = 0; round < 3; ++round) {
    const std::string name = "reader" + std::to_string(round);
    Client reader(server.port(), {.rcvbuf = 4096});
    reader.send_raw(std::string(kPassword) + "\n" + name + "\n");  // and never reads again
    carol.expect("* " + name + " joined the chat");
    alice.expect("* " + name + " joined the chat");
    // Flood until the server's kernel holds output it cannot send the reader: the server is
    // writing to it (and queueing more behind that) when it resets.
    long backlog = 0;
    for (int i = 0; i < 400 && backlog < 256L * 1024; ++i) {
      flood_round();
      if (HasFatalFailure()) return;
      backlog = server_send_queue(server.port(), local_port(reader.fd()));
    }
    ASSERT_GE(backlog, 256 * 1024) << "the server never had a backlog for " << name;
    reader.reset();
    for (int i = 0; i < 20 && !HasFatalFailure(); ++i) flood_round();  // the flood goes on meanwhile
    if (HasFatalFailure()) return;
    carol.send_line("@usuarios");
    ASSERT_EQ(strip_timestamp(carol.expect("* Online (")), "* Online (2): alice, carol") << server.log();
    EXPECT_EQ(notices, std::vector<std::string>{"* " + name + " disconnected"}) << "round " << round;
    notices.clear();
    EXPECT_EQ(lines_with(server.log(), {"disconnect " + name}).size(), 1u) << server.log();
  }
  EXPECT_EQ(server.log().find("too slow"), std::string::npos) << server.log();
  // alice and carol still chat; every descriptor the readers had is closed.
  alice.send_line("still here");
  EXPECT_EQ(strip_timestamp(carol.expect("<alice> still here")), "<alice> still here");
  EXPECT_EQ(wait_for_descriptors(server.pid(), baseline), baseline);
}

// Lines that reached the server before a reset are processed even when a write to that
// client fails first. Linux keeps the received bytes of a reset connection readable (read()
// returns them, then ECONNRESET), so the server must read on rather than drop the connection
// at the failed write. The server is stopped while alice sends, so her lines wait in its
// kernel beyond the first 64 KiB read; their echoes make the server write to her.
TEST(Faults, LinesQueuedBeforeAResetCountEvenWhenAWriteToTheSenderFails) {
  Server server(with_args({"--rate", "0"}));
  Client bob(server.port()), alice(server.port());
  bob.login("bob");
  alice.login("alice");
  bob.expect("* alice joined the chat");
  EXPECT_TRUE(alice.sync().empty());  // nothing left unread by alice

  std::string burst;
  std::vector<std::string> want;
  for (int i = 0; i < 1000; ++i) {  // ~110 KB: more than one read, less than the kernel holds
    std::string text = padded("p", i, 100);
    burst += "@privado:bob " + text + "\n";
    want.push_back("[private] <alice> " + text);
  }
  ASSERT_EQ(kill(server.pid(), SIGSTOP), 0);
  bool queued = send_within(alice.fd(), burst) && all_acknowledged(alice.fd());
  alice.reset();
  ASSERT_EQ(kill(server.pid(), SIGCONT), 0);
  ASSERT_TRUE(queued) << "the server's kernel would not hold 110 KB for a stopped server";

  ASSERT_TRUE(expect_stamped_lines(bob, want)) << server.log();
  EXPECT_EQ(strip_timestamp(bob.expect_next("alice disconnected")), "* alice disconnected");
  EXPECT_TRUE(bob.sync().empty());
}

// PROTOCOL.md: a client that closes its sending side has every line processed, receives the
// output still owed to it, then is closed. While flood control paces its lines it is still
// in the room, so it also receives what others say meanwhile.
TEST(Faults, HalfClosedClientKeepsReceivingUntilItsLinesAreDone) {
  Server server(with_args({"--rate", "2", "--burst", "2"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  bob.sync();

  std::string input;
  std::vector<std::string> to_bob, to_alice;
  for (int i = 1; i <= 8; ++i) {
    std::string n = std::to_string(i);
    if (i % 2) {
      input += "line " + n + "\n";
      to_bob.push_back("<alice> line " + n);
    } else {  // a private note to herself: output the server owes alice for her own line
      input += "@privado:alice note " + n + "\n";
      to_alice.push_back("[private] <alice> note " + n);
      to_alice.push_back("[private to alice] <alice> note " + n);
    }
  }
  alice.send_raw(input);
  alice.shutdown_write();

  // 6 of the 8 lines wait for tokens (about 3 s): bob speaks while alice's lines are paced.
  bob.expect_next("<alice> line 1");
  bob.send_line("hello, half-closed alice");

  std::vector<std::string> got = alice.read_until_closed();
  std::vector<std::string> notes;
  bool heard_bob = false;
  for (const auto& line : got) {
    std::string_view body = strip_timestamp(line);
    if (body == "<bob> hello, half-closed alice") {
      heard_bob = true;
    } else {
      notes.emplace_back(body);
    }
  }
  EXPECT_TRUE(heard_bob) << "alice stopped receiving when she closed her sending side";
  EXPECT_EQ(notes, to_alice);
  to_bob.erase(to_bob.begin());
  ASSERT_TRUE(expect_stamped_lines(bob, to_bob));
  EXPECT_EQ(strip_timestamp(bob.expect_next("alice disconnected")), "* alice disconnected");
  alice.close();  // the server lingers until then
  EXPECT_TRUE(server.wait_for_log("disconnect alice"));
  EXPECT_FALSE(lines_with(server.log(), {"disconnect alice", "EOF"}).empty()) << server.log();
}

// 2000 connections that never send a byte, from 40 addresses (so no per-address limit is
// what saves the server): a logged-in pair keeps chatting, the auth timeout reaps every one,
// and the server's descriptors return to baseline.
TEST(Faults, ConnectionsThatNeverSpeakAreReapedWhileOthersChat) {
  raise_own_descriptor_limit();
  Server server(with_args({"--auth-timeout", "2"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  const long baseline = open_descriptors(server.pid());

  struct Silent : Connection {
    std::vector<std::string> lines;
  };
  std::vector<Silent> silent(2000);
  for (std::size_t i = 0; i < silent.size(); ++i) {
    std::string source = "127.0.1." + std::to_string(1 + i % 40);
    silent[i].fd = connect_to(server.port(), {.source = source.c_str()});
    ASSERT_GE(silent[i].fd, 0) << "connection " << i << ": " << std::strerror(errno);
  }
  // While they all wait at Password:, the pair is served as usual.
  for (int i = 0; i < 5; ++i) {
    alice.send_line("ping " + std::to_string(i));
    EXPECT_EQ(strip_timestamp(bob.expect_next("<alice> ping")), "<alice> ping " + std::to_string(i));
  }
  // Every silent connection gets the prompt, then the timeout, then the close.
  std::size_t open = pump(
      silent, 30s, [](Silent& s, std::string_view line) { s.lines.emplace_back(line); },
      [](const Silent&) { return false; });
  std::size_t closed = 0, well_told = 0;
  for (const auto& s : silent) {
    closed += s.closed;
    well_told += s.lines == std::vector<std::string>{"Password:", "! Authentication timed out. Bye."};
  }
  EXPECT_EQ(closed, silent.size()) << open << " still open";
  EXPECT_EQ(well_told, silent.size());
  close_all(silent);
  EXPECT_EQ(count_of(server.log(), "auth timeout"), silent.size());

  EXPECT_EQ(wait_for_descriptors(server.pid(), baseline), baseline);
  bob.send_line("pong");
  EXPECT_EQ(strip_timestamp(alice.expect_next("<bob> pong")), "<bob> pong");
}

// A peer that vanishes without FIN or RST (cable pulled, machine gone): only keepalive can
// tell. The test gets a network namespace of its own, connects alice from 127.0.0.2, then
// routes that address into a black hole: every packet to or from her is silently dropped.
// With --keepalive 1 the server probes after 1 s of silence, every second, three times.
TEST(Faults, PeerThatVanishesWithoutAWordIsFoundByKeepalive) {
  OwnNetwork net;
  if (!net.error().empty()) GTEST_SKIP() << net.error();
  Server server(with_args({"--keepalive", "1"}));
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port(), {.source = "127.0.0.2"});
  alice.login("alice");
  bob.expect("* alice joined the chat");
  EXPECT_TRUE(alice.sync().empty());
  // Vanish only once alice has acknowledged everything (her ACKs may be delayed): with data
  // unacknowledged the server would be retransmitting, and keepalive would not be the test.
  auto until = Clock::now() + kDeadline;
  while (server_send_queue(server.port(), local_port(alice.fd())) != 0 && Clock::now() < until)
    std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server_send_queue(server.port(), local_port(alice.fd())), 0);
  const long baseline = open_descriptors(server.pid());

  ASSERT_EQ(net.run({"ip", "route", "add", "blackhole", "127.0.0.2/32", "table", "local"}), "");
  const auto vanished = Clock::now();
  // Idle 1 s + 3 probes 1 s apart: about 4 s; the deadline only bounds the wait.
  EXPECT_EQ(strip_timestamp(bob.expect("alice disconnected", 20s)), "* alice disconnected") << server.log();
  EXPECT_GE(Clock::now() - vanished, 900ms) << "reported before keepalive could have probed";
  // The notice is written to bob before the log line: wait for the log, don't race it.
  EXPECT_TRUE(server.wait_for_log("disconnect alice")) << server.log();
  bob.send_line("@usuarios");
  EXPECT_EQ(strip_timestamp(bob.expect("* Online (")), "* Online (1): bob");
  EXPECT_LT(wait_for_descriptors(server.pid(), baseline - 1), baseline);
}

// The same, but the server has output in flight to her when she vanishes: keepalive never
// probes while data is unacknowledged, so without TCP_USER_TIMEOUT she would stay "online"
// for the whole retransmission timeout (about 15 minutes). With it, the server gives up on
// the unacknowledged lines after as long as keepalive takes for a silent peer: with
// --keepalive 2, 2 s idle + 3 probes 1 s apart = 5 s.
TEST(Faults, PeerThatVanishesWithOutputInFlightIsFoundAsSoonAsASilentOne) {
  OwnNetwork net;
  if (!net.error().empty()) GTEST_SKIP() << net.error();
  constexpr auto kKeepalive = 2s;
  Server server(with_args({"--keepalive", "2"}));
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port(), {.source = "127.0.0.2"});
  alice.login("alice");
  bob.expect("* alice joined the chat");
  EXPECT_TRUE(alice.sync().empty());

  ASSERT_EQ(net.run({"ip", "route", "add", "blackhole", "127.0.0.2/32", "table", "local"}), "");
  const auto vanished = Clock::now();
  // bob talks on: every line is output the server sends alice and nobody acknowledges.
  bob.send_line("alice, are you there?");
  auto until = Clock::now() + kDeadline;
  while (server_send_queue(server.port(), local_port(alice.fd())) <= 0 && Clock::now() < until)
    std::this_thread::sleep_for(10ms);
  ASSERT_GT(server_send_queue(server.port(), local_port(alice.fd())), 0) << "no output in flight to alice";
  bob.send_line("hello?");

  EXPECT_EQ(strip_timestamp(bob.expect("alice disconnected", 60s)), "* alice disconnected") << server.log();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - vanished);
  EXPECT_LT(took, 3 * kKeepalive) << "a peer with output in flight lasted " << took.count() << " ms";
  EXPECT_GE(took, kKeepalive) << "reported before the timeout could have run out";
  EXPECT_TRUE(server.wait_for_log("disconnect alice")) << server.log();
}
