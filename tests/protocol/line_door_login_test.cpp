// LineDoor, logging in: the password and name steps against PROTOCOL.md "States".
#include "tests/protocol/line_door_fixture.h"

using namespace line_door_test;  // NOLINT(google-build-using-namespace): the fixture's names

// --- Password --------------------------------------------------------------------------------

TEST_F(LineDoorTest, ConnectAsksForPassword) {
  LoginState& s = connect(1);
  EXPECT_EQ(s.state, State::AwaitPassword);
  EXPECT_EQ(take(), (SentList{{1, "Password:\n"}}));
}

TEST_F(LineDoorTest, WrongPasswordIsRejectedAndCloses) {
  LoginState& s = connect(1);
  take();
  Outcome o = door.on_line(1, s, "guess");
  EXPECT_EQ(o, Outcome::PasswordRejected);
  EXPECT_TRUE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Wrong password. Bye.\n"}}));
}

TEST_F(LineDoorTest, PasswordMustMatchExactly) {
  for (const char* guess : {"", "s3cre", "s3cret ", " s3cret", "S3CRET", "s3cretx", "s3cret\r"}) {
    LoginState s;
    door.on_connect(9, s);
    EXPECT_EQ(door.on_line(9, s, guess), Outcome::PasswordRejected) << testing::PrintToString(guess);
  }
}

TEST_F(LineDoorTest, PasswordWithEmbeddedNulIsRejected) {
  LoginState& s = connect(1);
  EXPECT_EQ(door.on_line(1, s, std::string_view("s3cret\0", 7)), Outcome::PasswordRejected);
}

TEST_F(LineDoorTest, RightPasswordAsksForName) {
  LoginState& s = connect(1);
  take();
  Outcome o = door.on_line(1, s, kPassword);
  EXPECT_EQ(o, Outcome::PasswordAccepted);
  EXPECT_FALSE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(take(), (SentList{{1, "Username:\n"}}));
}

TEST_F(LineDoorTest, LinesAfterWrongPasswordAreIgnored) {
  LoginState& s = connect(1);
  door.on_line(1, s, "nope");
  take();
  EXPECT_EQ(door.on_line(1, s, kPassword), Outcome::None);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::None);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(room.size(), 0u);
}

// --- Name ------------------------------------------------------------------------------------

TEST_F(LineDoorTest, InvalidNameIsRefusedAndAskedAgain) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  take();
  for (const std::string& bad :
       std::vector<std::string>{"", "   ", "bob smith", "b!b", std::string(25, 'a'), "jos\xC3\xA9", "<alice>"}) {
    Outcome o = door.on_line(1, s, bad);
    EXPECT_EQ(o, Outcome::NameRefused) << testing::PrintToString(bad);
    EXPECT_FALSE(chat::closes_connection(o));
    EXPECT_EQ(s.state, State::AwaitName);
    EXPECT_EQ(take(), (SentList{{1, "! names are 1-24 letters, digits, _ or -\n"}, {1, "Username:\n"}}))
        << testing::PrintToString(bad);
  }
  EXPECT_EQ(room.size(), 0u);
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NameAccepted);  // a valid name still works after
}

TEST_F(LineDoorTest, NameOfExactly24IsAccepted) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  EXPECT_EQ(door.on_line(1, s, std::string(24, 'z')), Outcome::NameAccepted);
}

TEST_F(LineDoorTest, NameSurroundingBlanksAreTrimmed) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  EXPECT_EQ(door.on_line(1, s, "  alice\t"), Outcome::NameAccepted);
  EXPECT_EQ(s.name, "alice");
  EXPECT_EQ(room.name_of(1), "alice");
}

TEST_F(LineDoorTest, TakenNameIsRefused) {
  login(1, "bob");
  LoginState& s = connect(2);
  door.on_line(2, s, kPassword);
  take();
  EXPECT_EQ(door.on_line(2, s, "bob"), Outcome::NameRefused);
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(take(), (SentList{{2, "! name 'bob' is taken\n"}, {2, "Username:\n"}}));
}

TEST_F(LineDoorTest, TakenNameIgnoresCase) {
  login(1, "bob");
  LoginState& s = connect(2);
  door.on_line(2, s, kPassword);
  take();
  EXPECT_EQ(door.on_line(2, s, "BOB"), Outcome::NameRefused);
  SentList out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, 2u);
  EXPECT_EQ(out[0].second, "! name 'BOB' is taken\n");  // names the rule, with the name as typed
  EXPECT_EQ(out[1], (Sent{2, "Username:\n"}));
  EXPECT_EQ(room.find("bob"), std::optional<ClientId>(1));
  EXPECT_EQ(door.on_line(2, s, "Bobby"), Outcome::NameAccepted);
}

TEST_F(LineDoorTest, WelcomeListsOnlineAndCommands) {
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  take();
  EXPECT_EQ(door.on_line(1, s, "alice"), Outcome::NameAccepted);
  EXPECT_EQ(s.state, State::Chatting);
  EXPECT_EQ(s.name, "alice");
  EXPECT_EQ(take(), (SentList{{1, kT + "* Welcome, alice! Online (1): alice\n"}, {1, kT + "* " + kHelp + "\n"}}));
}

TEST_F(LineDoorTest, HelpTextMentionsEveryCommand) {
  for (const char* word : {"@privado:", "@msg", "@usuarios", "@users", "@ajuda", "@help", "@sair", "@quit"}) {
    EXPECT_NE(kHelp.find(word), std::string::npos) << word;
  }
}

TEST_F(LineDoorTest, JoinIsAnnouncedToOthersAndWelcomeListsEveryoneSorted) {
  login(1, "carol");
  login(2, "bob");
  LoginState& s = connect(3);
  door.on_line(3, s, kPassword);
  take();
  ASSERT_EQ(door.on_line(3, s, "Alice"), Outcome::NameAccepted);
  EXPECT_EQ(take_by_client(),
            (ByClient{{1, {kT + "* Alice joined the chat\n"}},
                      {2, {kT + "* Alice joined the chat\n"}},
                      {3, {kT + "* Welcome, Alice! Online (3): Alice, bob, carol\n", kT + "* " + kHelp + "\n"}}}));
}

TEST_F(LineDoorTest, WelcomeListIsCappedButCountsEveryone) {
  for (std::uint32_t id = 1; id <= 52; ++id) {
    login(id, (id < 10 ? "u0" : "u") + std::to_string(id));
  }
  LoginState& s = connect(100);
  door.on_line(100, s, kPassword);
  take();
  ASSERT_EQ(door.on_line(100, s, "zz"), Outcome::NameAccepted);
  std::vector<std::string> mine = lines_to(100);
  ASSERT_FALSE(mine.empty());
  const std::string& welcome = mine[0];
  EXPECT_EQ(welcome.rfind(kT + "* Welcome, zz! Online (53): u01, u02, ", 0), 0u) << welcome;
  EXPECT_NE(welcome.find("u50 and 3 more"), std::string::npos) << welcome;
  EXPECT_EQ(welcome.find("u51"), std::string::npos) << welcome;
  // @usuarios lists all of them.
  take();
  say(100, "@usuarios");
  std::vector<std::string> users = lines_to(100);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].rfind(kT + "* Online (53): u01, u02, ", 0), 0u);
  EXPECT_NE(users[0].find("u51, u52, zz\n"), std::string::npos) << users[0];
}

TEST_F(LineDoorTest, ClientsNotYetChattingReceiveNoChatTraffic) {
  login(1, "alice");
  LoginState& pw = connect(2);  // still at Password:
  LoginState& nm = connect(3);  // at Username:
  door.on_line(3, nm, kPassword);
  take();
  say(1, "hello");
  login(4, "bob");  // join notice
  EXPECT_TRUE(lines_to(2).empty());
  EXPECT_TRUE(lines_to(3).empty());
  EXPECT_EQ(pw.state, State::AwaitPassword);
  EXPECT_EQ(nm.state, State::AwaitName);
}
