// Flood control: lines beyond --rate/--burst are delayed, never dropped, and delay nobody else;
// every line counts, over-long and empty ones too.
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
#include "process_stats.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

std::string numbered(int i) { return "line " + std::string(i < 10 ? "0" : "") + std::to_string(i); }

// alice's numbered lines first..last, as another client receives them.
std::vector<std::string> from_alice(int first, int last) {
  std::vector<std::string> lines;
  for (int i = first; i <= last; ++i) lines.push_back("<alice> " + numbered(i));
  return lines;
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

TEST(LimitsFlood, BurstBeyondTheRateIsDelayedNotDropped) {
  Server server(with_args({"--rate", "5", "--burst", "5"}));
  Client alice(server.port()), bob(server.port()), carol(server.port());
  alice.login("alice");
  bob.login("bob");
  carol.login("carol");
  bob.sync();  // bob has seen carol join: from here on he reads only what follows

  std::string burst;
  for (int i = 1; i <= 20; ++i) burst += numbered(i) + "\n";
  alice.send_raw(burst);

  // bob gets all 20 in order. carol speaks while alice is being paced: her line is not
  // queued behind alice's, so it reaches bob before alice's last line.
  bob.expect_next("<alice> " + numbered(1));
  const auto t_first = Clock::now();
  carol.send_line("not delayed by alice");
  int next = 2;
  int carol_before = -1;
  Clock::time_point t_last = t_first;
  while (next <= 20) {
    auto line = bob.read_line();
    ASSERT_TRUE(line) << "bob got only " << next - 1 << " of alice's 20 lines";
    std::string_view body = strip_timestamp(*line);
    if (body == "<carol> not delayed by alice") {
      carol_before = next;
      continue;
    }
    ASSERT_EQ(body, "<alice> " + numbered(next));
    ++next;
    t_last = Clock::now();
  }
  if (carol_before < 0) bob.expect_next("<carol> not delayed by alice");
  EXPECT_GT(carol_before, 0) << "carol's line reached bob only after all of alice's paced lines";

  // 15 lines beyond the burst at 5/s take at least 3 s; 80% of it as a robust lower bound.
  EXPECT_GE(seconds_between(t_first, t_last), (20.0 - 5.0) / 5.0 * 0.8);

  // alice was paced, not disconnected: her own @usuarios comes back after her lines.
  auto before = alice.sync();
  bool heard_carol = false;
  for (const auto& l : before) heard_carol |= strip_timestamp(l) == "<carol> not delayed by alice";
  EXPECT_TRUE(heard_carol);
  EXPECT_TRUE(bob.sync().empty());
  EXPECT_EQ(server.log().find("disconnect"), std::string::npos) << server.log();
}

TEST(LimitsFlood, PacedLinesAreDeliveredEvenWhenTheSenderClosesRightAway) {
  Server server(with_args({"--rate", "5", "--burst", "5"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  std::string burst;
  for (int i = 1; i <= 12; ++i) burst += numbered(i) + "\n";
  alice.send_raw(burst);
  alice.shutdown_write();
  ASSERT_TRUE(expect_stamped_lines(bob, from_alice(1, 12)));
  // Only after her last line is alice reported gone.
  EXPECT_EQ(strip_timestamp(bob.expect_next("alice disconnected")), "* alice disconnected");
}

TEST(LimitsFlood, PacedLinesAreDeliveredEvenWhenTheSenderResetsTheConnection) {
  // The lines reached the server before the reset; pacing only delays them.
  Server server(with_args({"--rate", "5", "--burst", "5"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  std::string burst;
  for (int i = 1; i <= 12; ++i) burst += numbered(i) + "\n";
  alice.send_raw(burst);
  bob.expect_next("<alice> " + numbered(1));  // the server has read the burst
  alice.reset();
  ASSERT_TRUE(expect_stamped_lines(bob, from_alice(2, 12)));
  EXPECT_EQ(strip_timestamp(bob.expect_next("alice disconnected")), "* alice disconnected");
}

TEST(LimitsFlood, RateZeroTurnsPacingOff) {
  // 1000 lines at once: with any pacing in force (the default 20/s would need ~47 s) they
  // could not all arrive within the generous deadline.
  Server server(with_args({"--rate", "0"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  std::string burst;
  for (int i = 0; i < 1000; ++i) burst += "fast " + std::to_string(i) + "\n";
  const auto until = Clock::now() + kDeadline;
  alice.send_raw(burst);
  for (int i = 0; i < 1000; ++i) {
    auto left = std::chrono::duration_cast<Duration>(until - Clock::now());
    auto line = bob.read_line(left.count() > 0 ? left : Duration(0));
    ASSERT_TRUE(line) << "only " << i << " of 1000 lines arrived within " << kDeadline.count() << " ms";
    ASSERT_EQ(strip_timestamp(*line), "<alice> fast " + std::to_string(i));
  }
}

TEST(LimitsFlood, DefaultsPaceBeyondABurstOfFifty) {
  // Default --rate 20 --burst 50: 70 lines at once; the 20 beyond the burst take >= 1 s.
  Server server;
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  std::string burst;
  for (int i = 0; i < 70; ++i) burst += "d " + std::to_string(i) + "\n";
  alice.send_raw(burst);
  Clock::time_point t_first{}, t_last{};
  for (int i = 0; i < 70; ++i) {
    auto line = bob.read_line();
    ASSERT_TRUE(line) << "bob got only " << i << " of 70";
    ASSERT_EQ(strip_timestamp(*line), "<alice> d " + std::to_string(i));
    (i == 0 ? t_first : t_last) = Clock::now();
  }
  EXPECT_GE(seconds_between(t_first, t_last), (70.0 - 50.0) / 20.0 * 0.8);
}

namespace {

// alice sends `count` copies of `filler` and then "after"; bob gets "after" no earlier than the
// rate allows for count + 1 lines beyond the burst (--rate 50 --burst 10), and alice is told
// about every over-long one.
void filler_lines_are_paced(const std::string& filler, bool overlong) {
  constexpr int kCount = 60;
  Server server(with_args({"--rate", "50", "--burst", "10", "--max-line", "100"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  std::string burst;
  for (int i = 0; i < kCount; ++i) burst += filler + "\n";
  const auto sent = Clock::now();
  alice.send_raw(burst + "after\n");
  bob.expect_next("<alice> after");
  // 51 lines beyond the burst at 50/s: at least 1.02 s; 80% of it as a robust lower bound.
  EXPECT_GE(seconds_between(sent, Clock::now()), (kCount + 1.0 - 10.0) / 50.0 * 0.8);
  if (overlong) {
    for (int i = 0; i < kCount; ++i) alice.expect_next("line too long");
  }
  EXPECT_TRUE(alice.sync().empty());
}

}  // namespace

TEST(LimitsFlood, OverlongLinesCostATokenEach) { filler_lines_are_paced(std::string(200, 'x'), true); }

TEST(LimitsFlood, EmptyLinesCostATokenEach) { filler_lines_are_paced("", false); }

TEST(LimitsFlood, BlastingOverlongLinesCostsTheServerLittleCpu) {
  // One client sends 8 KiB over-long lines as fast as the server reads them for 2 s, and reads
  // every error it gets: paced like any other line, they cost the server a token each, so it
  // reads little and its CPU time stays far below the wall time (unpaced: ~70%).
  Server server;
  Client alice(server.port());
  alice.login("alice");
  const std::string line = std::string(8192, 'x') + "\n";
  std::string chunk;
  while (chunk.size() < 65536) chunk += line;
  const double cpu_before = cpu_seconds(server.pid());
  ASSERT_GE(cpu_before, 0);
  const auto start = Clock::now();
  std::size_t offset = 0;
  char sink[65536];
  while (Clock::now() - start < 2s) {
    pollfd p{alice.fd(), POLLIN | POLLOUT, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    if (p.revents & POLLIN) {
      ssize_t n = recv(alice.fd(), sink, sizeof sink, MSG_DONTWAIT);
      ASSERT_TRUE(n > 0 || (n < 0 && errno == EAGAIN)) << "the server closed alice's connection";
    }
    if (p.revents & POLLOUT) {
      ssize_t n = send(alice.fd(), chunk.data() + offset, chunk.size() - offset, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) offset = (offset + static_cast<std::size_t>(n)) % chunk.size();
    }
  }
  const double wall = seconds_between(start, Clock::now());
  const double cpu = cpu_seconds(server.pid()) - cpu_before;
  EXPECT_LT(cpu, 0.3 * wall) << "the server used " << cpu << " s of CPU in " << wall << " s";
}
