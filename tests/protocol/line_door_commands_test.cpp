// LineDoor, commands: private messages, @users, @help, unknown commands and @sair.
#include "tests/protocol/line_door_fixture.h"

using namespace line_door_test;  // NOLINT(google-build-using-namespace): the fixture's names

// --- Chatting: private messages ----------------------------------------------------------------

TEST_F(LineDoorTest, PrivateMessageAndEcho) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  EXPECT_EQ(say(1, "@privado:bob psst"), Outcome::None);
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> psst\n"}, {1, kT + "[private to bob] <alice> psst\n"}}));
}

TEST_F(LineDoorTest, PrivateMessageAliases) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"@privado: bob psst", "@msg bob psst", "@MSG bob psst", "  @PRIVADO:bob psst"}) {
    say(1, line);
    EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> psst\n"}, {1, kT + "[private to bob] <alice> psst\n"}}))
        << line;
  }
}

TEST_F(LineDoorTest, PrivateTargetIgnoresCaseEchoUsesRealName) {
  login(1, "alice");
  login(2, "Bob");
  say(1, "@msg BOB hi");
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> hi\n"}, {1, kT + "[private to Bob] <alice> hi\n"}}));
}

TEST_F(LineDoorTest, PrivateToUnknownUser) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@privado:zed hello");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'zed' is not connected\n"}}));
}

TEST_F(LineDoorTest, PrivateToUserWhoLeftIsUnknown) {
  login(1, "alice");
  login(2, "bob");
  say(2, "@sair");
  take();
  say(1, "@msg bob still there?");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'bob' is not connected\n"}}));
}

TEST_F(LineDoorTest, PrivateUnknownUserNameIsSanitizedInError) {
  login(1, "alice");
  say(1, "@msg z\x1B[1med hi");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'z[1med' is not connected\n"}}));
}

TEST_F(LineDoorTest, PrivateUsageErrors) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"@privado:", "@privado:bob", "@privado:bob    ", "@privado: ", "@msg", "@msg bob"}) {
    EXPECT_EQ(say(1, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{1, kT + "! usage: @privado:<user> <message>\n"}})) << testing::PrintToString(line);
  }
}

TEST_F(LineDoorTest, PrivateTextOfOnlyControlBytesIsUsageError) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@msg bob \x1B\x07");
  EXPECT_EQ(take(), (SentList{{1, kT + "! usage: @privado:<user> <message>\n"}}));
}

TEST_F(LineDoorTest, PrivateTextIsSanitized) {
  login(1, "alice");
  login(2, "bob");
  say(1,
      "@msg bob a\x1B[31mb\xFF"
      "c");
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> a[31mb\xEF\xBF\xBD"
                                       "c\n"},
                              {1, kT + "[private to bob] <alice> a[31mb\xEF\xBF\xBD"
                                       "c\n"}}));
}

// --- Chatting: other commands ------------------------------------------------------------------

TEST_F(LineDoorTest, UsersListsEveryoneSorted) {
  login(1, "carol");
  login(2, "alice");
  login(3, "Bob");
  for (const char* line : {"@usuarios", "@users", "@USERS"}) {
    EXPECT_EQ(say(2, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{2, kT + "* Online (3): alice, Bob, carol\n"}})) << line;
  }
}

TEST_F(LineDoorTest, HelpRepliesToSenderOnly) {
  login(1, "alice");
  login(2, "bob");
  const std::string help = kT + "* " + kHelp + "\n";
  for (const char* line : {"@ajuda", "@help", "@Ajuda"}) {
    EXPECT_EQ(say(1, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{1, help}})) << line;
  }
}

TEST_F(LineDoorTest, UnknownCommandIsAnErrorAndNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  EXPECT_EQ(say(1, "@x"), Outcome::None);
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@x' (try @ajuda)\n"}}));
  say(1, "@dance with me");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@dance' (try @ajuda)\n"}}));
}

TEST_F(LineDoorTest, UnknownCommandWordIsSanitizedInError) {
  login(1, "alice");
  say(1, "@x\x1B]0;pwned\x07\xFF");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@x]0;pwned\xEF\xBF\xBD' (try @ajuda)\n"}}));
}

TEST_F(LineDoorTest, QuitSaysByeAndTellsOthers) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  Outcome o = say(1, "@sair");
  EXPECT_EQ(o, Outcome::Quit);
  EXPECT_TRUE(chat::closes_connection(o));
  EXPECT_EQ(sessions[1].state, State::Gone);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(take_by_client(), (ByClient{{1, {kT + "* Bye, alice!\n"}},
                                        {2, {kT + "* alice left the chat\n"}},
                                        {3, {kT + "* alice left the chat\n"}}}));
}

TEST_F(LineDoorTest, QuitAliasAndCase) {
  for (const char* line : {"@quit", "@SAIR", "  @Quit  "}) {
    login(1, "alice");
    login(2, "bob");
    EXPECT_EQ(say(1, line), Outcome::Quit) << line;
    EXPECT_EQ(take(), (SentList{{1, kT + "* Bye, alice!\n"}, {2, kT + "* alice left the chat\n"}})) << line;
    door.on_disconnect(1, sessions[1], Departure::Lost);
    door.on_disconnect(2, sessions[2], Departure::Silent);
    take();
  }
}

TEST_F(LineDoorTest, NameIsFreeAfterQuit) {
  login(1, "alice");
  say(1, "@sair");
  login(2, "ALICE");
  EXPECT_EQ(room.find("alice"), std::optional<ClientId>(2));
}

TEST_F(LineDoorTest, LinesAfterQuitAreIgnored) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@sair");
  take();
  EXPECT_EQ(say(1, "still here"), Outcome::None);
  EXPECT_EQ(say(1, "@usuarios"), Outcome::None);
  EXPECT_EQ(say(1, "@sair"), Outcome::None);
  EXPECT_EQ(door.on_overlong(1, sessions[1]), Outcome::None);
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, DisconnectAfterQuitIsNotAnnouncedTwice) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@sair");
  take();
  door.on_disconnect(1, sessions[1], Departure::Lost);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(room.size(), 1u);
}
