// Room: membership, case-insensitive names, sorted listing and who receives each line.
#include "protocol/room.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "protocol/dialect.h"

using chat::ClientId;
using chat::Room;
using reactor::PayloadRef;

namespace {

struct RecordingTransport : chat::Transport {
  std::vector<std::pair<ClientId, PayloadRef>> sent;
  void deliver(ClientId to, const PayloadRef& line) override { sent.emplace_back(to, line); }

  std::vector<ClientId> recipients() const {
    std::vector<ClientId> out;
    for (const auto& [id, line] : sent) out.push_back(id);
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Renders an event as its text, and counts how often it was asked to.
struct TextDialect : chat::Dialect {
  int renders = 0;
  PayloadRef render(const chat::ChatEvent& e) override {
    ++renders;
    return PayloadRef::copy_of(e.text);
  }
};

chat::ChatEvent text(std::string_view bytes) {
  chat::ChatEvent e;
  e.kind = chat::EventKind::Public;
  e.text = bytes;
  return e;
}

std::vector<std::string> as_strings(const std::vector<std::string_view>& v) { return {v.begin(), v.end()}; }

class RoomTest : public ::testing::Test {
 protected:
  RecordingTransport transport;
  TextDialect dialect;
  Room room{transport};
};

}  // namespace

TEST_F(RoomTest, StartsEmpty) {
  EXPECT_EQ(room.size(), 0u);
  EXPECT_TRUE(room.names().empty());
  EXPECT_FALSE(room.contains(1));
  EXPECT_FALSE(room.find("alice").has_value());
  EXPECT_EQ(room.name_of(1), "");
}

TEST_F(RoomTest, JoinAddsMember) {
  EXPECT_TRUE(room.join(7, "Alice", dialect));
  EXPECT_EQ(room.size(), 1u);
  EXPECT_TRUE(room.contains(7));
  EXPECT_EQ(room.name_of(7), "Alice");  // as chosen, case preserved
  ASSERT_TRUE(room.find("Alice").has_value());
  EXPECT_EQ(*room.find("Alice"), 7u);
}

TEST_F(RoomTest, FindIgnoresCase) {
  ASSERT_TRUE(room.join(1, "Alice", dialect));
  EXPECT_EQ(room.find("alice"), std::optional<ClientId>(1));
  EXPECT_EQ(room.find("ALICE"), std::optional<ClientId>(1));
  EXPECT_EQ(room.find("aLiCe"), std::optional<ClientId>(1));
  EXPECT_FALSE(room.find("alic").has_value());
  EXPECT_FALSE(room.find("alice_").has_value());
  EXPECT_FALSE(room.find("").has_value());
}

TEST_F(RoomTest, NameTakenIgnoringCase) {
  ASSERT_TRUE(room.join(1, "bob", dialect));
  EXPECT_FALSE(room.join(2, "bob", dialect));
  EXPECT_FALSE(room.join(2, "BOB", dialect));
  EXPECT_FALSE(room.join(2, "Bob", dialect));
  EXPECT_FALSE(room.contains(2));
  EXPECT_EQ(room.size(), 1u);
  EXPECT_EQ(room.name_of(1), "bob");
  EXPECT_TRUE(room.join(2, "bob2", dialect));
}

TEST_F(RoomTest, SameIdCannotJoinTwice) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  EXPECT_FALSE(room.join(1, "other", dialect));
  EXPECT_EQ(room.size(), 1u);
  EXPECT_EQ(room.name_of(1), "alice");
  EXPECT_FALSE(room.find("other").has_value());
}

TEST_F(RoomTest, LeaveRemovesMemberAndFreesName) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  room.leave(1);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(room.size(), 1u);
  EXPECT_FALSE(room.find("alice").has_value());
  EXPECT_EQ(room.name_of(1), "");
  EXPECT_TRUE(room.join(3, "ALICE", dialect));  // the name is free again, in any case
  EXPECT_EQ(room.find("alice"), std::optional<ClientId>(3));
}

TEST_F(RoomTest, LeaveOfUnknownIdIsNoOp) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  room.leave(99);
  room.leave(99);
  EXPECT_EQ(room.size(), 1u);
  EXPECT_TRUE(room.contains(1));
  EXPECT_EQ(room.find("alice"), std::optional<ClientId>(1));
}

TEST_F(RoomTest, LeaveTwiceIsNoOp) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  room.leave(1);
  room.leave(1);
  EXPECT_EQ(room.size(), 1u);
  EXPECT_EQ(room.find("bob"), std::optional<ClientId>(2));
}

TEST_F(RoomTest, IdCanRejoinAfterLeaving) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  room.leave(1);
  EXPECT_TRUE(room.join(1, "alice2", dialect));
  EXPECT_EQ(room.name_of(1), "alice2");
}

TEST_F(RoomTest, NamesSortedIgnoringCase) {
  ASSERT_TRUE(room.join(1, "carol", dialect));
  ASSERT_TRUE(room.join(2, "Bob", dialect));
  ASSERT_TRUE(room.join(3, "alice", dialect));
  ASSERT_TRUE(room.join(4, "Dave", dialect));
  ASSERT_TRUE(room.join(5, "ALBERT", dialect));
  EXPECT_EQ(as_strings(room.names()), (std::vector<std::string>{"ALBERT", "alice", "Bob", "carol", "Dave"}));
}

TEST_F(RoomTest, NamesRespectLimit) {
  ASSERT_TRUE(room.join(1, "d", dialect));
  ASSERT_TRUE(room.join(2, "C", dialect));
  ASSERT_TRUE(room.join(3, "b", dialect));
  ASSERT_TRUE(room.join(4, "A", dialect));
  EXPECT_EQ(as_strings(room.names(2)), (std::vector<std::string>{"A", "b"}));
  EXPECT_TRUE(room.names(0).empty());
  EXPECT_EQ(room.names(4).size(), 4u);
  EXPECT_EQ(room.names(100).size(), 4u);
}

TEST_F(RoomTest, NamesUpdateAfterLeave) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  ASSERT_TRUE(room.join(3, "carol", dialect));
  room.leave(2);
  EXPECT_EQ(as_strings(room.names()), (std::vector<std::string>{"alice", "carol"}));
}

TEST_F(RoomTest, BroadcastExcludesSender) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  ASSERT_TRUE(room.join(3, "carol", dialect));
  room.broadcast(text("hi\n"), ClientId{2});
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{1, 3}));
  for (const auto& [id, line] : transport.sent) EXPECT_EQ(line.view(), "hi\n");
}

TEST_F(RoomTest, BroadcastWithoutExceptionReachesEveryone) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  room.broadcast(text("notice\n"), std::nullopt);
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{1, 2}));
}

TEST_F(RoomTest, BroadcastExceptingNonMemberReachesEveryone) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  room.broadcast(text("x\n"), ClientId{42});
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{1, 2}));
}

// A transport that takes whole lists: the broadcast hands them over in member order, the
// sender cut out, in at most two calls whatever the room's size.
TEST(RoomBatch, BroadcastHandsTheTransportTheMemberListInOrder) {
  struct BatchTransport : chat::Transport {
    std::vector<std::vector<ClientId>> calls;
    void deliver(ClientId to, const PayloadRef& /*line*/) override { calls.push_back({to}); }
    void deliver_all(std::span<const ClientId> to, const PayloadRef& /*line*/) override {
      calls.emplace_back(to.begin(), to.end());
    }
    std::vector<ClientId> flat() const {
      std::vector<ClientId> out;
      for (const auto& c : calls) out.insert(out.end(), c.begin(), c.end());
      return out;
    }
  };
  BatchTransport transport;
  TextDialect dialect;
  Room room{transport};
  for (std::uint32_t id = 1; id <= 100; ++id)
    ASSERT_TRUE(room.join(id, std::string("m").append(std::to_string(id)), dialect));
  for (ClientId sender : {ClientId{1}, ClientId{50}, ClientId{100}, ClientId{1000}}) {
    transport.calls.clear();
    room.broadcast(text("x\n"), sender);
    EXPECT_LE(transport.calls.size(), 2u) << "sender " << sender;
    std::vector<ClientId> want;
    for (std::uint32_t id = 1; id <= 100; ++id)
      if (id != sender) want.push_back(id);
    EXPECT_EQ(transport.flat(), want) << "sender " << sender;
  }
  room.leave(10);  // the last member moves into slot 9: still one list, the sender still cut out
  transport.calls.clear();
  room.broadcast(text("x\n"), ClientId{100});
  std::vector<ClientId> got = transport.flat();
  EXPECT_EQ(got.size(), 98u);
  EXPECT_EQ(std::count(got.begin(), got.end(), ClientId{100}), 0);
  EXPECT_EQ(std::count(got.begin(), got.end(), ClientId{10}), 0);
}

TEST_F(RoomTest, BroadcastToEmptyRoomSendsNothing) {
  room.broadcast(text("x\n"), std::nullopt);
  EXPECT_TRUE(transport.sent.empty());
}

TEST_F(RoomTest, BroadcastSharesOnePayload) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  ASSERT_TRUE(room.join(3, "carol", dialect));
  room.broadcast(text("shared\n"), std::nullopt);
  ASSERT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(dialect.renders, 1);  // rendered once for the door...
  for (const auto& [id, p] : transport.sent) EXPECT_EQ(p.data(), transport.sent[0].second.data());  // ...no copies
  EXPECT_EQ(transport.sent[0].second.use_count(), 3u);
}

TEST_F(RoomTest, BroadcastDoesNotReachLeftMembers) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  ASSERT_TRUE(room.join(3, "carol", dialect));
  room.leave(1);
  room.broadcast(text("x\n"), std::nullopt);
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{2, 3}));
}

TEST_F(RoomTest, SendToDeliversToOneClient) {
  ASSERT_TRUE(room.join(1, "alice", dialect));
  ASSERT_TRUE(room.join(2, "bob", dialect));
  room.send_to(2, text("only bob\n"));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].first, 2u);
  EXPECT_EQ(transport.sent[0].second.view(), "only bob\n");
}

TEST_F(RoomTest, SwapRemoveKeepsEveryoneReachable) {
  // Remove from the front, middle and back of the dense array in turn; after each removal
  // every remaining member must still be found, named and reached by a broadcast exactly once.
  constexpr ClientId kCount = 10;
  std::set<ClientId> present;
  for (std::uint32_t id = 1; id <= kCount; ++id) {
    ASSERT_TRUE(room.join(id, std::string("user") + std::to_string(id), dialect));
    present.insert(id);
  }
  for (ClientId gone : {ClientId{1}, ClientId{5}, ClientId{10}, ClientId{2}, ClientId{9}, ClientId{3}, ClientId{7}}) {
    room.leave(gone);
    present.erase(gone);
    ASSERT_EQ(room.size(), present.size());
    for (std::uint32_t id = 1; id <= kCount; ++id) {
      std::string name = std::string("user") + std::to_string(id);
      if (present.contains(id)) {
        EXPECT_TRUE(room.contains(id)) << id;
        EXPECT_EQ(room.name_of(id), name);
        EXPECT_EQ(room.find(name), std::optional<ClientId>(id));
      } else {
        EXPECT_FALSE(room.contains(id)) << id;
        EXPECT_FALSE(room.find(name).has_value()) << id;
      }
    }
    transport.sent.clear();
    room.broadcast(text("x\n"), std::nullopt);
    EXPECT_EQ(transport.recipients(), std::vector<ClientId>(present.begin(), present.end()));
  }
  // Remaining ones can still leave cleanly.
  for (ClientId id : std::vector<ClientId>(present.begin(), present.end())) room.leave(id);
  EXPECT_EQ(room.size(), 0u);
  EXPECT_TRUE(room.names().empty());
}

TEST_F(RoomTest, ChurnKeepsIndexesConsistent) {
  // Join and leave many times in an interleaved pattern; the indexes must agree throughout.
  std::set<ClientId> present;
  for (std::uint32_t round = 0; round < 200; ++round) {
    ClientId id = (round * 7) % 23;
    if (present.contains(id)) {
      room.leave(id);
      present.erase(id);
    } else {
      ASSERT_TRUE(room.join(id, std::string("n") + std::to_string(id.slot()), dialect));
      present.insert(id);
    }
    ASSERT_EQ(room.size(), present.size());
  }
  transport.sent.clear();
  room.broadcast(text("x\n"), std::nullopt);
  EXPECT_EQ(transport.recipients(), std::vector<ClientId>(present.begin(), present.end()));
  EXPECT_EQ(room.names().size(), present.size());
  for (ClientId id : present)
    EXPECT_EQ(room.find(std::string("N") + std::to_string(id.slot())), std::optional<ClientId>(id));
}

TEST_F(RoomTest, IdsOfTheSameSlotWithOtherGenerationsAreOtherMembers) {
  // The server reuses a slot under a new generation: the Room must not confuse the two.
  ASSERT_TRUE(room.join(ClientId(3, 1), "old", dialect));
  ASSERT_TRUE(room.join(ClientId(3, 2), "new", dialect));
  EXPECT_EQ(room.find("old"), std::optional<ClientId>(ClientId(3, 1)));
  EXPECT_EQ(room.find("new"), std::optional<ClientId>(ClientId(3, 2)));
  room.leave(ClientId(3, 1));
  EXPECT_FALSE(room.contains(ClientId(3, 1)));
  EXPECT_TRUE(room.contains(ClientId(3, 2)));
  EXPECT_EQ(room.name_of(ClientId(3, 2)), "new");
}

// Doors: each group of members is served by its own dialect, which renders an event once
// for the whole group; a dialect that shows nothing for an event sends nothing.
TEST(RoomDoors, EachDoorRendersOnceForItsMembers) {
  struct Tagged : chat::Dialect {
    std::string tag;
    int renders = 0;
    bool silent = false;
    explicit Tagged(std::string t) : tag(std::move(t)) {}
    void mute() { silent = true; }
    PayloadRef render(const chat::ChatEvent& e) override {
      ++renders;
      return silent ? PayloadRef() : PayloadRef::copy_of(tag + std::string(e.text));
    }
  };
  RecordingTransport transport;
  Room room{transport};
  Tagged line("line:"), irc("irc:");
  ASSERT_TRUE(room.join(1, "alice", line));
  ASSERT_TRUE(room.join(2, "bob", irc));
  ASSERT_TRUE(room.join(3, "carol", line));
  ASSERT_TRUE(room.join(4, "dave", irc));
  EXPECT_FALSE(room.join(5, "BOB", line));  // one name space for every door

  room.broadcast(text("hi"), ClientId{1});
  EXPECT_EQ(line.renders, 1);
  EXPECT_EQ(irc.renders, 1);
  std::map<ClientId, std::string> got;
  for (const auto& [id, p] : transport.sent) got[id] = std::string(p.view());
  EXPECT_EQ(got, (std::map<ClientId, std::string>{{2, "irc:hi"}, {3, "line:hi"}, {4, "irc:hi"}}));

  transport.sent.clear();
  room.send_to(4, text("psst"));
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].second.view(), "irc:psst");

  // A door whose only member is the sender renders nothing; a silent door sends nothing.
  transport.sent.clear();
  room.leave(4);
  room.broadcast(text("x"), ClientId{2});
  EXPECT_EQ(irc.renders, 2);  // the send_to above; not this broadcast
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{1, 3}));
  irc.mute();
  transport.sent.clear();
  room.broadcast(text("y"), std::nullopt);
  EXPECT_EQ(transport.recipients(), (std::vector<ClientId>{1, 3}));
}
