// LogReader against a real Redis: stream order across writers, the entries of one append
// call (and an entry of the format before it) handed out one by one, resuming after its
// connection is killed, entries too long to be read together, a trim gap, and Redis coming
// back empty.
#include "bus/log_reader.h"

#include <gtest/gtest.h>

#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

namespace {

struct Collected {
  std::vector<std::string> ids;
  std::vector<std::uint64_t> numbers, seqs;
  std::vector<std::string> texts;
  std::vector<std::uint64_t> gaps;
  std::vector<std::string> lost;
  bool ready = false;
};

std::unique_ptr<LogReader> reader(reactor::EventLoop& loop, std::uint16_t port, const BusKeys& keys, Collected& c,
                                  bool from_start = false, std::size_t max_reply = 0) {
  LogReaderOptions o;
  o.block = std::chrono::milliseconds(200);
  o.from_start = from_start;
  o.own_node = "w1";
  BusLinkOptions l;
  l.backoff_first = std::chrono::milliseconds(10);
  l.backoff_cap = std::chrono::milliseconds(100);
  if (max_reply != 0) l.client.limits.max_reply = max_reply;
  auto r = std::make_unique<LogReader>(loop, bus_test::loopback(port), keys, o, l);
  r->set_on_entry([&c](const LogEntry& e) {
    c.ids.push_back(e.id);
    c.numbers.push_back(e.n);
    c.seqs.push_back(e.seq);
    c.texts.push_back(e.fields.empty() ? "" : e.fields[0].second);
  });
  r->set_on_gap([&c](std::uint64_t missed) { c.gaps.push_back(missed); });
  r->set_on_state_lost([&c](std::string_view why) { c.lost.emplace_back(why); });
  r->set_on_ready([&c] { c.ready = true; });
  r->start();
  return r;
}

}  // namespace

TEST_F(BusTest, ReaderOrderAcrossTwoWritersIsTheStreamsOrder) {
  ASSERT_TRUE(redis.ok());
  auto w1 = node("w1");
  auto w2 = node("w2", std::chrono::milliseconds(5000), 2);
  ChatLog log1(*w1.link, keys);
  ChatLog log2(*w2.link, keys);
  Collected c;
  auto r = reader(loop, redis.port(), keys, c);
  ASSERT_TRUE(run_until([&] { return c.ready; }));
  int answered = 0;
  for (std::uint64_t i = 1; i <= 50; ++i) {
    log1.append("w1", w1.fence, i, {{"text", std::string("a").append(std::to_string(i))}},
                [&](const AppendResult&) { ++answered; });
    log2.append("w2", w2.fence, i, {{"text", std::string("b").append(std::to_string(i))}},
                [&](const AppendResult&) { ++answered; });
  }
  ASSERT_TRUE(run_until([&] { return c.ids.size() == 100; }));
  std::vector<std::string> want;
  auto range = call({"XRANGE", "test:log", "-", "+"});
  for (std::size_t i = 0; i < range.size(); i += 11) want.push_back(range[i]);  // id + 10 field items
  EXPECT_EQ(c.ids, want);
  EXPECT_TRUE(c.gaps.empty());
  EXPECT_EQ(r->entries_read(), 100U);
}

TEST_F(BusTest, ReaderResumesAfterItsConnectionIsKilledWithoutLossOrDuplicate) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys);
  Collected c;
  auto r = reader(loop, redis.port(), keys, c);
  ASSERT_TRUE(run_until([&] { return c.ready; }));
  std::uint64_t seq = 0;
  for (; seq < 5; ++seq) log.append("w1", w.fence, seq + 1, {{"text", std::to_string(seq + 1)}}, nullptr);
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 5; }));
  call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});  // the reader's, and the writer's
  // Written while the reader is away.
  ASSERT_TRUE(run_until([&] { return w.link->up(); }));
  for (; seq < 10; ++seq) log.append("w1", w.fence, seq + 1, {{"text", std::to_string(seq + 1)}}, nullptr);
  ASSERT_TRUE(run_until([&] { return c.texts.size() >= 10 && r->link().reconnects() >= 1; }));
  run_for(std::chrono::milliseconds(300));  // a duplicate would show up here
  EXPECT_EQ(c.texts, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
  EXPECT_TRUE(c.lost.empty());
  EXPECT_TRUE(c.gaps.empty());
}

// Twenty entries of 3 KiB behind a reader whose replies may hold 8 KiB: COUNT 64 breaks the
// limit, and reading them whole again on every reconnect would never end.
TEST_F(BusTest, EntriesTooLongToBeReadTogetherAreReadFewerAtATime) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys);
  std::vector<std::string> written;
  int stored = 0;
  for (std::uint64_t seq = 1; seq <= 20; ++seq) {
    written.push_back(std::to_string(seq) + ":" + std::string(3000, 'x'));
    log.append("w1", w.fence, seq, {{"text", written.back()}}, [&stored](const AppendResult&) { ++stored; });
  }
  ASSERT_TRUE(run_until([&] { return stored == 20; }));
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"20"});
  Collected c;
  auto r = reader(loop, redis.port(), keys, c, true, 8 << 10);
  ASSERT_TRUE(run_until([&] { return c.texts.size() >= 20; }, std::chrono::seconds(10)));
  run_for(std::chrono::milliseconds(300));  // a duplicate would show up here
  EXPECT_EQ(c.texts, written);
  EXPECT_EQ(c.numbers.back(), 20U);
  EXPECT_GE(r->link().reconnects(), 1U);  // the limit was met, not avoided
  EXPECT_TRUE(c.gaps.empty());
}

TEST_F(BusTest, ATrimGapIsReported) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys, 10);
  Collected c;
  auto r = reader(loop, redis.port(), keys, c);
  ASSERT_TRUE(run_until([&] { return c.ready; }));
  int answered = 0;
  log.append("w1", w.fence, 1, {{"text", "1"}}, [&](const AppendResult&) { ++answered; });
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 1; }));
  r->stop();  // falls behind
  for (std::uint64_t i = 2; i <= 500; ++i)
    log.append("w1", w.fence, i, {{"text", std::to_string(i)}}, [&](const AppendResult&) { ++answered; });
  ASSERT_TRUE(run_until([&] { return answered == 500; }));
  call({"XTRIM", "test:log", "MAXLEN", "10"});  // exact, so the test knows what is left
  r->start();
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 11; }));
  ASSERT_EQ(c.gaps.size(), 1U);
  EXPECT_EQ(c.gaps[0], 489U);  // 2..490 were trimmed
  EXPECT_EQ(c.texts.back(), "500");
}

TEST_F(BusTest, RedisComingBackEmptyIsReportedAsLostState) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys);
  Collected c;
  auto r = reader(loop, redis.port(), keys, c);
  ASSERT_TRUE(run_until([&] { return c.ready; }));
  for (std::uint64_t i = 1; i <= 3; ++i) log.append("w1", w.fence, i, {{"text", std::to_string(i)}}, nullptr);
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 3; }));
  // A restart without data, as every client sees it: data and scripts gone, connections cut.
  call({"FLUSHALL"});
  call({"SCRIPT", "FLUSH"});
  // A node that came back sooner writes before this reader has reconnected: not missed.
  auto again = node("w1", std::chrono::milliseconds(5000), 5);
  ChatLog log2(*again.link, keys);
  bool early = false;
  log2.append("w1", again.fence, 4, {{"text", "early"}}, [&](const AppendResult&) { early = true; });
  ASSERT_TRUE(run_until([&] { return early; }));
  call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  ASSERT_TRUE(run_until([&] { return c.lost.size() == 1; }));
  EXPECT_TRUE(c.lost[0].find("epoch") != std::string::npos) << c.lost[0];
  // Writing goes on; the reader follows the new log from its start.
  ASSERT_TRUE(run_until([&] { return again.link->up(); }));
  log2.append("w1", again.fence, 5, {{"text", "after"}}, nullptr);
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 5; }));
  EXPECT_EQ(c.texts[3], "early");
  EXPECT_EQ(c.texts.back(), "after");
  EXPECT_EQ(c.lost.size(), 1U);
}

TEST_F(BusTest, TheEntriesOfOneCallAreReadOneByOneAndOlderEntriesToo) {
  ASSERT_TRUE(redis.ok());
  auto w = node("w1");
  ChatLog log(*w.link, keys);
  Collected c;
  auto r = reader(loop, redis.port(), keys, c);
  ASSERT_TRUE(run_until([&] { return c.ready; }));
  // An entry as nodes wrote them before 2026-12-07: one a stream entry, its seq in `seq`.
  call({"INCR", "test:log:count"});
  call({"XADD", "test:log", "*", "n", "1", "node", "w0", "seq", "7", "t", "0", "text", "older"});
  const EntryFields one = {{"text", "one"}}, two = {{"text", "two"}}, three = {{"text", "three"}};
  std::vector<AppendResult> got;
  log.append_batch("w1", w.fence, {{1, &one}, {2, &two}, {3, &three}},
                   [&](const std::vector<AppendResult>& results) { got = results; });
  // The reader may see them before the writer hears its reply: wait for both.
  ASSERT_TRUE(run_until([&] { return c.texts.size() == 4 && got.size() == 3; }));
  EXPECT_EQ(c.texts, (std::vector<std::string>{"older", "one", "two", "three"}));
  EXPECT_EQ(c.numbers, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(c.seqs, (std::vector<std::uint64_t>{7, 1, 2, 3}));
  EXPECT_TRUE(c.gaps.empty());
  // One stream entry for the call: its three share the id the append reported.
  ASSERT_EQ(got.size(), 3U);
  EXPECT_EQ(c.ids[1], got[0].id);
  EXPECT_EQ(c.ids[3], got[2].id);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"2"});
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"4"});
}
