// Slow consumer: a client that never reads is dropped; the readers lose nothing; memory stays bounded.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
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

// A client socket with options the harness cannot set before connecting (a small receive
// buffer), and line parsing cheap enough for floods of many megabytes.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "connect failed: " << std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ADD_FAILURE() << "send failed: " << std::strerror(errno);
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::optional<std::string> read_line(Duration deadline = kDeadline) {
    auto until = Clock::now() + deadline;
    for (;;) {
      auto nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        std::string line = buf_.substr(pos_, nl - pos_);
        pos_ = nl + 1;
        if (pos_ == buf_.size()) {
          buf_.clear();
          pos_ = 0;
        }
        return line;
      }
      if (pos_ > 0) {
        buf_.erase(0, pos_);
        pos_ = 0;
      }
      if (!fill(until)) return std::nullopt;
    }
  }

  // Reads lines until one contains `needle`; fails the test otherwise.
  void expect(std::string_view needle) {
    while (auto line = read_line()) {
      if (line->find(needle) != std::string::npos) return;
    }
    ADD_FAILURE() << "no line containing '" << needle << "'";
  }

  void login(std::string_view name) {
    send(std::string(kPassword) + "\n" + std::string(name) + "\n");
    expect("* Commands:");
  }

  // Reads and discards everything until the server ends the connection (EOF or reset).
  bool drained_to_close(Duration deadline) {
    auto until = Clock::now() + deadline;
    while (!eof_) {
      buf_.clear();
      pos_ = 0;
      if (!fill(until) && !eof_) return false;
    }
    return true;
  }

 private:
  bool fill(Clock::time_point until) {
    if (eof_ || fd_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left < 0) left = 0;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

// Resident memory of a process in KiB, from /proc/PID/status.
long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      long kib = -1;
      in >> kib;
      return kib;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return -1;
}

std::string flood_line(std::size_t seq, const std::string& pad) {
  char head[32];
  std::snprintf(head, sizeof head, "flood %08zu ", seq);
  return head + pad;
}

// bob never reads while alice floods: bob is dropped, carol and alice lose nothing.
void drop_the_non_reader(const std::string& backend) {
  Server server(with_args({"--max-queue", "65536", "--rate", "0", "--backend", backend}));
  Client alice(server.port());
  alice.login("alice");
  RawClient carol(server.port());
  carol.login("carol");
  alice.expect("* carol joined the chat");
  // bob logs in (pipelined) and then never reads a byte.
  RawClient bob(server.port(), 4096);
  bob.send(std::string(kPassword) + "\nbob\n");
  alice.expect("* bob joined the chat");
  carol.expect("* bob joined the chat");

  const long rss_before = rss_kib(server.pid());
  ASSERT_GT(rss_before, 0);

  // alice floods in rounds of ~48 KiB; carol reads each round completely before the next, so
  // what the server holds for carol stays below --max-queue while bob's backlog only grows.
  // The flood continues well past bob's drop (128 MiB in all), so a server that kept
  // buffering for bob, or leaked per line, would show in its memory.
  const std::string pad(1000, 'x');
  constexpr std::size_t kRound = 48;
  constexpr std::size_t kMinLines = 128 * 1024;  // ~128 MiB
  constexpr std::size_t kMaxLines = 4 * kMinLines;
  std::size_t sent = 0, received = 0;
  bool dropped = false;
  std::vector<std::string> carol_notices;
  while (sent < kMaxLines && !(dropped && sent >= kMinLines)) {
    std::string round;
    for (std::size_t i = 0; i < kRound; ++i) round += flood_line(sent++, pad) + "\n";
    alice.send_raw(round);
    while (received < sent) {
      auto line = carol.read_line();
      ASSERT_TRUE(line) << "carol's stream stopped after " << received << " of " << sent << " lines";
      std::string_view body = strip_timestamp(*line);
      if (body.starts_with("<alice> ")) {
        ASSERT_EQ(body.substr(8), flood_line(received, pad)) << "carol's line " << received << " lost or reordered";
        ++received;
      } else {
        carol_notices.emplace_back(body);
        if (body == "* bob was disconnected (too slow)") dropped = true;
      }
    }
  }
  const long rss_after = rss_kib(server.pid());

  ASSERT_TRUE(dropped) << "bob was never dropped after " << sent << " lines (~" << sent / 1024
                       << " MiB); carol's notices: " << carol_notices.size();
  EXPECT_EQ(received, sent);
  EXPECT_EQ(carol_notices, std::vector<std::string>{"* bob was disconnected (too slow)"});

  // alice, the flooder, is still connected and got nothing but the notice.
  auto before = alice.sync();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(has_timestamp(before[0])) << before[0];
  EXPECT_EQ(strip_timestamp(before[0]), "* bob was disconnected (too slow)");
  carol.send("still here\n");
  EXPECT_EQ(strip_timestamp(alice.expect_next("<carol> still here")), "<carol> still here");

  // bob's connection is gone: once he drains what the kernel had accepted, it ends.
  EXPECT_TRUE(bob.drained_to_close(30s)) << "bob's connection was not closed";

  EXPECT_TRUE(server.wait_for_log("too slow"));
  bool logged = false;
  std::string log = server.log();
  for (std::size_t at = 0, nl; at < log.size(); at = nl + 1) {
    nl = log.find('\n', at);
    if (nl == std::string::npos) nl = log.size();
    std::string_view line(log.data() + at, nl - at);
    if (line.find("bob") != std::string_view::npos && line.find("too slow") != std::string_view::npos) logged = true;
  }
  EXPECT_TRUE(logged) << log;

  EXPECT_LT(rss_after - rss_before, 64 * 1024) << "server RSS grew from " << rss_before << " KiB to " << rss_after
                                               << " KiB over a flood of " << sent / 1024 << " MiB";
}

}  // namespace

TEST(LimitsSlowConsumer, NonReaderIsDroppedWhileReadersReceiveEveryLineInOrder) { drop_the_non_reader("epoll"); }

TEST(LimitsSlowConsumer, NonReaderIsDroppedWithThePollBackendToo) { drop_the_non_reader("poll"); }

TEST(LimitsSlowConsumer, ReadingClientSurvivesABurstWithinTheQueueLimit) {
  // A burst whose fan-out stays under --max-queue never costs a reading client its connection.
  Server server(with_args({"--max-queue", "65536", "--rate", "0"}));
  Client alice(server.port()), carol(server.port());
  alice.login("alice");
  carol.login("carol");
  alice.expect("* carol joined the chat");
  std::string burst;
  for (int i = 0; i < 400; ++i) burst += "burst line " + std::to_string(i) + " " + std::string(100, 'b') + "\n";
  alice.send_raw(burst);  // ~48 KiB in, ~54 KiB out to carol
  for (int i = 0; i < 400; ++i) {
    auto line = carol.read_line();
    ASSERT_TRUE(line) << "carol lost the stream at line " << i;
    EXPECT_EQ(strip_timestamp(*line), "<alice> burst line " + std::to_string(i) + " " + std::string(100, 'b'));
  }
  EXPECT_TRUE(carol.sync().empty());
  EXPECT_EQ(server.log().find("too slow"), std::string::npos) << server.log();
}

TEST(LimitsSlowConsumer, ReadingClientIsNotDroppedForOutputTheKernelWouldAccept) {
  // 4096 short lines in one segment (24 KiB in) fan out to ~100 KiB for carol: more than
  // --max-queue, but carol reads and her kernel buffers are empty, so the kernel accepts it
  // all at once. Only output the kernel has not accepted counts against the limit.
  Server server(with_args({"--max-queue", "65536", "--rate", "0"}));
  Client alice(server.port()), carol(server.port());
  alice.login("alice");
  carol.login("carol");
  alice.expect("* carol joined the chat");
  char line[16];
  std::string burst;
  for (int i = 0; i < 4096; ++i) {
    std::snprintf(line, sizeof line, "n%04d\n", i);
    burst += line;
  }
  alice.send_raw(burst);
  for (int i = 0; i < 4096; ++i) {
    auto got = carol.read_line();
    ASSERT_TRUE(got) << "carol lost the stream at line " << i << "; server log:\n" << server.log();
    std::snprintf(line, sizeof line, "n%04d", i);
    ASSERT_EQ(strip_timestamp(*got), "<alice> " + std::string(line));
  }
  EXPECT_TRUE(carol.sync().empty());
  EXPECT_EQ(server.log().find("too slow"), std::string::npos) << server.log();
}
