// --max-output-total: what all queues hold together is bounded; past it the largest queues are
// dropped first, as slow consumers, while clients that read go on chatting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "process_stats.h"

using namespace harness;

namespace {

// A connection that logs in (pipelined) and will never read; its receive buffer is small.
Client non_reader(const Server& server, const std::string& name) {
  Client c(server.port(), ConnectOptions{.rcvbuf = 4096});
  c.send_raw(std::string(kPassword) + "\n" + name + "\n");
  return c;
}

}  // namespace

TEST(LimitsOutputBudget, NonReadersAreDroppedLargestFirstAndMemoryStaysBounded) {
  // 42 users with 24-byte names make each user list ~1.1 KB. 20 "big" non-readers ask for it
  // 5000 times (~5.5 MB each: the kernel takes up to ~4 MB per socket on loopback, the rest
  // waits in the server, under --max-queue 16 MiB); 20 "small" ones once. With
  // --max-output-total 2 MiB the big ones go, largest first, until everything queued fits;
  // no small one is dropped; alice and bob keep chatting. (--rate 0: no pacing to wait for.)
  constexpr std::size_t kEach = 20;
  constexpr int kAsks = 5000;
  Server server(with_args({"--max-output-total", "2097152", "--max-queue", "16777216", "--rate", "0"}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  std::vector<Client> others;
  others.reserve(2 * kEach);
  // The small ones first: they and the big ones all fill the list before anyone asks.
  for (std::size_t i = 0; i < kEach; ++i) others.push_back(non_reader(server, numbered("small_", i, 18)));
  for (std::size_t i = 0; i < kEach; ++i) others.push_back(non_reader(server, numbered("big___", i, 18)));
  for (std::size_t i = 0; i < 2 * kEach + 1; ++i) alice.expect("joined the chat");  // bob too
  const long rss_before = rss_kib(server.pid());
  ASSERT_GT(rss_before, 0);

  // Each ends with a line of its own, which alice hears unless it was dropped before.
  for (std::size_t i = 0; i < kEach; ++i) others[i].send_raw("@usuarios\ndone\n");
  std::string asks;
  for (int k = 0; k < kAsks; ++k) asks += "@usuarios\n";
  for (std::size_t i = kEach; i < 2 * kEach; ++i) others[i].send_raw(asks + "done\n");

  // Every one of them ends, for alice, with its "done" or with its drop notice.
  const std::string_view kDropped = " was disconnected (too slow)";
  std::vector<std::string> dropped;
  std::size_t outcomes = 0;
  auto record = [&](std::string_view body) {
    if (body.ends_with("> done")) {
      ++outcomes;
    } else if (body.starts_with("* ") && body.ends_with(kDropped)) {
      dropped.emplace_back(body.substr(2, body.size() - 2 - kDropped.size()));
      ++outcomes;
    } else {
      ADD_FAILURE() << "alice got " << body;
    }
  };
  while (outcomes < 2 * kEach) {
    auto line = alice.read_line(30s);
    ASSERT_TRUE(line) << "alice heard of only " << outcomes << " of " << 2 * kEach;
    record(strip_timestamp(*line));
  }
  for (const auto& line : alice.sync()) record(strip_timestamp(line));
  const long rss_after = rss_kib(server.pid());

  // How many must go depends on how much the kernel buffers for each socket (send-buffer
  // autotuning, which varies with the load of tests running beside this one): usually most
  // of the big ones, once in a CI run only 5. Some must; no small one may.
  EXPECT_GE(dropped.size(), 1U) << "none dropped";
  for (const auto& name : dropped) EXPECT_TRUE(name.starts_with("big___")) << name << " was dropped";
  EXPECT_FALSE(lines_with(server.log(), {"output budget exceeded"}).empty()) << server.log();
  // Unbounded, ~110 MiB would wait in the server here; the slack is for the allocator's
  // caches (and the sanitizers' quarantine and red zones).
  EXPECT_LT(rss_after - rss_before, 48 * 1024)
      << "server RSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
  // The readers were not touched.
  bob.send_line("still chatting");
  EXPECT_EQ(strip_timestamp(alice.expect("still chatting")), "<bob> still chatting");
}

TEST(LimitsOutputBudget, DefaultAndRangeAreChecked) {
  // 0 picks the default from memory; values under 64 KiB are refused.
  Process bad = run_process({CHAT_SERVER_PATH, "--max-output-total", "1000", "--check-config"});
  EXPECT_EQ(bad.status, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "max-output-total")) << bad.err;
  Process good = run_process({CHAT_SERVER_PATH, "--max-output-total", "0", "--check-config"});
  EXPECT_EQ(good.status, 0) << good.err;
}
