// LineDoor, the end of a client: disconnects, over-long lines, the login deadline,
// shutdown; then one whole session and the state names.
#include "tests/protocol/line_door_fixture.h"

using namespace line_door_test;  // NOLINT(google-build-using-namespace): the fixture's names

// --- Disconnects -----------------------------------------------------------------------------

TEST_F(LineDoorTest, LostConnectionIsAnnounced) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  door.on_disconnect(1, sessions[1], Departure::Lost);
  EXPECT_EQ(sessions[1].state, State::Gone);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(take_by_client(), (ByClient{{2, {kT + "* alice disconnected\n"}}, {3, {kT + "* alice disconnected\n"}}}));
}

TEST_F(LineDoorTest, TooSlowIsAnnounced) {
  login(1, "alice");
  login(2, "bob");
  door.on_disconnect(2, sessions[2], Departure::TooSlow);
  EXPECT_EQ(take(), (SentList{{1, kT + "* bob was disconnected (too slow)\n"}}));
  EXPECT_FALSE(room.contains(2));
}

TEST_F(LineDoorTest, SilentDepartureTellsNobody) {
  login(1, "alice");
  login(2, "bob");
  door.on_disconnect(2, sessions[2], Departure::Silent);
  EXPECT_TRUE(take().empty());
  EXPECT_FALSE(room.contains(2));
  EXPECT_EQ(sessions[2].state, State::Gone);
}

TEST_F(LineDoorTest, DisconnectBeforeChattingTellsNobody) {
  login(1, "alice");
  LoginState& a = connect(2);
  LoginState& b = connect(3);
  door.on_line(3, b, kPassword);
  take();
  door.on_disconnect(2, a, Departure::Lost);
  door.on_disconnect(3, b, Departure::TooSlow);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(a.state, State::Gone);
  EXPECT_EQ(b.state, State::Gone);
  EXPECT_EQ(room.size(), 1u);
}

TEST_F(LineDoorTest, DisconnectedClientReceivesNothingMore) {
  login(1, "alice");
  login(2, "bob");
  door.on_disconnect(2, sessions[2], Departure::Lost);
  take();
  say(1, "hello?");
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(say(2, "ghost"), Outcome::None);
  EXPECT_TRUE(take().empty());
}

// --- Over-long lines ---------------------------------------------------------------------------

TEST_F(LineDoorTest, OverlongAtPasswordCloses) {
  LoginState& s = connect(1);
  take();
  Outcome o = door.on_overlong(1, s);
  EXPECT_EQ(o, Outcome::TooLongBeforeChat);
  EXPECT_TRUE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! line too long (max 4096 bytes). Bye.\n"}}));
}

TEST_F(LineDoorTest, OverlongAtUsernameCloses) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  take();
  EXPECT_EQ(door.on_overlong(1, s), Outcome::TooLongBeforeChat);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! line too long (max 4096 bytes). Bye.\n"}}));
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::None);
  EXPECT_EQ(room.size(), 0u);
}

TEST_F(LineDoorTest, OverlongWhileChattingIsAnErrorAndStays) {
  login(1, "alice");
  login(2, "bob");
  Outcome o = door.on_overlong(1, sessions[1]);
  EXPECT_EQ(o, Outcome::None);
  EXPECT_FALSE(chat::closes_connection(o));
  EXPECT_EQ(sessions[1].state, State::Chatting);
  EXPECT_EQ(take(), (SentList{{1, kT + "! line too long (max 4096 bytes)\n"}}));
  say(1, "still here");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> still here\n"}}));
}

TEST(LineDoorMaxLine, OverlongMessageNamesConfiguredLimit) {
  struct : chat::Transport {
    SentList sent;
    void deliver(ClientId to, const reactor::PayloadRef& line) override {
      sent.emplace_back(to, std::string(line.view()));
    }
  } transport;
  Room room(transport);
  chat::LocalNames names(room);
  chat::ChatCore core("pw", room, names);
  chat::LineDoor door(core, 100);
  LoginState s;
  door.on_connect(1, s);
  EXPECT_EQ(door.on_overlong(1, s), Outcome::TooLongBeforeChat);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].second, "! line too long (max 100 bytes). Bye.\n");
}

// --- Authentication timeout and shutdown -------------------------------------------------------

TEST_F(LineDoorTest, AuthTimeoutAtPassword) {
  LoginState& s = connect(1);
  take();
  door.on_auth_timeout(1, s);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Authentication timed out. Bye.\n"}}));
  EXPECT_EQ(door.on_line(1, s, kPassword), Outcome::None);
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, AuthTimeoutAtUsername) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  take();
  door.on_auth_timeout(1, s);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Authentication timed out. Bye.\n"}}));
}

TEST_F(LineDoorTest, AuthTimeoutAfterLoginDoesNothing) {
  login(1, "alice");
  door.on_auth_timeout(1, sessions[1]);
  EXPECT_EQ(sessions[1].state, State::Chatting);
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, AuthTimeoutAfterGoneDoesNothing) {
  LoginState& s = connect(1);
  door.on_line(1, s, "wrong");
  take();
  door.on_auth_timeout(1, s);
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, ShutdownNoticeWhileChattingHasTimestamp) {
  login(1, "alice");
  door.on_shutdown(1, sessions[1]);
  EXPECT_EQ(take(), (SentList{{1, kT + "* Server is shutting down\n"}}));
}

TEST_F(LineDoorTest, ShutdownNoticeBeforeChattingHasNoTimestamp) {
  LoginState& a = connect(1);
  LoginState& b = connect(2);
  door.on_line(2, b, kPassword);
  take();
  door.on_shutdown(1, a);
  door.on_shutdown(2, b);
  EXPECT_EQ(take(), (SentList{{1, "* Server is shutting down\n"}, {2, "* Server is shutting down\n"}}));
}

TEST_F(LineDoorTest, ShutdownAfterGoneSendsNothing) {
  LoginState& s = connect(1);
  door.on_line(1, s, "wrong");
  take();
  door.on_shutdown(1, s);
  EXPECT_TRUE(take().empty());
}

// --- A whole session -------------------------------------------------------------------------

TEST_F(LineDoorTest, FullConversationTranscript) {
  LoginState& a = connect(1);
  EXPECT_EQ(door.on_line(1, a, kPassword), Outcome::PasswordAccepted);
  EXPECT_EQ(door.on_line(1, a, "alice"), Outcome::NameAccepted);
  LoginState& b = connect(2);
  EXPECT_EQ(door.on_line(2, b, kPassword), Outcome::PasswordAccepted);
  EXPECT_EQ(door.on_line(2, b, "alice"), Outcome::NameRefused);
  EXPECT_EQ(door.on_line(2, b, "bob"), Outcome::NameAccepted);
  EXPECT_EQ(door.on_line(1, a, "hi bob"), Outcome::None);
  EXPECT_EQ(door.on_line(2, b, "@msg alice hey"), Outcome::None);
  EXPECT_EQ(door.on_line(2, b, "@sair"), Outcome::Quit);
  door.on_disconnect(2, b, Departure::Lost);
  EXPECT_EQ(take(), (SentList{
                        {1, "Password:\n"},
                        {1, "Username:\n"},
                        {1, kT + "* Welcome, alice! Online (1): alice\n"},
                        {1, kT + "* " + kHelp + "\n"},
                        {2, "Password:\n"},
                        {2, "Username:\n"},
                        {2, "! name 'alice' is taken\n"},
                        {2, "Username:\n"},
                        {2, kT + "* Welcome, bob! Online (2): alice, bob\n"},
                        {2, kT + "* " + kHelp + "\n"},
                        {1, kT + "* bob joined the chat\n"},
                        {2, kT + "<alice> hi bob\n"},
                        {1, kT + "[private] <bob> hey\n"},
                        {2, kT + "[private to alice] <bob> hey\n"},
                        {2, kT + "* Bye, bob!\n"},
                        {1, kT + "* bob left the chat\n"},
                    }));
}

TEST(LineDoorOutcome, ClosesConnection) {
  EXPECT_FALSE(chat::closes_connection(Outcome::None));
  EXPECT_FALSE(chat::closes_connection(Outcome::PasswordAccepted));
  EXPECT_TRUE(chat::closes_connection(Outcome::PasswordRejected));
  EXPECT_FALSE(chat::closes_connection(Outcome::NameAccepted));
  EXPECT_FALSE(chat::closes_connection(Outcome::NameRefused));
  EXPECT_TRUE(chat::closes_connection(Outcome::Quit));
  EXPECT_TRUE(chat::closes_connection(Outcome::TooLongBeforeChat));
}

TEST(LoginState, StateNames) {
  EXPECT_EQ(chat::to_string(State::AwaitPassword), "AWAIT_PASSWORD");
  EXPECT_EQ(chat::to_string(State::AwaitName), "AWAIT_NAME");
  EXPECT_EQ(chat::to_string(State::Chatting), "CHATTING");
  EXPECT_EQ(chat::to_string(State::Gone), "GONE");
}
