// Per-source flood control: all connections of one address together cannot queue enough for
// another client to get an honest reader dropped; their lines are delayed, never dropped.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

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

// Reads `fd` at no more than `bytes_per_second` (on average since it started), counting the
// lines that contain `needle`, until `want` of them came, the server closed, or the deadline.
struct PacedReader {
  std::size_t lines = 0;
  bool closed = false;
  std::string tail;  // a partial line
  std::vector<std::string> notices;

  void run(int fd, double bytes_per_second, std::string_view needle, std::size_t want, Duration deadline) {
    const auto start = Clock::now();
    std::size_t received = 0;
    char buffer[16384];
    while (lines < want && !closed && Clock::now() - start < deadline) {
      double allowed = bytes_per_second * std::chrono::duration<double>(Clock::now() - start).count() -
                       static_cast<double>(received);
      if (allowed < 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      std::size_t room = std::min(sizeof buffer, static_cast<std::size_t>(allowed));
      ssize_t n = recv(fd, buffer, room, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        closed = true;
        break;
      }
      if (n < 0) continue;
      received += static_cast<std::size_t>(n);
      tail.append(buffer, static_cast<std::size_t>(n));
      std::size_t from = 0;
      for (auto nl = tail.find('\n'); nl != std::string::npos; nl = tail.find('\n', from)) {
        std::string_view line = std::string_view(tail).substr(from, nl - from);
        if (contains(line, needle)) {
          ++lines;
        } else {
          notices.emplace_back(line);
        }
        from = nl + 1;
      }
      tail.erase(0, from);
    }
  }
};

}  // namespace

TEST(LimitsSourceFlood, ManyConnectionsFromOneAddressCannotGetAReaderAt1MBpsDropped) {
  // The attack: --max-per-ip (64, the default) connections from 127.0.0.2, each sending
  // `kLines` private 4000-byte lines (within its own burst of 50) to a victim on 127.0.0.1
  // who reads at 1 MB/s. Unpaced per address, 6.4 MB land at once: the kernel takes ~4 MB
  // on loopback, the rest waits in her queue, and she is dropped as too slow (--max-queue
  // 1 MiB). Paced, the address gets a quarter of --max-queue at once and then half of it
  // per second (512 KiB/s), which she outreads: about 12 s for all of it.
  constexpr std::size_t kAttackers = 64;
  constexpr std::size_t kLines = 25;
  Server server;
  Client victim(server.port(), {.rcvbuf = 65536});
  victim.login("victim");
  std::vector<Client> attackers;
  attackers.reserve(kAttackers);
  for (std::size_t i = 0; i < kAttackers; ++i) {
    attackers.emplace_back(server.port(), ConnectOptions{.source = "127.0.0.2"});
    ASSERT_TRUE(attackers.back().connected()) << "attacker " << i;
    attackers.back().login(numbered("a", i, 2));
  }
  victim.sync();  // every join notice read: what follows is the attack

  PacedReader reader;
  std::thread reading([&] { reader.run(victim.fd(), 1e6, "[private] <a", kAttackers * kLines, 60s); });
  const std::string payload(4000 - 20, 'p');
  for (std::size_t i = 0; i < kAttackers; ++i) {
    std::string burst;
    for (std::size_t k = 0; k < kLines; ++k) burst += "@privado:victim " + numbered("", k, 2) + payload + "\n";
    attackers[i].send_raw(burst);
  }
  reading.join();

  EXPECT_FALSE(reader.closed) << "the victim was dropped after " << reader.lines << " of " << kAttackers * kLines
                              << " lines; server log:\n"
                              << server.log();
  EXPECT_EQ(reader.lines, kAttackers * kLines) << "lines were lost (delayed is fine, dropped is not)";
  EXPECT_EQ(server.log().find("too slow"), std::string::npos) << server.log();
  // The address's connections were paced, not dropped: each still answers.
  EXPECT_TRUE(attackers.front().sync(30s).size() >= kLines);
}

TEST(LimitsSourceFlood, OneAddressIsPacedByItsBytesWhileOthersAreNot) {
  // Two connections from 127.0.0.2 share one byte budget (a quarter of --max-queue at once,
  // then half of it per second): with --max-queue 65536, 64 lines of 1000 bytes (~68 KiB
  // charged) need about 1.6 s beyond the 16 KiB burst, although each connection's own line
  // budget (--burst 50) would let them through at once. carol, from 127.0.0.1, is not held up.
  Server server(with_args({"--max-queue", "65536"}));
  Client bob(server.port());
  bob.login("bob");
  Client a1(server.port(), {.source = "127.0.0.2"}), a2(server.port(), {.source = "127.0.0.2"});
  a1.login("a1");
  a2.login("a2");
  Client carol(server.port());
  carol.login("carol");
  bob.sync();
  const std::string pad(1000 - 8, 'z');
  std::string lines;
  for (int i = 0; i < 32; ++i) lines += numbered("", static_cast<std::size_t>(i), 2) + pad + "\n";
  const auto start = Clock::now();
  a1.send_raw(lines);
  a2.send_raw(lines);
  std::size_t from_address = 0;
  bool heard_carol = false;
  carol.send_line("carol is not paced");
  while (from_address < 64) {
    auto line = bob.read_line(30s);
    ASSERT_TRUE(line) << "bob got only " << from_address << " of 64 lines";
    std::string_view body = strip_timestamp(*line);
    if (body == "<carol> carol is not paced") {
      heard_carol = true;
    } else {
      ASSERT_TRUE(body.starts_with("<a1> ") || body.starts_with("<a2> ")) << body;
      ++from_address;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_TRUE(heard_carol) << "carol's line came only after all of the paced address's lines";
  // (64 × 1059 charged - 16384 burst) / 32768 per second ≈ 1.6 s; 80% of it as a lower bound.
  EXPECT_GE(seconds, (64.0 * 1059 - 16384) / 32768 * 0.8);
  EXPECT_EQ(server.log().find("disconnect"), std::string::npos) << server.log();
}
