// Asynchronous name claims (CLAIMING_NAME): a registry that answers later, as a cluster's
// will. Lines sent behind the name wait, in order, and go once the claim settles; a client
// that leaves meanwhile is forgotten without a word; a late answer for a departed client
// never reaches the newcomer in its slot. Leaves through a feed that has them later
// (LEAVING), as a cluster's log does: the leaver hears everything before its leave, then Bye.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "protocol/line_door.h"
#include "reactor/line_framer.h"

namespace {

using chat::ClientId;
using chat::LoginState;
using chat::Outcome;
using chat::State;

struct Recorder : chat::Transport {
  std::vector<std::pair<ClientId, std::string>> sent;
  void deliver(ClientId to, const reactor::PayloadRef& line) override {
    sent.emplace_back(to, std::string(line.view()));
  }
  std::vector<std::string> take(ClientId id) {
    std::vector<std::string> out;
    for (const auto& [to, line] : sent)
      if (to == id) out.push_back(line);
    std::erase_if(sent, [id](const auto& s) { return s.first == id; });
    return out;
  }
};

// Keeps every claim until the test answers it; remembers cancels and releases.
struct LaterNames : chat::NameRegistry {
  std::map<ClientId, std::pair<std::string, std::function<void(chat::NameAnswer)>>> pending;
  std::vector<ClientId> cancelled;
  std::vector<std::string> released;
  void claim(ClientId id, std::string_view name, std::function<void(chat::NameAnswer)> done) override {
    pending[id] = {std::string(name), std::move(done)};
  }
  void cancel(ClientId id) override { cancelled.push_back(id); }
  void release(ClientId, std::string_view name) override { released.emplace_back(name); }
  // Answers the claim of `id` (even one cancelled: the core must cope with a late answer).
  void answer(ClientId id, bool granted) { answer(id, granted ? chat::NameAnswer::Granted : chat::NameAnswer::Taken); }
  void answer(ClientId id, chat::NameAnswer a) {
    auto done = std::move(pending.at(id).second);
    pending.erase(id);
    done(a);
  }
};

struct Clients : chat::ClientDirectory {
  std::map<ClientId, LoginState> logins;
  std::vector<std::pair<ClientId, bool>> settled;
  LoginState* login_of(ClientId id) override {
    auto it = logins.find(id);
    return it == logins.end() ? nullptr : &it->second;
  }
  void name_claim_settled(ClientId id, bool accepted) override { settled.emplace_back(id, accepted); }
  std::vector<ClientId> gone;
  void left(ClientId id) override { gone.push_back(id); }
};

class NameClaim : public ::testing::Test {
 protected:
  NameClaim() {
    core.set_directory(&clients);
    chat::Timestamp t;
    t.set(8, 0, 0);
    door.set_stamp(t);
  }
  // Connected and past the password: AWAIT_NAME.
  LoginState& at_name(ClientId id) {
    LoginState& s = clients.logins[id];
    door.on_connect(id, s);
    EXPECT_EQ(door.on_line(id, s, "pw"), Outcome::PasswordAccepted);
    transport.take(id);
    return s;
  }
  LoginState& chatting(ClientId id, const std::string& name) {
    LoginState& s = at_name(id);
    EXPECT_EQ(door.on_line(id, s, name), Outcome::NamePending);
    names.answer(id, true);
    EXPECT_EQ(s.state, State::Chatting);
    transport.sent.clear();
    clients.settled.clear();
    return s;
  }

  Recorder transport;
  chat::Room room{transport};
  LaterNames names;
  chat::ChatCore core{"pw", room, names};
  chat::LineDoor door{core, 4096};
  Clients clients;
};

TEST_F(NameClaim, PendingUntilTheRegistryAnswersThenWelcomed) {
  LoginState& bob = chatting(2, "bob");
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "  alice "), Outcome::NamePending);
  EXPECT_EQ(s.state, State::ClaimingName);
  EXPECT_TRUE(chat::LineDoor::holds_input(s));
  EXPECT_EQ(names.pending.at(1).first, "alice");  // blanks are not part of the name
  EXPECT_TRUE(transport.sent.empty());            // nothing yet: not welcomed, nobody told
  EXPECT_FALSE(room.contains(1));

  names.answer(1, true);
  EXPECT_EQ(s.state, State::Chatting);
  EXPECT_EQ(s.name, "alice");
  EXPECT_EQ(clients.settled, (std::vector<std::pair<ClientId, bool>>{{1, true}}));
  std::vector<std::string> to_alice = transport.take(1);
  ASSERT_GE(to_alice.size(), 2u);
  EXPECT_EQ(to_alice[0], "[08:00:00] * Welcome, alice! Online (2): alice, bob\n");
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{"[08:00:00] * alice joined the chat\n"}));
  EXPECT_EQ(bob.state, State::Chatting);
}

TEST_F(NameClaim, RefusedAnswerPromptsAgainAndTheNextLineIsTheNextName) {
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NamePending);
  names.answer(1, false);
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_TRUE(s.name.empty());
  EXPECT_EQ(clients.settled, (std::vector<std::pair<ClientId, bool>>{{1, false}}));
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{"! name 'alice' is taken\n", "Username:\n"}));
  EXPECT_EQ(door.on_line(1, s, "alice2"), Outcome::NamePending);
  EXPECT_EQ(names.pending.at(1).first, "alice2");
}

TEST_F(NameClaim, InvalidNamesNeverReachTheRegistry) {
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "no way"), Outcome::NameRefused);
  EXPECT_TRUE(names.pending.empty());
  EXPECT_EQ(s.state, State::AwaitName);
}

// The server's framer callback refuses frames while holds_input(); here a LineFramer plays it.
TEST_F(NameClaim, PipelinedLinesWaitInOrderAndGoWhenTheClaimSettles) {
  chatting(2, "bob");
  LoginState& s = clients.logins[1];
  door.on_connect(1, s);
  transport.take(1);
  reactor::LineFramer framer(4096);
  std::vector<std::string> processed;
  auto take_frame = [&](reactor::Frame, std::string_view line) {
    if (chat::LineDoor::holds_input(s)) return false;
    processed.emplace_back(line);
    door.on_line(1, s, line);
    return true;
  };
  framer.feed("pw\nalice\nfirst\nsecond\n@usuarios\n", take_frame);
  EXPECT_EQ(processed, (std::vector<std::string>{"pw", "alice"}));
  EXPECT_TRUE(framer.blocked());
  EXPECT_TRUE(transport.take(2).empty());  // bob hears nothing of alice yet

  names.answer(1, true);
  EXPECT_TRUE(framer.resume(take_frame));
  EXPECT_EQ(processed, (std::vector<std::string>{"pw", "alice", "first", "second", "@usuarios"}));
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{"[08:00:00] * alice joined the chat\n",
                                                         "[08:00:00] <alice> first\n", "[08:00:00] <alice> second\n"}));
  std::vector<std::string> to_alice = transport.take(1);
  ASSERT_FALSE(to_alice.empty());
  EXPECT_EQ(to_alice.back(), "[08:00:00] * Online (2): alice, bob\n");
}

TEST_F(NameClaim, LeavingWhilePendingIsSilentAndALateYesIsGivenBack) {
  chatting(2, "bob");
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NamePending);
  door.on_disconnect(1, s, chat::Departure::Lost);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(names.cancelled, (std::vector<ClientId>{1}));
  clients.logins.erase(1);  // the server frees the connection

  names.answer(1, true);  // a registry that could not take the question back
  EXPECT_EQ(names.released, (std::vector<std::string>{"alice"}));
  EXPECT_TRUE(clients.settled.empty());
  EXPECT_TRUE(transport.sent.empty());  // no join, no leave, for anyone
  EXPECT_FALSE(room.find("alice").has_value());
}

TEST_F(NameClaim, ALateAnswerNeverReachesTheNewcomerInTheSameSlot) {
  const ClientId departed(3, 1), newcomer_id(3, 2);  // one slot, two generations
  LoginState& old_client = at_name(departed);
  EXPECT_EQ(door.on_line(departed, old_client, "alice"), Outcome::NamePending);
  door.on_disconnect(departed, old_client, chat::Departure::Lost);
  clients.logins.erase(departed);

  LoginState& newcomer = at_name(newcomer_id);
  EXPECT_EQ(door.on_line(newcomer_id, newcomer, "carol"), Outcome::NamePending);
  names.answer(departed, true);  // the departed client's answer arrives now
  EXPECT_EQ(newcomer.state, State::ClaimingName);
  EXPECT_TRUE(newcomer.name == "carol");
  EXPECT_TRUE(transport.sent.empty());
  EXPECT_EQ(names.released, (std::vector<std::string>{"alice"}));

  names.answer(newcomer_id, true);
  EXPECT_EQ(newcomer.state, State::Chatting);
  EXPECT_EQ(room.name_of(newcomer_id), "carol");
}

TEST_F(NameClaim, TimingOutWhilePendingCancelsTheClaim) {
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NamePending);
  door.on_auth_timeout(1, s);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(names.cancelled, (std::vector<ClientId>{1}));
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{"! Authentication timed out. Bye.\n"}));
}

TEST_F(NameClaim, AGrantForANameTheRoomAlreadyHasIsRefusedAndGivenBack) {
  chatting(2, "alice");
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "ALICE"), Outcome::NamePending);
  names.answer(1, true);  // a registry that disagrees with the room: the room wins
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(names.released, (std::vector<std::string>{"ALICE"}));
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{"! name 'ALICE' is taken\n", "Username:\n"}));
}

TEST_F(NameClaim, LeavingTheRoomGivesTheNameBack) {
  LoginState& s = chatting(1, "alice");
  door.on_line(1, s, "@sair");
  EXPECT_EQ(names.released, (std::vector<std::string>{"alice"}));
  LoginState& t = chatting(2, "bob");
  door.on_disconnect(2, t, chat::Departure::Lost);
  EXPECT_EQ(names.released, (std::vector<std::string>{"alice", "bob"}));
}

TEST_F(NameClaim, UnavailableRegistryPromptsAgainWithItsOwnReason) {
  LoginState& s = at_name(1);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NamePending);
  names.answer(1, chat::NameAnswer::Unavailable);
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(clients.settled, (std::vector<std::pair<ClientId, bool>>{{1, false}}));
  EXPECT_EQ(transport.take(1),
            (std::vector<std::string>{"! names cannot be checked now (the chat is reconnecting); try again\n",
                                      "Username:\n"}));
  EXPECT_TRUE(names.released.empty());
}

TEST_F(NameClaim, LosingANameLeavesTheRoomQuietlyAndAsksForAnother) {
  LoginState& bob = chatting(2, "bob");
  LoginState& s = chatting(1, "alice");
  core.lose_name(1, s);
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_FALSE(room.contains(1));
  EXPECT_FALSE(room.find("alice"));
  EXPECT_EQ(transport.take(1),
            (std::vector<std::string>{"! your name 'alice' was claimed earlier by someone else; choose another\n",
                                      "Username:\n"}));
  EXPECT_TRUE(transport.take(2).empty());  // the cluster tells the others (its log)
  EXPECT_EQ(bob.state, State::Chatting);
  EXPECT_EQ(door.on_line(1, s, "alice2"), Outcome::NamePending);
}

// Leaves settle when the test says so (a cluster: when the log has them); the rest is local.
struct LaterLeaves : chat::RoomFeed {
  explicit LaterLeaves(chat::Room& room) : local(room) {}
  void joined(ClientId id, std::string_view name) override { local.joined(id, name); }
  void said(ClientId id, std::string_view name, std::string_view text, std::string_view rich) override {
    local.said(id, name, text, rich);
  }
  void whispered(ClientId from, std::string_view from_name, ClientId to, std::string_view to_name,
                 std::string_view text, std::string_view rich) override {
    local.whispered(from, from_name, to, to_name, text, rich);
  }
  void departed(ClientId, std::string_view name, chat::EventKind, chat::Departure) override {
    departures.emplace_back(name);
  }
  bool departs_later() const override { return true; }
  chat::LocalFeed local;
  std::vector<std::string> departures;
};

TEST_F(NameClaim, ALeaverStaysInTheRoomUntilItsLeaveIsInPlaceThenHearsBye) {
  LaterLeaves feed(room);
  core.set_feed(feed);
  LoginState& bob = chatting(2, "bob");
  LoginState& s = chatting(1, "alice");
  transport.sent.clear();
  EXPECT_EQ(door.on_line(1, s, "@sair"), Outcome::QuitPending);
  EXPECT_FALSE(chat::closes_connection(Outcome::QuitPending));
  EXPECT_EQ(s.state, State::Leaving);
  EXPECT_TRUE(chat::LineDoor::holds_input(s));
  EXPECT_EQ(feed.departures, std::vector<std::string>{"alice"});
  EXPECT_TRUE(room.contains(1));
  EXPECT_TRUE(transport.take(1).empty());  // no Bye yet
  EXPECT_TRUE(names.released.empty());

  door.on_line(2, bob, "before her leave");
  EXPECT_EQ(transport.take(1), std::vector<std::string>{"[08:00:00] <bob> before her leave\n"});
  core.departure_settled(1);
  EXPECT_EQ(transport.take(1), std::vector<std::string>{"[08:00:00] * Bye, alice!\n"});
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(clients.gone, std::vector<ClientId>{1});
  EXPECT_EQ(names.released, std::vector<std::string>{"alice"});
  core.departure_settled(1);  // once only
  EXPECT_EQ(clients.gone.size(), 1u);
}

TEST_F(NameClaim, ALeaverWhoseConnectionDropsIsGoneWithoutASecondDeparture) {
  LaterLeaves feed(room);
  core.set_feed(feed);
  LoginState& s = chatting(1, "alice");
  EXPECT_EQ(door.on_line(1, s, "@sair"), Outcome::QuitPending);
  door.on_disconnect(1, s, chat::Departure::Lost);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(feed.departures, std::vector<std::string>{"alice"});
  EXPECT_EQ(names.released, std::vector<std::string>{"alice"});
  transport.sent.clear();
  core.departure_settled(1);  // the leave read back later: nobody to tell
  EXPECT_TRUE(transport.sent.empty());
  EXPECT_TRUE(clients.gone.empty());
}

}  // namespace
