// BusStats: what a node's stats show after traffic and a reconnect.
#include "bus/bus_stats.h"

#include <gtest/gtest.h>

#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

TEST_F(BusTest, StatsCountWritesReadsReconnectsAndMeasureLagAndRoundTrip) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys);
  LogReaderOptions o;
  o.block = std::chrono::milliseconds(200);
  o.own_node = "w1";
  LogReader reader(loop, bus_test::loopback(redis.port()), keys, o);
  bool ready = false;
  reader.set_on_ready([&] { ready = true; });
  reader.start();
  ASSERT_TRUE(run_until([&] { return ready; }));
  for (std::uint64_t seq = 1; seq <= 3; ++seq) log.append("w1", w.fence, seq, {{"text", "x"}}, nullptr);
  ASSERT_TRUE(run_until([&] { return reader.entries_read() == 3; }));
  call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  ASSERT_TRUE(run_until([&] { return w.link->reconnects() == 1 && reader.link().reconnects() == 1; }));
  ASSERT_TRUE(run_until([&] { return w.link->last_round_trip().count() > 0; }));
  BusStats s = collect_stats(log, reader, *w.link);
  EXPECT_EQ(s.entries_written, 3U);
  EXPECT_EQ(s.entries_read, 3U);
  EXPECT_EQ(s.gaps, 0U);
  EXPECT_GE(s.lag_ms, 0);
  EXPECT_LT(s.lag_ms, 10000);  // one clock: the writer's own entries
  EXPECT_EQ(s.reconnects, 2U);
  EXPECT_GT(s.round_trip.count(), 0);
}
