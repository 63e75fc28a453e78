// Slow consumer: a client that never reads is dropped; the readers lose nothing; memory stays bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.h"
#include "process_stats.h"

using namespace harness;

namespace {

std::string flood_line(std::size_t seq, const std::string& pad) {
  return numbered("flood ", seq, 8).append(" ").append(pad);
}

// bob never reads while alice floods: bob is dropped, carol and alice lose nothing.
void drop_the_non_reader(const std::string& backend) {
  Server server(with_args({"--max-queue", "65536", "--rate", "0", "--backend", backend}));
  Client alice(server.port());
  alice.login("alice");
  Client carol(server.port());
  carol.login("carol");
  alice.expect("* carol joined the chat");
  // bob logs in (pipelined) and then never reads a byte; his receive buffer is small.
  Client bob(server.port(), {.rcvbuf = 4096});
  bob.send_raw(std::string(kPassword) + "\nbob\n");
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
  constexpr std::size_t kMinLines = std::size_t{128} * 1024;  // ~128 MiB
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
  carol.send_line("still here");
  EXPECT_EQ(strip_timestamp(alice.expect_next("<carol> still here")), "<carol> still here");

  // bob's connection is gone: once he drains what the kernel had accepted, it ends.
  EXPECT_TRUE(bob.closed_by_server(30s)) << "bob's connection was not closed";

  EXPECT_TRUE(server.wait_for_log("too slow"));
  EXPECT_FALSE(lines_with(server.log(), {"bob", "too slow"}).empty()) << server.log();

  EXPECT_LT(rss_after - rss_before, 64 * 1024) << "server RSS grew from " << rss_before << " KiB to " << rss_after
                                               << " KiB over a flood of " << sent / 1024 << " MiB";
}

// alice sends `lines` in one go; carol, who reads, gets every one of them in order and is not
// dropped, however much of it the server has to hold for her at once.
void reader_gets_every_line(const std::vector<std::string>& lines) {
  Server server(with_args({"--max-queue", "65536", "--rate", "0"}));
  Client alice(server.port()), carol(server.port());
  alice.login("alice");
  carol.login("carol");
  alice.expect("* carol joined the chat");
  std::string burst;
  std::vector<std::string> want;
  for (const auto& line : lines) {
    burst += line + "\n";
    want.push_back("<alice> " + line);
  }
  alice.send_raw(burst);
  ASSERT_TRUE(expect_stamped_lines(carol, want)) << "carol lost the stream; server log:\n" << server.log();
  EXPECT_TRUE(carol.sync().empty());
  EXPECT_EQ(server.log().find("too slow"), std::string::npos) << server.log();
}

}  // namespace

TEST(LimitsSlowConsumer, NonReaderIsDroppedWhileReadersReceiveEveryLineInOrder) { drop_the_non_reader("epoll"); }

TEST(LimitsSlowConsumer, NonReaderIsDroppedWithThePollBackendToo) { drop_the_non_reader("poll"); }

TEST(LimitsSlowConsumer, ReadingClientSurvivesABurstWithinTheQueueLimit) {
  // A burst whose fan-out stays under --max-queue never costs a reading client its connection.
  std::vector<std::string> burst;
  burst.reserve(400);
  for (int i = 0; i < 400; ++i) burst.push_back("burst line " + std::to_string(i) + " " + std::string(100, 'b'));
  reader_gets_every_line(burst);  // ~48 KiB in, ~54 KiB out to carol
}

TEST(LimitsSlowConsumer, ReadingClientIsNotDroppedForOutputTheKernelWouldAccept) {
  // 4096 short lines in one segment (24 KiB in) fan out to ~100 KiB for carol: more than
  // --max-queue, but carol reads and her kernel buffers are empty, so the kernel accepts it
  // all at once. Only output the kernel has not accepted counts against the limit.
  std::vector<std::string> burst;
  burst.reserve(4096);
  for (std::size_t i = 0; i < 4096; ++i) burst.push_back(numbered("n", i, 4));
  reader_gets_every_line(burst);
}
