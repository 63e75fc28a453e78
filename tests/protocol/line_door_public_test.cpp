// LineDoor, public messages: who receives them and how their text is cleaned.
#include "tests/protocol/line_door_fixture.h"

using namespace line_door_test;  // NOLINT(google-build-using-namespace): the fixture's names

// --- Chatting: public messages -----------------------------------------------------------------

TEST_F(LineDoorTest, PublicMessageGoesToAllButSender) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  EXPECT_EQ(say(1, "hello there"), Outcome::None);
  EXPECT_EQ(take_by_client(), (ByClient{{2, {kT + "<alice> hello there\n"}}, {3, {kT + "<alice> hello there\n"}}}));
}

TEST_F(LineDoorTest, PublicMessageAloneInRoomGoesNowhere) {
  login(1, "alice");
  say(1, "anyone?");
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, PublicMessageKeepsTextAsTyped) {
  login(1, "alice");
  login(2, "bob");
  say(1, "  indented\ttext  ");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice>   indented\ttext  \n"}}));
}

TEST_F(LineDoorTest, ForgedPrefixStaysInsideTheMessage) {
  login(1, "alice");
  login(2, "bob");
  say(1, "[private] <carol> hi");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> [private] <carol> hi\n"}}));
}

TEST_F(LineDoorTest, EmptyAndWhitespaceLinesAreNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"", " ", "\t", "   \t  "}) {
    EXPECT_EQ(say(1, line), Outcome::None);
  }
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, LineOfOnlyControlBytesIsNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  say(1, "\x1B\x07\x7F");
  say(1, " \x01 \x02 ");
  EXPECT_TRUE(take().empty());
}

TEST_F(LineDoorTest, PublicTextIsSanitized) {
  login(1, "alice");
  login(2, "bob");
  say(1,
      "\x1B[2Jred\x07 \xF0\x9F\x98"
      "A \xC0\x80 ol\xC3\xA1");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> [2Jred \xEF\xBF\xBD"
                                       "A \xEF\xBF\xBD\xEF\xBF\xBD ol\xC3\xA1\n"}}));
}

// C1 controls (U+0080..U+009F) are removed wherever text reaches a client; NEL could
// otherwise start a forged "* " line on some terminals.
TEST_F(LineDoorTest, C1ControlsAreRemovedFromPublicAndPrivateText) {
  login(1, "alice");
  login(2, "bob");
  say(1,
      "hi\xC2\x85* bob is admin \xC2\x9B"
      "31m");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> hi* bob is admin 31m\n"}}));
  say(1,
      "@msg bob \xC2\x9D"
      "0;x\xC2\x9C ok");
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> 0;x ok\n"}, {1, kT + "[private to bob] <alice> 0;x ok\n"}}));
}

TEST_F(LineDoorTest, C1ControlsAreRemovedFromQuotedErrors) {
  login(1, "alice");
  say(1, "@x\xC2\x85y");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@xy' (try @ajuda)\n"}}));
  say(1,
      "@msg z\xC2\x9B"
      "1m hi");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'z1m' is not connected\n"}}));
}

// Commands are recognised after cleaning: a control glued to the word does not make it unknown.
TEST_F(LineDoorTest, CommandsAreRecognisedAfterCleaning) {
  for (const char* line : {"@sair\x1B", "@sair\xC2\x85", "\x01@sair", "@SA\x7FIR"}) {
    SCOPED_TRACE(testing::PrintToString(std::string(line)));
    login(1, "alice");
    EXPECT_EQ(say(1, line), Outcome::Quit);
    EXPECT_EQ(take(), (SentList{{1, kT + "* Bye, alice!\n"}}));
    sessions.erase(1);
  }
  login(1, "alice");
  login(2, "bob");
  say(1, "@msg\x1B bob hi");
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> hi\n"}, {1, kT + "[private to bob] <alice> hi\n"}}));
}

TEST_F(LineDoorTest, MotdLinesAreCleaned) {
  core.set_motd({"Lab\xC2\x85* fake",
                 "\x1B[1mbold\xC2\x9B"
                 "0m"});
  LoginState& s = connect(1);
  door.on_line(1, s, kPassword);
  take();
  door.on_line(1, s, "alice");
  std::vector<std::string> got = lines_to(1);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[2], kT + "* Lab* fake\n");
  EXPECT_EQ(got[3], kT + "* [1mbold0m\n");
}

TEST_F(LineDoorTest, ValidUnicodePassesUnchanged) {
  login(1, "alice");
  login(2, "bob");
  say(1, "ol\xC3\xA1, a\xC3\xA7\xC3\xA3o \xF0\x9F\x98\x80");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> ol\xC3\xA1, a\xC3\xA7\xC3\xA3o \xF0\x9F\x98\x80\n"}}));
}

TEST_F(LineDoorTest, StampChangesAreUsed) {
  login(1, "alice");
  login(2, "bob");
  Timestamp t;
  t.set(1, 2, 3);
  door.set_stamp(t);
  EXPECT_EQ(door.stamp(), "[01:02:03] ");
  say(1, "hi");
  EXPECT_EQ(take(), (SentList{{2, "[01:02:03] <alice> hi\n"}}));
}
