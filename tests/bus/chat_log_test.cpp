// ChatLog against a real Redis: a fenced (expired) node's append is refused, a re-sent
// (node, seq) is stored once, entries are numbered, an entry Redis failed to store is not
// taken for stored.
#include "bus/chat_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "bus/log_reader.h"
#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

namespace {

struct Appender {
  std::vector<AppendResult> results;
  std::function<void(const AppendResult&)> hook() {
    return [this](const AppendResult& r) { results.push_back(r); };
  }
};

}  // namespace

TEST_F(BusTest, AnExpiredNodesAppendIsRefused) {
  ASSERT_TRUE(redis.ok());
  auto frozen = node("frozen", std::chrono::milliseconds(300));
  ChatLog log(*frozen.link, keys);
  Appender a;
  log.append("frozen", frozen.fence, 1, {{"text", "before"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 1; }));
  EXPECT_EQ(a.results[0].outcome, AppendOutcome::Appended);

  frozen.lease.reset();
  ASSERT_TRUE(run_until([&] { return call({"EXISTS", "test:node:frozen"}) == std::vector<std::string>{"0"}; }));
  log.append("frozen", frozen.fence, 2, {{"text", "late"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 2; }));
  EXPECT_EQ(a.results[1].outcome, AppendOutcome::Fenced);
  // The same node name registered again has a new token: the old one stays refused.
  auto back = node("frozen", std::chrono::milliseconds(5000), 3);
  EXPECT_GT(back.fence, frozen.fence);
  log.append("frozen", frozen.fence, 2, {{"text", "late"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 3; }));
  EXPECT_EQ(a.results[2].outcome, AppendOutcome::Fenced);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"1"});
}

TEST_F(BusTest, AReSentEntryIsStoredOnce) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Appender a;
  log.append("n1", n.fence, 1, {{"text", "one"}}, a.hook());
  log.append("n1", n.fence, 2, {{"text", "two"}}, a.hook());
  log.append("n1", n.fence, 2, {{"text", "two"}}, a.hook());  // the re-send after a reconnect
  log.append("n1", n.fence, 1, {{"text", "one"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 4; }));
  EXPECT_EQ(a.results[0].outcome, AppendOutcome::Appended);
  EXPECT_EQ(a.results[1].outcome, AppendOutcome::Appended);
  EXPECT_EQ(a.results[2].outcome, AppendOutcome::Duplicate);
  EXPECT_EQ(a.results[3].outcome, AppendOutcome::Duplicate);
  EXPECT_EQ(log.entries_written(), 2U);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"2"});
  auto range = call({"XRANGE", "test:log", "-", "+"});
  // [id, [n 1 node n1 seq 1 t ... text one]], ...
  ASSERT_GE(range.size(), 12U);
  EXPECT_EQ(range[1], "n");
  EXPECT_EQ(range[2], "1");
  EXPECT_EQ(range[4], "n1");
  EXPECT_EQ(range[9], "text");
  EXPECT_EQ(range[10], "one");
  // A restarted node learns where its numbering stands.
  std::uint64_t last_seq = 0;
  NodeLease again(loop, *n.link, keys, "n1");
  again.set_on_granted([&](std::uint64_t, std::uint64_t seen) { last_seq = seen; });
  again.start();
  ASSERT_TRUE(run_until([&] { return again.state() == NodeLease::State::Held; }));
  EXPECT_EQ(last_seq, 2U);
}

TEST_F(BusTest, AbandoningSettlesAnEntryOfUnknownFateForGood) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Appender a;
  log.append("n1", n.fence, 1, {{"text", "stored before the cut"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 1; }));
  std::vector<std::optional<bool>> stored;
  log.abandon("n1", 1, [&](std::optional<bool> s) { stored.push_back(s); });
  log.abandon("n1", 2, [&](std::optional<bool> s) { stored.push_back(s); });
  ASSERT_TRUE(run_until([&] { return stored.size() == 2; }));
  EXPECT_EQ(stored[0], std::optional<bool>(true));
  EXPECT_EQ(stored[1], std::optional<bool>(false));
  // A late copy of the abandoned entry (still in some pipeline) is never stored.
  log.append("n1", n.fence, 2, {{"text", "late"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 2; }));
  EXPECT_EQ(a.results[1].outcome, AppendOutcome::Duplicate);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"1"});
}

TEST_F(BusTest, EntriesOfOneNodeMayArriveOutOfOrder) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Appender a;
  // 2 first (1 was refused, say, and comes back later): 1 is still stored, once.
  log.append("n1", n.fence, 2, {{"text", "two"}}, a.hook());
  log.append("n1", n.fence, 1, {{"text", "one"}}, a.hook());
  log.append("n1", n.fence, 1, {{"text", "one"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 3; }));
  EXPECT_EQ(a.results[0].outcome, AppendOutcome::Appended);
  EXPECT_EQ(a.results[1].outcome, AppendOutcome::Appended);
  EXPECT_EQ(a.results[2].outcome, AppendOutcome::Duplicate);
}

TEST_F(BusTest, ABatchIsAppendedInOrderInOneCallWithDuplicatesDroppedAndAFenceForAll) {
  ASSERT_TRUE(redis.ok());
  auto n = node("b1", std::chrono::milliseconds(300));
  ChatLog log(*n.link, keys);
  Appender single;
  log.append("b1", n.fence, 2, {{"text", "two"}}, single.hook());
  ASSERT_TRUE(run_until([&] { return single.results.size() == 1; }));
  const EntryFields one = {{"text", "one"}, {"k", "m"}}, two = {{"text", "two"}}, three = {{"text", "three"}};
  std::vector<AppendResult> got;
  log.append_batch("b1", n.fence, {{1, &one}, {2, &two}, {3, &three}},
                   [&](const std::vector<AppendResult>& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.size() == 3; }));
  EXPECT_EQ(got[0].outcome, AppendOutcome::Appended);
  EXPECT_EQ(got[1].outcome, AppendOutcome::Duplicate);  // stored before: once
  EXPECT_EQ(got[2].outcome, AppendOutcome::Appended);
  EXPECT_EQ(got[0].id, got[2].id);  // one stream entry for the call
  EXPECT_TRUE(stream_id_less(single.results[0].id, got[0].id));
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"2"});
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"3"});
  std::vector<std::string> last = call({"XREVRANGE", "test:log", "+", "-", "COUNT", "1"});
  EXPECT_NE(std::find(last.begin(), last.end(), "three"), last.end());

  n.lease.reset();  // as a freeze: the lease runs out
  ASSERT_TRUE(run_until([&] { return call({"EXISTS", "test:node:b1"}) == std::vector<std::string>{"0"}; }));
  got.clear();
  log.append_batch("b1", n.fence, {{4, &one}, {5, &two}}, [&](const std::vector<AppendResult>& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.size() == 2; }));
  EXPECT_EQ(got[0].outcome, AppendOutcome::Fenced);
  EXPECT_EQ(got[1].outcome, AppendOutcome::Fenced);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"2"});
}

TEST_F(BusTest, AnEntryRedisCouldNotStoreIsNoDuplicateWhenSentAgain) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1");
  ChatLog log(*n.link, keys);
  Appender a;
  log.append("n1", n.fence, 1, {{"text", "one"}}, a.hook());
  ASSERT_TRUE(run_until([&] { return a.results.size() == 1; }));
  // An operator's mistake: the stream's key now holds a string, and XADD fails on it.
  call({"DEL", "test:log"});
  call({"SET", "test:log", "not a stream"});
  std::vector<std::vector<AppendResult>> batches;
  const EntryFields two = {{"text", "two"}};
  const EntryFields three = {{"text", "three"}};
  auto hook = [&](const std::vector<AppendResult>& r) { batches.push_back(r); };
  log.append_batch("n1", n.fence, {{2, &two}, {3, &three}}, hook);
  ASSERT_TRUE(run_until([&] { return batches.size() == 1; }));
  ASSERT_EQ(batches[0].size(), 2U);
  EXPECT_EQ(batches[0][0].outcome, AppendOutcome::Failed);
  EXPECT_NE(batches[0][0].why.find("WRONGTYPE"), std::string::npos) << batches[0][0].why;
  // Put right, the re-send stores both: neither was marked as stored by the failed call.
  call({"DEL", "test:log"});
  log.append_batch("n1", n.fence, {{2, &two}, {3, &three}}, hook);
  ASSERT_TRUE(run_until([&] { return batches.size() == 2; }));
  ASSERT_EQ(batches[1].size(), 2U);
  EXPECT_EQ(batches[1][0].outcome, AppendOutcome::Appended);
  EXPECT_EQ(batches[1][1].outcome, AppendOutcome::Appended);
  EXPECT_EQ(call({"XLEN", "test:log"}), std::vector<std::string>{"1"});
  EXPECT_EQ(call({"GET", "test:log:count"}), std::vector<std::string>{"3"});
}
