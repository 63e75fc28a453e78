// ClusterNames with its feed, against a real Redis: a name held under an earlier lease is
// claimed again under the new one, and what its user typed meanwhile waits for the verdict:
// into the log when the name is still theirs, "not delivered" when it went elsewhere, and
// made again when the claim was lost with its connection.
#include "cluster/cluster_names.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bus/chat_log.h"
#include "bus/name_table.h"
#include "bus/outbox.h"
#include "protocol/line_dialect.h"
#include "protocol/names.h"
#include "tests/bus/bus_fixture.h"
#include "tests/cluster/cluster_test_util.h"

namespace {

using chat::ClientId;
using cluster::Speech;

using cluster_test::Recorder;

// The names' own link gives up on a silent Redis quickly, as a node's does (answer_timeout).
std::unique_ptr<bus::BusLink> quick_link(reactor::EventLoop& loop, std::uint16_t port) {
  bus::BusLinkOptions o;
  o.backoff_first = std::chrono::milliseconds(10);
  o.backoff_cap = std::chrono::milliseconds(100);
  o.client.answer_timeout = std::chrono::milliseconds(300);
  auto link = std::make_unique<bus::BusLink>(loop, bus_test::loopback(port), o);
  link->start();
  return link;
}

class ClusterNamesTest : public bus_test::BusTest {
 protected:
  ClusterNamesTest()
      : n(node("n1")),
        link(quick_link(loop, redis.port())),
        table(*link, keys),
        log(*link, keys),
        outbox(loop, *link, log, "n1"),
        feed(loop, outbox, room, "n1", std::chrono::milliseconds(5000)),
        names(loop, table, cluster_room, feed, "n1", std::chrono::milliseconds(2000)) {
    EXPECT_TRUE(run_until([&] { return link->up(); }));
    chat::Timestamp t;
    t.set(9, 0, 0);
    lines.set_stamp(t);
    feed.set_speech([this](ClientId id) { return names.speech(id); });
    names.set_on_lost([this](ClientId id) { lost.push_back(id); });
    outbox.set_fence(n.fence, n.last_seq);
    names.set_fence(n.fence);
  }

  // alice claims her name; her join is stored and read back (as ClusterRoom would report).
  void alice_joins() {
    std::optional<chat::NameAnswer> answer;
    names.claim(alice, "alice", [&](chat::NameAnswer a) { answer = a; });
    ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 1; }));
    names.joined(alice);
    ASSERT_EQ(answer, chat::NameAnswer::Granted);
    room.join(alice, "alice", lines);
    ASSERT_EQ(names.speech(alice), Speech::Now);
  }
  void say(const std::string& text) { feed.said(alice, "alice", text, ""); }
  // The public lines in the log, in its order, as any node would read them.
  std::vector<std::string> log_texts() { return cluster_test::texts_in(call({"XRANGE", keys.log(), "-", "+"})); }
  // Chat entries stored (an append call stores its entries as one stream entry).
  std::size_t log_length() {
    const std::string count = call({"GET", keys.log_count()}).at(0);
    return count.empty() ? 0 : std::stoul(count);
  }
  const std::vector<std::string>& told() { return transport.got[alice]; }

  bus_test::TestNode n;
  std::unique_ptr<bus::BusLink> link;
  bus::NameTable table;
  bus::ChatLog log;
  bus::Outbox outbox;
  Recorder transport;
  chat::Room room{transport};
  chat::LineDialect lines;
  cluster::ClusterRoom cluster_room{room, "n1"};
  cluster::ClusterFeed feed;
  cluster::ClusterNames names;
  std::vector<ClientId> lost;
  const ClientId alice{1, 1};
};

TEST_F(ClusterNamesTest, ALineTypedWhileTheNameIsClaimedAgainGoesToTheLogWhenItIsStillTheirs) {
  ASSERT_TRUE(redis.ok());
  alice_joins();
  names.set_fence(n.fence);  // a new grant: every held name is claimed again
  EXPECT_EQ(names.speech(alice), Speech::Soon);
  say("meanwhile");
  EXPECT_EQ(feed.held(), 1U);
  ASSERT_TRUE(run_until([&] { return feed.held() == 0 && feed.pending() == 0 && log_length() == 2; }));
  EXPECT_EQ(log_texts(), std::vector<std::string>{"meanwhile"});
  EXPECT_EQ(names.speech(alice), Speech::Now);
  EXPECT_TRUE(told().empty());
  EXPECT_TRUE(lost.empty());
}

TEST_F(ClusterNamesTest, ALineTypedWhileTheNameIsClaimedAgainIsRefusedWhenTheNameWentElsewhere) {
  ASSERT_TRUE(redis.ok());
  alice_joins();
  // While this node was cut off, its entry went and another node's user took the name.
  bool released = false;
  table.release(chat::name_key("alice"), "n1", n.fence, [&](bool ok) { released = ok; });
  ASSERT_TRUE(run_until([&] { return released; }));
  bus_test::TestNode n2 = node("n2", std::chrono::milliseconds(5000), 2);
  bus::NameTable other(*n2.link, keys);
  std::optional<bus::ClaimOutcome> theirs;
  other.claim(bus::NameEntry{chat::name_key("alice"), "n2", n2.fence, "7", "alice", 0},
              [&](const bus::ClaimResult& r) { theirs = r.outcome; });
  ASSERT_TRUE(run_until([&] { return theirs.has_value(); }));
  ASSERT_EQ(theirs, bus::ClaimOutcome::Granted);

  names.set_fence(n.fence);
  say("meanwhile");
  ASSERT_TRUE(run_until([&] { return !lost.empty(); }));
  EXPECT_EQ(lost, std::vector<ClientId>{alice});
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'meanwhile'\n"});
  EXPECT_EQ(names.speech(alice), Speech::Refused);
  run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(log_length(), 1U);  // the join only
}

// Redis froze with the claim on the wire: the link gives the connection up (its answer
// timeout), the claim fails with it, and the lease outlives the freeze, so no new grant
// comes. The claim is made again when the link is back; the waiting line follows.
TEST_F(ClusterNamesTest, AClaimLostWithItsConnectionIsMadeAgainWhenTheLinkIsBack) {
  ASSERT_TRUE(redis.ok());
  alice_joins();
  call({"PING"});  // the test's own link is up before the freeze
  ASSERT_EQ(kill(redis.pid(), SIGSTOP), 0);
  names.set_fence(n.fence);
  say("meanwhile");
  const bool dropped = run_until([&] { return !link->up(); }, std::chrono::seconds(3));
  run_for(std::chrono::milliseconds(200));
  ASSERT_EQ(kill(redis.pid(), SIGCONT), 0);
  ASSERT_TRUE(dropped);
  // Well before the line's 5 s deadline.
  ASSERT_TRUE(
      run_until([&] { return feed.held() == 0 && feed.pending() == 0 && log_length() == 2; }, std::chrono::seconds(3)));
  EXPECT_EQ(log_texts(), std::vector<std::string>{"meanwhile"});
  EXPECT_EQ(names.speech(alice), Speech::Now);
  EXPECT_TRUE(told().empty());
}

// A user dropped while their name is being claimed again (the core discards the name): what
// they typed meanwhile is reported at once, and the others hear them go.
TEST_F(ClusterNamesTest, ALineWaitingForTheClaimIsReportedAtOnceWhenTheNameIsDiscarded) {
  ASSERT_TRUE(redis.ok());
  alice_joins();
  names.set_fence(n.fence);
  say("meanwhile");
  names.discard(alice, "alice");
  EXPECT_EQ(told(), std::vector<std::string>{"[09:00:00] ! not delivered: the chat is reconnecting: 'meanwhile'\n"});
  EXPECT_EQ(feed.held(), 0U);
  ASSERT_TRUE(run_until([&] { return feed.pending() == 0 && log_length() == 2; }));
  EXPECT_TRUE(log_texts().empty());  // the join and the departure
  EXPECT_EQ(names.speech(alice), Speech::Refused);
}

}  // namespace
