// ClusterRoom and LogEvent without Redis: entries as the log hands them out become the local
// members' lines, in the line protocol's shapes; members of other nodes are in the room but
// receive nothing here; bad entries are nothing.
#include "cluster/cluster_room.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cluster/log_event.h"
#include "protocol/line_dialect.h"

namespace {

using chat::ClientId;
using cluster::LogEvent;
using cluster::LogKind;

struct Recorder : chat::Transport {
  std::map<ClientId, std::vector<std::string>> got;
  void deliver(ClientId to, const reactor::PayloadRef& line) override { got[to].emplace_back(line.view()); }
};

class ClusterRoomTest : public ::testing::Test {
 protected:
  ClusterRoomTest() {
    chat::Timestamp t;
    t.set(9, 0, 0);
    lines.set_stamp(t);
    room.join(alice, "alice", lines);
    room.join(bob, "bob", lines);
  }
  static LogEvent event(LogKind kind, std::string owner, std::uint64_t client, std::string name) {
    LogEvent e;
    e.kind = kind;
    e.owner = std::move(owner);
    e.client = client;
    e.name = std::move(name);
    return e;
  }
  // Through the codec, as another node would have written it.
  void apply(const LogEvent& e) {
    bus::LogEntry entry;
    entry.node = "w";
    entry.fields = cluster::encode(e, "w");
    std::optional<LogEvent> back = cluster::decode(entry);
    ASSERT_TRUE(back);
    cluster_room.apply(*back);
  }

  const ClientId alice{1, 1}, bob{2, 1};
  Recorder transport;
  chat::Room room{transport};
  chat::LineDialect lines;
  cluster::ClusterRoom cluster_room{room, "here"};
};

TEST_F(ClusterRoomTest, AJoinElsewhereMakesAMemberWhoReceivesNothingHere) {
  apply(event(LogKind::Join, "there", 7, "zed"));
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] * zed joined the chat\n"}));
  EXPECT_TRUE(room.find("ZED"));
  EXPECT_EQ(room.size(), 3u);
  EXPECT_EQ(cluster_room.remote_members(), 1u);
  transport.got.clear();
  LogEvent line = event(LogKind::Say, "here", alice.value(), "alice");
  line.text = "hi all";
  apply(line);
  EXPECT_TRUE(transport.got[alice].empty());  // the sender does not hear its own line
  EXPECT_EQ(transport.got[bob], (std::vector<std::string>{"[09:00:00] <alice> hi all\n"}));
  EXPECT_EQ(transport.got.size(), 2u);  // nobody else: zed is served by its own node
  apply(event(LogKind::TooSlow, "there", 7, "zed"));
  EXPECT_EQ(transport.got[bob].back(), "[09:00:00] * zed was disconnected (too slow)\n");
  EXPECT_FALSE(room.find("zed"));
}

// Its own join read back is where a node welcomes its user: the hook runs first (here it
// joins the user, as the core does), then the others hear of the join, the user does not.
TEST_F(ClusterRoomTest, AJoinOfItsOwnReadBackRunsTheHookBeforeTellingTheOthers) {
  const ClientId carol{3, 1};
  std::vector<ClientId> hooked;
  cluster_room.set_on_own_join([&](ClientId id) {
    hooked.push_back(id);
    EXPECT_TRUE(transport.got[alice].empty());  // nobody told yet
    room.join(id, "carol", lines);
  });
  apply(event(LogKind::Join, "there", 7, "zed"));
  EXPECT_TRUE(hooked.empty());  // another node's join is not ours to welcome
  transport.got.clear();
  apply(event(LogKind::Join, "here", carol.value(), "carol"));
  EXPECT_EQ(hooked, std::vector<ClientId>{carol});
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] * carol joined the chat\n"}));
  EXPECT_TRUE(transport.got[carol].empty());
  EXPECT_EQ(cluster_room.remote_members(), 1u);  // carol is local: only zed is remote
}

TEST_F(ClusterRoomTest, APrivateLineReachesItsRecipientAndEchoesToItsSenderOnly) {
  apply(event(LogKind::Join, "there", 7, "zed"));
  transport.got.clear();
  LogEvent w = event(LogKind::Whisper, "here", alice.value(), "alice");
  w.peer = "BOB";
  w.text = "psst";
  apply(w);
  EXPECT_EQ(transport.got[bob], (std::vector<std::string>{"[09:00:00] [private] <alice> psst\n"}));
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] [private to bob] <alice> psst\n"}));
  transport.got.clear();
  w = event(LogKind::Whisper, "there", 7, "zed");
  w.peer = "alice";
  w.text = "from afar";
  apply(w);
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] [private] <zed> from afar\n"}));
  EXPECT_TRUE(transport.got[bob].empty());
  // The recipient left between the line and its turn in the log: the sender is told.
  transport.got.clear();
  w = event(LogKind::Whisper, "here", alice.value(), "alice");
  w.peer = "nobody";
  w.text = "hello?";
  apply(w);
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] ! user 'nobody' is not connected\n"}));
}

TEST_F(ClusterRoomTest, SeedingFromTheNameTableAddsOthersOnceAndSkipsItsOwn) {
  cluster_room.seed(
      {{"zed", "there", 3, "7", "Zed"}, {"alice", "here", 3, "1", "alice"}, {"x", "there", 3, "8", "bad name"}});
  cluster_room.seed({{"zed", "there", 3, "7", "Zed"}});
  EXPECT_EQ(cluster_room.remote_members(), 1u);
  EXPECT_EQ(room.size(), 3u);
  apply(event(LogKind::Leave, "there", 7, "Zed"));
  EXPECT_EQ(transport.got[alice].back(), "[09:00:00] * Zed left the chat\n");
  EXPECT_EQ(room.size(), 2u);
  cluster_room.seed({{"zed", "there", 3, "7", "Zed"}});
  cluster_room.forget_all_remote();
  EXPECT_EQ(room.size(), 2u);
}

TEST_F(ClusterRoomTest, AStaleMemberGivesWayToTheNewHolderOfItsName) {
  apply(event(LogKind::Join, "there", 7, "zed"));
  apply(event(LogKind::Join, "elsewhere", 9, "ZED"));  // Redis gave it on: the first one's node died
  EXPECT_EQ(cluster_room.remote_members(), 1u);
  EXPECT_EQ(room.name_of(*room.find("zed")), "ZED");
  // A local member's name is never taken by an entry: Redis decided for it.
  apply(event(LogKind::Join, "there", 5, "alice"));
  EXPECT_EQ(*room.find("alice"), alice);
}

// After Redis lost its state the earlier claim of a name keeps it: its join says whom it
// displaced. A displaced member here goes (the others hear it disconnect, under its own
// spelling); one whose join the log has not reached yet never joins.
TEST_F(ClusterRoomTest, AJoinThatDisplacesALaterClaimRemovesItOrVoidsItsJoinToCome) {
  apply(event(LogKind::Join, "b", 9, "ZOE"));
  transport.got.clear();
  LogEvent back = event(LogKind::Join, "a", 4, "zoe");
  back.displaced_owner = "b";
  back.displaced_client = 9;
  apply(back);
  EXPECT_EQ(transport.got[alice],
            (std::vector<std::string>{"[09:00:00] * ZOE disconnected\n", "[09:00:00] * zoe joined the chat\n"}));
  EXPECT_EQ(room.name_of(*room.find("zoe")), "zoe");
  EXPECT_EQ(cluster_room.remote_members(), 1u);
  transport.got.clear();
  LogEvent late = event(LogKind::Say, "b", 9, "ZOE");  // sent before its node read the join
  late.text = "still me";
  apply(late);
  apply(event(LogKind::Disconnect, "b", 9, "ZOE"));
  EXPECT_TRUE(transport.got[alice].empty());  // nobody speaks, or leaves, as zoe

  transport.got.clear();
  LogEvent first = event(LogKind::Join, "a", 5, "max");
  first.displaced_owner = "b";
  first.displaced_client = 10;  // its join is later in the log
  first.displaced_since = 500;
  apply(first);
  LogEvent displaced_join = event(LogKind::Join, "b", 10, "MAX");
  displaced_join.since = 500;
  apply(displaced_join);
  EXPECT_EQ(transport.got[alice], (std::vector<std::string>{"[09:00:00] * max joined the chat\n"}));
  EXPECT_EQ(room.name_of(*room.find("max")), "max");
  apply(event(LogKind::Leave, "a", 5, "max"));
  LogEvent anew = displaced_join;  // the same user claims it again once it is free: a new claim
  anew.since = 900;
  apply(anew);
  EXPECT_EQ(room.name_of(*room.find("max")), "MAX");

  std::vector<ClientId> displaced;
  cluster_room.set_on_displaced([&](ClientId id, std::string_view) {
    displaced.push_back(id);
    room.leave(id);  // as the core does when it takes a name away
  });
  transport.got.clear();
  LogEvent over_bob = event(LogKind::Join, "a", 6, "bob");
  over_bob.displaced_owner = "here";
  over_bob.displaced_client = bob.value();
  apply(over_bob);
  EXPECT_EQ(displaced, std::vector<ClientId>{bob});
  EXPECT_EQ(transport.got[alice],
            (std::vector<std::string>{"[09:00:00] * bob disconnected\n", "[09:00:00] * bob joined the chat\n"}));
  EXPECT_TRUE(transport.got[bob].empty());
}

// Entries with one field per part (written before the one-field form) are read too.
TEST(LogEvent, BadEntriesAreNothingAndTextIsCleaned) {
  bus::LogEntry entry;
  entry.node = "n";
  entry.fields = {{"k", "m"}, {"c", "5"}, {"a", "eve"}, {"x", "hi\x1b[2J\xc2\x9b there"}};
  std::optional<LogEvent> e = cluster::decode(entry);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text.find('\x1b'), std::string::npos);
  EXPECT_EQ(e->text.find("\xc2\x9b"), std::string::npos);
  entry.fields = {{"k", "m"}, {"c", "5"}, {"a", "e ve"}, {"x", "hi"}};
  EXPECT_FALSE(cluster::decode(entry));  // not a name
  entry.fields = {{"k", "q"}, {"c", "5"}, {"a", "eve"}};
  EXPECT_FALSE(cluster::decode(entry));  // no such kind
  entry.fields = {{"k", "m"}, {"c", "x5"}, {"a", "eve"}, {"x", "hi"}};
  EXPECT_FALSE(cluster::decode(entry));
  entry.fields = {{"k", "w"}, {"c", "5"}, {"a", "eve"}, {"x", "hi"}};
  EXPECT_FALSE(cluster::decode(entry));  // a private line without its recipient
  entry.fields = {{"k", "j"}, {"c", "5"}, {"a", "eve"}, {"d", "n2"}, {"dc", "x"}};
  EXPECT_FALSE(cluster::decode(entry));  // a displaced member's id that is not a number
  entry.fields = {{"k", "m"}, {"c", "5"}, {"a", "eve"}, {"x", "hi"}, {"d", "n2"}, {"dc", "3"}};
  e = cluster::decode(entry);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->displaced_owner.empty());  // only a join displaces
  EXPECT_EQ(e->displaced_client, 0u);
  entry.fields = {{"k", "m"}, {"c", "5"}, {"a", "eve"}, {"x", "hi"}, {"r", "\x02hi\r\nQUIT"}};
  e = cluster::decode(entry);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rich, "\x02hiQUIT");  // formatting kept, nothing that would end an IRC line
  EXPECT_EQ(cluster::line_start("short"), "short");
  EXPECT_EQ(cluster::line_start(std::string(39, 'a') + "\xc3\xa9xyz"), std::string(39, 'a') + "...");
}

// Every kind through the one field `e` and back, as every node reads what one wrote.
TEST(LogEvent, EveryKindComesBackAsItWasWrittenFromOneField) {
  std::vector<LogEvent> all;
  for (LogKind kind :
       {LogKind::Join, LogKind::Say, LogKind::Whisper, LogKind::Leave, LogKind::Disconnect, LogKind::TooSlow}) {
    LogEvent e;
    e.kind = kind;
    e.owner = kind == LogKind::Disconnect ? "dead-node" : "w";  // written on a dead node's behalf
    e.client = 42;
    e.name = "alice";
    if (kind == LogKind::Whisper) e.peer = "bob";
    if (kind == LogKind::Say || kind == LogKind::Whisper) {
      e.text = "hi = there";
      e.rich = "\x02hi\x02 = there";
    }
    if (kind == LogKind::Join) {
      e.since = 1700000000123456;
      e.displaced_owner = "n2";
      e.displaced_client = 7;
      e.displaced_since = 1700000000999999;
    }
    all.push_back(e);
  }
  for (const LogEvent& e : all) {
    bus::LogEntry entry;
    entry.node = "w";
    entry.fields = cluster::encode(e, "w");
    ASSERT_EQ(entry.fields.size(), 1U);
    EXPECT_EQ(entry.fields[0].first, "e");
    std::optional<LogEvent> back = cluster::decode(entry);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->kind, e.kind);
    EXPECT_EQ(back->owner, e.owner);
    EXPECT_EQ(back->client, e.client);
    EXPECT_EQ(back->name, e.name);
    EXPECT_EQ(back->peer, e.peer);
    EXPECT_EQ(back->text, e.text);
    EXPECT_EQ(back->rich, e.rich);
    EXPECT_EQ(back->since, e.since);
    EXPECT_EQ(back->displaced_owner, e.displaced_owner);
    EXPECT_EQ(back->displaced_client, e.displaced_client);
    EXPECT_EQ(back->displaced_since, e.displaced_since);
  }
}

TEST(LogEvent, AOneFieldEntryIsCheckedLikeAnyOther) {
  bus::LogEntry entry;
  entry.node = "n";
  entry.fields = {{"e", "k=m\nc=5\na=eve\nx=hi\x1b[2J there"}};
  std::optional<LogEvent> e = cluster::decode(entry);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text.find('\x1b'), std::string::npos);
  entry.fields = {{"e", "k=m\nc=5\na=e ve\nx=hi"}};
  EXPECT_FALSE(cluster::decode(entry));  // not a name
  entry.fields = {{"e", "k=m\nc=5\na=eve\nhi"}};
  EXPECT_FALSE(cluster::decode(entry));  // a part without its tag
  entry.fields = {{"e", "k=m\nc=5\na=eve"}};
  EXPECT_FALSE(cluster::decode(entry));  // a line without its text
  entry.fields = {{"e", ""}};
  EXPECT_FALSE(cluster::decode(entry));
  entry.fields = {{"e", "k=m\nc=5\na=eve\nx=hi\no=a|b"}};
  EXPECT_FALSE(cluster::decode(entry));  // an owner that is no node's name
  entry.fields = {{"e", "k=j\nc=5\na=eve\nd=n 2\ndc=1\nds=1"}};
  EXPECT_FALSE(cluster::decode(entry));  // nor a displaced member's node
  // A line break inside a value cannot split the entry into parts of its own.
  LogEvent sneaky;
  sneaky.kind = LogKind::Say;
  sneaky.owner = "w";
  sneaky.client = 1;
  sneaky.name = "eve";
  sneaky.text = "hi\nk=j";
  entry.node = "w";
  entry.fields = cluster::encode(sneaky, "w");
  e = cluster::decode(entry);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, LogKind::Say);
  EXPECT_EQ(e->text, "hi k=j");
}

}  // namespace
