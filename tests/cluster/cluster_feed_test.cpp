// ClusterFeed against a real Redis: a line whose author's name is being claimed again waits,
// in order, and goes to the log after the author's join; one still waiting at its deadline,
// or whose author left or lost the name, is reported not delivered and never written.
#include "cluster/cluster_feed.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "protocol/line_dialect.h"
#include "tests/bus/bus_fixture.h"
#include "tests/cluster/cluster_test_util.h"

namespace {

using chat::ClientId;
using cluster::Speech;

using cluster_test::Recorder;

class ClusterFeedTest : public bus_test::BusTest {
 protected:
  explicit ClusterFeedTest(std::chrono::milliseconds deadline = std::chrono::milliseconds(5000),
                           bus::OutboxOptions outbox_options = {})
      : n(node("n1")),
        log(*n.link, keys),
        outbox(loop, *n.link, log, "n1", outbox_options),
        feed(loop, outbox, room, "n1", deadline) {
    outbox.set_fence(n.fence, n.last_seq);
    chat::Timestamp t;
    t.set(9, 0, 0);
    lines.set_stamp(t);
    room.join(alice, "alice", lines);
    feed.set_speech([this](ClientId) { return speech; });
  }

  void say(const std::string& text) { feed.said(alice, "alice", text, ""); }
  // The texts of the log's lines, in the log's order.
  std::vector<std::string> log_texts() { return cluster_test::texts_in(call({"XRANGE", keys.log(), "-", "+"})); }
  // Chat entries stored (an append call stores its entries as one stream entry).
  std::size_t log_length() {
    const std::string count = call({"GET", keys.log_count()}).at(0);
    return count.empty() ? 0 : std::stoul(count);
  }
  const std::vector<std::string>& told() { return transport.got[alice]; }

  bus_test::TestNode n;
  bus::ChatLog log;
  bus::Outbox outbox;
  Recorder transport;
  chat::Room room{transport};
  chat::LineDialect lines;
  cluster::ClusterFeed feed;
  const ClientId alice{1, 1};
  Speech speech = Speech::Now;
};

class ClusterFeedShortDeadline : public ClusterFeedTest {
 protected:
  ClusterFeedShortDeadline() : ClusterFeedTest(std::chrono::milliseconds(300)) {}
};

class ClusterFeedSmallOutbox : public ClusterFeedTest {
 protected:
  static bus::OutboxOptions two_entries() {
    bus::OutboxOptions o;
    o.max_entries = 2;
    return o;
  }
  ClusterFeedSmallOutbox() : ClusterFeedTest(std::chrono::milliseconds(5000), two_entries()) {}
};

TEST_F(ClusterFeedSmallOutbox, AFullOutboxWhileTheStoreIsUpTellsTheSenderTheChatIsBusy) {
  ASSERT_TRUE(redis.ok());
  say("one");  // all three in one turn: the outbox sends at its end
  say("two");
  say("three");
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is busy: 'three'\n"});
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 2; }));
  EXPECT_EQ(log_texts(), (std::vector<std::string>{"one", "two"}));
  say("four");  // room again once the store took the others
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 3; }));
  EXPECT_EQ(told().size(), 1U);
}

TEST_F(ClusterFeedSmallOutbox, AFullOutboxWhileTheStoreIsDownTellsTheSenderTheChatIsReconnecting) {
  ASSERT_TRUE(redis.ok());
  redis.kill_now();
  ASSERT_TRUE(run_until([&] { return !n.link->up(); }));
  say("one");
  say("two");
  say("three");
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'three'\n"});
}

TEST_F(ClusterFeedTest, ALineWaitsWhileItsAuthorIsClaimedAgainThenFollowsItsJoin) {
  ASSERT_TRUE(redis.ok());
  speech = Speech::Soon;
  say("one");
  say("two");
  run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(feed.held(), 2U);
  EXPECT_EQ(log_length(), 0U);
  EXPECT_TRUE(told().empty());
  speech = Speech::Now;
  say("three");  // behind its own waiting lines, even once it may speak
  cluster::LogEvent join;
  join.kind = cluster::LogKind::Join;
  join.owner = "n1";
  join.client = alice.value();
  join.name = "alice";
  ASSERT_TRUE(feed.publish(join));
  feed.speak_held(alice);
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 4; }));
  EXPECT_EQ(log_texts(), (std::vector<std::string>{"one", "two", "three"}));
  std::vector<cluster::LogEvent> all = cluster_test::events_in(call({"XRANGE", keys.log(), "-", "+"}));
  ASSERT_EQ(all.size(), 4U);
  EXPECT_EQ(all[0].kind, cluster::LogKind::Join);  // the join comes first
  EXPECT_EQ(all[0].name, "alice");
  EXPECT_TRUE(told().empty());
  EXPECT_EQ(feed.held(), 0U);
}

TEST_F(ClusterFeedShortDeadline, ALineStillWaitingAtItsDeadlineIsNotDeliveredNorWrittenLater) {
  ASSERT_TRUE(redis.ok());
  speech = Speech::Soon;
  say("too late");
  ASSERT_TRUE(run_until([&] { return !told().empty(); }));
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'too late'\n"});
  EXPECT_EQ(feed.not_delivered(), 1U);
  speech = Speech::Now;
  feed.speak_held(alice);
  say("on time");
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 1; }));
  EXPECT_EQ(log_texts(), std::vector<std::string>{"on time"});
}

TEST_F(ClusterFeedTest, ALineWaitingWhenItsAuthorLeavesIsNotDeliveredAndTheLeaveIsWritten) {
  ASSERT_TRUE(redis.ok());
  speech = Speech::Soon;
  say("last words");
  feed.departed(alice, "alice", chat::EventKind::Left, chat::Departure::Lost);
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'last words'\n"});
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 1; }));
  EXPECT_TRUE(log_texts().empty());
  feed.speak_held(alice);
  run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(log_length(), 1U);
}

TEST_F(ClusterFeedTest, ARefusedClaimOrALostLeaseTellsTheWaitingAuthorAtOnce) {
  ASSERT_TRUE(redis.ok());
  speech = Speech::Soon;
  say("held 1");
  feed.refuse_held(alice);
  say("held 2");
  feed.refuse_all_held();
  speech = Speech::Refused;
  say("refused");
  EXPECT_EQ(told(), (std::vector<std::string>{
                        "[09:00:00] ! not delivered: the chat is reconnecting: 'held 1'\n",
                        "[09:00:00] ! not delivered: the chat is reconnecting: 'held 2'\n",
                        "[09:00:00] ! not delivered: the chat is reconnecting: 'refused'\n",
                    }));
  EXPECT_EQ(feed.held(), 0U);
  run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(log_length(), 0U);
}

TEST_F(ClusterFeedTest, WaitingLinesAreBoundedInCount) {
  ASSERT_TRUE(redis.ok());
  speech = Speech::Soon;
  for (std::size_t i = 0; i < cluster::ClusterFeed::kMaxHeldLines; ++i) say(std::to_string(i));
  EXPECT_TRUE(told().empty());
  say("one too many");
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'one too many'\n"});
  EXPECT_EQ(feed.held(), cluster::ClusterFeed::kMaxHeldLines);
}

}  // namespace
