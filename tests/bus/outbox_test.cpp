// Outbox against a real Redis: entries are appended in order, held while Redis is away,
// and given up (never sent later) once their deadline passes; a frozen Redis is left behind.
#include "bus/outbox.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

TEST_F(BusTest, OutboxWritesInOrderAndForgetsWhatWasWritten) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Outbox out(loop, *n.link, log, "n1");
  std::vector<std::uint64_t> written;
  out.set_on_written([&](std::uint64_t seq, const std::string&) { written.push_back(seq); });
  out.set_fence(n.fence, n.last_seq);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(out.add({{"text", std::to_string(i)}}).has_value());
  ASSERT_TRUE(run_until([&] { return written.size() == 5; }));
  EXPECT_EQ(written, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(out.size(), 0U);
  EXPECT_EQ(out.bytes(), 0U);
}

// Redis's cost is mostly per call: the lines of one event-loop turn share one script call,
// and lines of later turns do not wait for it.
TEST_F(BusTest, OutboxSendsTheEntriesOfOneTurnAsOneCall) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Outbox out(loop, *n.link, log, "n1");
  std::vector<std::uint64_t> written;
  out.set_on_written([&](std::uint64_t seq, const std::string&) { written.push_back(seq); });
  out.set_fence(n.fence, n.last_seq);
  ASSERT_TRUE(out.add({{"text", "warm"}}));  // loads the script
  ASSERT_TRUE(run_until([&] { return written.size() == 1; }));
  auto script_calls = [&] {
    for (const std::string& line : call({"INFO", "commandstats"})) {
      const std::size_t at = line.find("cmdstat_evalsha:calls=");
      if (at != std::string::npos) return std::stoul(line.substr(at + 22));
    }
    return 0UL;
  };
  call({"CONFIG", "RESETSTAT"});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(out.add({{"text", std::to_string(i)}}));
  ASSERT_TRUE(run_until([&] { return written.size() == 11; }));
  EXPECT_EQ(script_calls(), 1UL);
  ASSERT_TRUE(out.add({{"text", "next turn"}}));
  ASSERT_TRUE(run_until([&] { return written.size() == 12; }));
  EXPECT_EQ(script_calls(), 2UL);
  EXPECT_EQ(written, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST_F(BusTest, OutboxIsBoundedInCountAndBytes) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  OutboxOptions o;
  o.max_entries = 3;
  o.max_bytes = 20;
  Outbox out(loop, *n.link, log, "n1", o);  // no fence yet: everything is held
  EXPECT_TRUE(out.add({{"t", "123456789"}}));
  EXPECT_FALSE(out.add({{"t", "1234567890123"}}));  // bytes
  EXPECT_TRUE(out.add({{"t", "1"}}));
  EXPECT_TRUE(out.add({{"t", "2"}}));
  EXPECT_FALSE(out.add({{"t", "3"}}));  // count
}

TEST_F(BusTest, OutboxGivesUpAfterTheDeadlineAndNeverSendsThatEntry) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  OutboxOptions o;
  o.deadline = std::chrono::milliseconds(300);
  Outbox out(loop, *n.link, log, "n1", o);
  std::vector<std::string> given_up;
  std::vector<std::uint64_t> written;
  out.set_on_given_up([&](const OutboxEntry& e) { given_up.push_back(e.fields[0].second); });
  out.set_on_written([&](std::uint64_t seq, const std::string&) { written.push_back(seq); });
  // The lease is not handed over yet (as while Redis is unreachable): nothing can go out.
  ASSERT_TRUE(out.add({{"text", "stale"}}));
  ASSERT_TRUE(run_until([&] { return !given_up.empty(); }));
  EXPECT_EQ(given_up, std::vector<std::string>{"stale"});
  EXPECT_EQ(out.size(), 0U);
  out.set_fence(n.fence, n.last_seq);
  ASSERT_TRUE(out.add({{"text", "fresh"}}));
  ASSERT_TRUE(run_until([&] { return written.size() == 1; }));
  auto range = call({"XRANGE", "test:log", "-", "+"});
  ASSERT_EQ(range.size(), 11U);  // one entry
  EXPECT_EQ(range.back(), "fresh");
  EXPECT_EQ(out.given_up(), 1U);
}

TEST_F(BusTest, OutboxReSendsAfterAReconnect) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Outbox out(loop, *n.link, log, "n1");
  std::vector<std::uint64_t> written;
  out.set_on_written([&](std::uint64_t seq, const std::string&) { written.push_back(seq); });
  out.set_fence(n.fence, n.last_seq);
  call({"PING"});  // the test's own link is up before the cut
  // Queued on the wire, then the connection is cut before (some of) the replies arrive:
  // whatever Redis stored before the cut is answered Duplicate on the re-send.
  for (int i = 0; i < 20; ++i) out.add({{"text", std::to_string(i)}});
  call({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"});
  ASSERT_TRUE(run_until([&] { return n.link->reconnects() >= 1; }));
  ASSERT_TRUE(run_until([&] { return written.size() == 20; }));
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"20"});  // each stored once
}

// A Redis that stops answering (SIGSTOP: the connection stays up, nothing comes back) past
// the link's answer timeout: the link drops the connection and makes a new one, and what
// was on the wire is re-sent and stored once when Redis runs again.
TEST_F(BusTest, OutboxStoresEachEntryOnceAfterRedisFrozePastTheAnswerTimeout) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  BusLinkOptions o;
  o.backoff_first = std::chrono::milliseconds(10);
  o.backoff_cap = std::chrono::milliseconds(200);
  o.client.answer_timeout = std::chrono::milliseconds(300);
  BusLink link(loop, bus_test::loopback(redis.port()), o);
  std::vector<std::string> downs;
  link.add_on_down([&](std::string_view why) { downs.emplace_back(why); });
  link.start();
  ASSERT_TRUE(run_until([&] { return link.up(); }));
  ChatLog log(link, keys);
  Outbox out(loop, link, log, "n1");
  std::vector<std::uint64_t> written;
  out.set_on_written([&](std::uint64_t seq, const std::string&) { written.push_back(seq); });
  out.set_fence(n.fence, n.last_seq);
  call({"PING"});  // the test's own link is up before the freeze
  ASSERT_EQ(kill(redis.pid(), SIGSTOP), 0);
  for (int i = 0; i < 20; ++i) out.add({{"text", std::to_string(i)}});
  const bool noticed = run_until([&] { return !downs.empty(); }, std::chrono::seconds(5));
  run_for(std::chrono::milliseconds(400));  // reconnecting while Redis is still frozen
  ASSERT_EQ(kill(redis.pid(), SIGCONT), 0);
  ASSERT_TRUE(noticed);
  EXPECT_EQ(downs.front(), "no answer for 300 ms");
  ASSERT_TRUE(run_until([&] { return written.size() == 20; }));
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"20"});  // each stored once
  EXPECT_GE(link.reconnects(), 1U);
}
