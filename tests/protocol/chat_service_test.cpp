// ChatService: the login state machine and chat commands, line by line against PROTOCOL.md.
#include "protocol/chat_service.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

using chat::ChatService;
using chat::ClientId;
using chat::Departure;
using chat::LoginState;
using chat::Outcome;
using chat::Room;
using chat::State;
using chat::Timestamp;

namespace {

using Sent = std::pair<ClientId, std::string>;
using SentList = std::vector<Sent>;
using ByClient = std::map<ClientId, std::vector<std::string>>;

struct FakeTransport : chat::Transport {
  SentList sent;
  void deliver(ClientId to, const reactor::PayloadRef& line) override {
    sent.emplace_back(to, std::string(line.view()));
  }
};

constexpr const char* kPassword = "s3cret";
constexpr std::size_t kMaxLine = 4096;
const std::string kT = "[12:34:56] ";
const std::string kHelp = std::string(chat::help_text());

class ChatServiceTest : public ::testing::Test {
 protected:
  ChatServiceTest() {
    Timestamp t;
    t.set(12, 34, 56);
    service.set_stamp(t);
  }

  // Everything sent since the last call, then forgets it.
  SentList take() { return std::exchange(transport.sent, {}); }

  // Everything sent since the last call, grouped by recipient (order kept per recipient:
  // the order in which a broadcast visits recipients is not part of the contract), then forgets it.
  ByClient take_by_client() {
    ByClient out;
    for (auto& [to, line] : take()) out[to].push_back(std::move(line));
    return out;
  }

  // Lines sent to one client since the last take(), without forgetting.
  std::vector<std::string> lines_to(ClientId id) const {
    std::vector<std::string> out;
    for (const auto& [to, line] : transport.sent)
      if (to == id) out.push_back(line);
    return out;
  }

  LoginState& connect(ClientId id) {
    LoginState& s = sessions[id];
    service.on_connect(id, s);
    return s;
  }

  // Connects, gives the password and the name; asserts each step; forgets the output.
  LoginState& login(ClientId id, const std::string& name) {
    LoginState& s = connect(id);
    EXPECT_EQ(service.on_line(id, s, kPassword), Outcome::PasswordAccepted);
    EXPECT_EQ(service.on_line(id, s, name), Outcome::NameAccepted);
    EXPECT_EQ(s.state, State::Chatting);
    take();
    return s;
  }

  Outcome say(ClientId id, std::string_view line) { return service.on_line(id, sessions[id], line); }

  FakeTransport transport;
  Room room{transport};
  ChatService service{kPassword, kMaxLine, room};
  std::map<ClientId, LoginState> sessions;
};

}  // namespace

// --- Password --------------------------------------------------------------------------------

TEST_F(ChatServiceTest, ConnectAsksForPassword) {
  LoginState& s = connect(1);
  EXPECT_EQ(s.state, State::AwaitPassword);
  EXPECT_EQ(take(), (SentList{{1, "Password:\n"}}));
}

TEST_F(ChatServiceTest, WrongPasswordIsRejectedAndCloses) {
  LoginState& s = connect(1);
  take();
  Outcome o = service.on_line(1, s, "guess");
  EXPECT_EQ(o, Outcome::PasswordRejected);
  EXPECT_TRUE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Wrong password. Bye.\n"}}));
}

TEST_F(ChatServiceTest, PasswordMustMatchExactly) {
  for (const char* guess : {"", "s3cre", "s3cret ", " s3cret", "S3CRET", "s3cretx", "s3cret\r"}) {
    LoginState s;
    service.on_connect(9, s);
    EXPECT_EQ(service.on_line(9, s, guess), Outcome::PasswordRejected) << testing::PrintToString(guess);
  }
}

TEST_F(ChatServiceTest, PasswordWithEmbeddedNulIsRejected) {
  LoginState& s = connect(1);
  EXPECT_EQ(service.on_line(1, s, std::string_view("s3cret\0", 7)), Outcome::PasswordRejected);
}

TEST_F(ChatServiceTest, RightPasswordAsksForName) {
  LoginState& s = connect(1);
  take();
  Outcome o = service.on_line(1, s, kPassword);
  EXPECT_EQ(o, Outcome::PasswordAccepted);
  EXPECT_FALSE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(take(), (SentList{{1, "Username:\n"}}));
}

TEST_F(ChatServiceTest, LinesAfterWrongPasswordAreIgnored) {
  LoginState& s = connect(1);
  service.on_line(1, s, "nope");
  take();
  EXPECT_EQ(service.on_line(1, s, kPassword), Outcome::None);
  EXPECT_EQ(service.on_line(1, s, "alice"), Outcome::None);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(room.size(), 0u);
}

// --- Name ------------------------------------------------------------------------------------

TEST_F(ChatServiceTest, InvalidNameIsRefusedAndAskedAgain) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  take();
  for (const std::string& bad :
       std::vector<std::string>{"", "   ", "bob smith", "b!b", std::string(25, 'a'), "jos\xC3\xA9", "<alice>"}) {
    Outcome o = service.on_line(1, s, bad);
    EXPECT_EQ(o, Outcome::NameRefused) << testing::PrintToString(bad);
    EXPECT_FALSE(chat::closes_connection(o));
    EXPECT_EQ(s.state, State::AwaitName);
    EXPECT_EQ(take(), (SentList{{1, "! names are 1-24 letters, digits, _ or -\n"}, {1, "Username:\n"}}))
        << testing::PrintToString(bad);
  }
  EXPECT_EQ(room.size(), 0u);
  EXPECT_EQ(service.on_line(1, s, "alice"), Outcome::NameAccepted);  // a valid name still works after
}

TEST_F(ChatServiceTest, NameOfExactly24IsAccepted) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  EXPECT_EQ(service.on_line(1, s, std::string(24, 'z')), Outcome::NameAccepted);
}

TEST_F(ChatServiceTest, NameSurroundingBlanksAreTrimmed) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  EXPECT_EQ(service.on_line(1, s, "  alice\t"), Outcome::NameAccepted);
  EXPECT_EQ(s.name, "alice");
  EXPECT_EQ(room.name_of(1), "alice");
}

TEST_F(ChatServiceTest, TakenNameIsRefused) {
  login(1, "bob");
  LoginState& s = connect(2);
  service.on_line(2, s, kPassword);
  take();
  EXPECT_EQ(service.on_line(2, s, "bob"), Outcome::NameRefused);
  EXPECT_EQ(s.state, State::AwaitName);
  EXPECT_EQ(take(), (SentList{{2, "! name 'bob' is taken\n"}, {2, "Username:\n"}}));
}

TEST_F(ChatServiceTest, TakenNameIgnoresCase) {
  login(1, "bob");
  LoginState& s = connect(2);
  service.on_line(2, s, kPassword);
  take();
  EXPECT_EQ(service.on_line(2, s, "BOB"), Outcome::NameRefused);
  SentList out = take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].first, 2u);
  EXPECT_EQ(out[0].second, "! name 'BOB' is taken\n");  // names the rule, with the name as typed
  EXPECT_EQ(out[1], (Sent{2, "Username:\n"}));
  EXPECT_EQ(room.find("bob"), std::optional<ClientId>(1));
  EXPECT_EQ(service.on_line(2, s, "Bobby"), Outcome::NameAccepted);
}

TEST_F(ChatServiceTest, WelcomeListsOnlineAndCommands) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  take();
  EXPECT_EQ(service.on_line(1, s, "alice"), Outcome::NameAccepted);
  EXPECT_EQ(s.state, State::Chatting);
  EXPECT_EQ(s.name, "alice");
  EXPECT_EQ(take(), (SentList{{1, kT + "* Welcome, alice! Online (1): alice\n"}, {1, kT + "* " + kHelp + "\n"}}));
}

TEST_F(ChatServiceTest, HelpTextMentionsEveryCommand) {
  for (const char* word : {"@privado:", "@msg", "@usuarios", "@users", "@ajuda", "@help", "@sair", "@quit"}) {
    EXPECT_NE(kHelp.find(word), std::string::npos) << word;
  }
}

TEST_F(ChatServiceTest, JoinIsAnnouncedToOthersAndWelcomeListsEveryoneSorted) {
  login(1, "carol");
  login(2, "bob");
  LoginState& s = connect(3);
  service.on_line(3, s, kPassword);
  take();
  ASSERT_EQ(service.on_line(3, s, "Alice"), Outcome::NameAccepted);
  EXPECT_EQ(take_by_client(),
            (ByClient{{1, {kT + "* Alice joined the chat\n"}},
                      {2, {kT + "* Alice joined the chat\n"}},
                      {3, {kT + "* Welcome, Alice! Online (3): Alice, bob, carol\n", kT + "* " + kHelp + "\n"}}}));
}

TEST_F(ChatServiceTest, WelcomeListIsCappedButCountsEveryone) {
  for (ClientId id = 1; id <= 52; ++id) {
    login(id, (id < 10 ? "u0" : "u") + std::to_string(id));
  }
  LoginState& s = connect(100);
  service.on_line(100, s, kPassword);
  take();
  ASSERT_EQ(service.on_line(100, s, "zz"), Outcome::NameAccepted);
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

TEST_F(ChatServiceTest, ClientsNotYetChattingReceiveNoChatTraffic) {
  login(1, "alice");
  LoginState& pw = connect(2);  // still at Password:
  LoginState& nm = connect(3);  // at Username:
  service.on_line(3, nm, kPassword);
  take();
  say(1, "hello");
  login(4, "bob");  // join notice
  EXPECT_TRUE(lines_to(2).empty());
  EXPECT_TRUE(lines_to(3).empty());
  EXPECT_EQ(pw.state, State::AwaitPassword);
  EXPECT_EQ(nm.state, State::AwaitName);
}

// --- Chatting: public messages -----------------------------------------------------------------

TEST_F(ChatServiceTest, PublicMessageGoesToAllButSender) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  EXPECT_EQ(say(1, "hello there"), Outcome::None);
  EXPECT_EQ(take_by_client(), (ByClient{{2, {kT + "<alice> hello there\n"}}, {3, {kT + "<alice> hello there\n"}}}));
}

TEST_F(ChatServiceTest, PublicMessageAloneInRoomGoesNowhere) {
  login(1, "alice");
  say(1, "anyone?");
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, PublicMessageKeepsTextAsTyped) {
  login(1, "alice");
  login(2, "bob");
  say(1, "  indented\ttext  ");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice>   indented\ttext  \n"}}));
}

TEST_F(ChatServiceTest, ForgedPrefixStaysInsideTheMessage) {
  login(1, "alice");
  login(2, "bob");
  say(1, "[private] <carol> hi");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> [private] <carol> hi\n"}}));
}

TEST_F(ChatServiceTest, EmptyAndWhitespaceLinesAreNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"", " ", "\t", "   \t  "}) {
    EXPECT_EQ(say(1, line), Outcome::None);
  }
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, LineOfOnlyControlBytesIsNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  say(1, "\x1B\x07\x7F");
  say(1, " \x01 \x02 ");
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, PublicTextIsSanitized) {
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
TEST_F(ChatServiceTest, C1ControlsAreRemovedFromPublicAndPrivateText) {
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

TEST_F(ChatServiceTest, C1ControlsAreRemovedFromQuotedErrors) {
  login(1, "alice");
  say(1, "@x\xC2\x85y");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@xy' (try @ajuda)\n"}}));
  say(1,
      "@msg z\xC2\x9B"
      "1m hi");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'z1m' is not connected\n"}}));
}

// Commands are recognised after cleaning: a control glued to the word does not make it unknown.
TEST_F(ChatServiceTest, CommandsAreRecognisedAfterCleaning) {
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

TEST_F(ChatServiceTest, MotdLinesAreCleaned) {
  service.set_motd({"Lab\xC2\x85* fake",
                    "\x1B[1mbold\xC2\x9B"
                    "0m"});
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  take();
  service.on_line(1, s, "alice");
  std::vector<std::string> got = lines_to(1);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[2], kT + "* Lab* fake\n");
  EXPECT_EQ(got[3], kT + "* [1mbold0m\n");
}

TEST_F(ChatServiceTest, ValidUnicodePassesUnchanged) {
  login(1, "alice");
  login(2, "bob");
  say(1, "ol\xC3\xA1, a\xC3\xA7\xC3\xA3o \xF0\x9F\x98\x80");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> ol\xC3\xA1, a\xC3\xA7\xC3\xA3o \xF0\x9F\x98\x80\n"}}));
}

TEST_F(ChatServiceTest, StampChangesAreUsed) {
  login(1, "alice");
  login(2, "bob");
  Timestamp t;
  t.set(1, 2, 3);
  service.set_stamp(t);
  EXPECT_EQ(service.stamp(), "[01:02:03] ");
  say(1, "hi");
  EXPECT_EQ(take(), (SentList{{2, "[01:02:03] <alice> hi\n"}}));
}

// --- Chatting: private messages ----------------------------------------------------------------

TEST_F(ChatServiceTest, PrivateMessageAndEcho) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  EXPECT_EQ(say(1, "@privado:bob psst"), Outcome::None);
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> psst\n"}, {1, kT + "[private to bob] <alice> psst\n"}}));
}

TEST_F(ChatServiceTest, PrivateMessageAliases) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"@privado: bob psst", "@msg bob psst", "@MSG bob psst", "  @PRIVADO:bob psst"}) {
    say(1, line);
    EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> psst\n"}, {1, kT + "[private to bob] <alice> psst\n"}}))
        << line;
  }
}

TEST_F(ChatServiceTest, PrivateTargetIgnoresCaseEchoUsesRealName) {
  login(1, "alice");
  login(2, "Bob");
  say(1, "@msg BOB hi");
  EXPECT_EQ(take(), (SentList{{2, kT + "[private] <alice> hi\n"}, {1, kT + "[private to Bob] <alice> hi\n"}}));
}

TEST_F(ChatServiceTest, PrivateToUnknownUser) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@privado:zed hello");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'zed' is not connected\n"}}));
}

TEST_F(ChatServiceTest, PrivateToUserWhoLeftIsUnknown) {
  login(1, "alice");
  login(2, "bob");
  say(2, "@sair");
  take();
  say(1, "@msg bob still there?");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'bob' is not connected\n"}}));
}

TEST_F(ChatServiceTest, PrivateUnknownUserNameIsSanitizedInError) {
  login(1, "alice");
  say(1, "@msg z\x1B[1med hi");
  EXPECT_EQ(take(), (SentList{{1, kT + "! user 'z[1med' is not connected\n"}}));
}

TEST_F(ChatServiceTest, PrivateUsageErrors) {
  login(1, "alice");
  login(2, "bob");
  for (const char* line : {"@privado:", "@privado:bob", "@privado:bob    ", "@privado: ", "@msg", "@msg bob"}) {
    EXPECT_EQ(say(1, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{1, kT + "! usage: @privado:<user> <message>\n"}})) << testing::PrintToString(line);
  }
}

TEST_F(ChatServiceTest, PrivateTextOfOnlyControlBytesIsUsageError) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@msg bob \x1B\x07");
  EXPECT_EQ(take(), (SentList{{1, kT + "! usage: @privado:<user> <message>\n"}}));
}

TEST_F(ChatServiceTest, PrivateTextIsSanitized) {
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

TEST_F(ChatServiceTest, UsersListsEveryoneSorted) {
  login(1, "carol");
  login(2, "alice");
  login(3, "Bob");
  for (const char* line : {"@usuarios", "@users", "@USERS"}) {
    EXPECT_EQ(say(2, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{2, kT + "* Online (3): alice, Bob, carol\n"}})) << line;
  }
}

TEST_F(ChatServiceTest, HelpRepliesToSenderOnly) {
  login(1, "alice");
  login(2, "bob");
  const std::string help = kT + "* " + kHelp + "\n";
  for (const char* line : {"@ajuda", "@help", "@Ajuda"}) {
    EXPECT_EQ(say(1, line), Outcome::None);
    EXPECT_EQ(take(), (SentList{{1, help}})) << line;
  }
}

TEST_F(ChatServiceTest, UnknownCommandIsAnErrorAndNotBroadcast) {
  login(1, "alice");
  login(2, "bob");
  EXPECT_EQ(say(1, "@x"), Outcome::None);
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@x' (try @ajuda)\n"}}));
  say(1, "@dance with me");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@dance' (try @ajuda)\n"}}));
}

TEST_F(ChatServiceTest, UnknownCommandWordIsSanitizedInError) {
  login(1, "alice");
  say(1, "@x\x1B]0;pwned\x07\xFF");
  EXPECT_EQ(take(), (SentList{{1, kT + "! unknown command '@x]0;pwned\xEF\xBF\xBD' (try @ajuda)\n"}}));
}

TEST_F(ChatServiceTest, QuitSaysByeAndTellsOthers) {
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

TEST_F(ChatServiceTest, QuitAliasAndCase) {
  for (const char* line : {"@quit", "@SAIR", "  @Quit  "}) {
    login(1, "alice");
    login(2, "bob");
    EXPECT_EQ(say(1, line), Outcome::Quit) << line;
    EXPECT_EQ(take(), (SentList{{1, kT + "* Bye, alice!\n"}, {2, kT + "* alice left the chat\n"}})) << line;
    service.on_disconnect(1, sessions[1], Departure::Lost);
    service.on_disconnect(2, sessions[2], Departure::Silent);
    take();
  }
}

TEST_F(ChatServiceTest, NameIsFreeAfterQuit) {
  login(1, "alice");
  say(1, "@sair");
  login(2, "ALICE");
  EXPECT_EQ(room.find("alice"), std::optional<ClientId>(2));
}

TEST_F(ChatServiceTest, LinesAfterQuitAreIgnored) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@sair");
  take();
  EXPECT_EQ(say(1, "still here"), Outcome::None);
  EXPECT_EQ(say(1, "@usuarios"), Outcome::None);
  EXPECT_EQ(say(1, "@sair"), Outcome::None);
  EXPECT_EQ(service.on_overlong(1, sessions[1]), Outcome::None);
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, DisconnectAfterQuitIsNotAnnouncedTwice) {
  login(1, "alice");
  login(2, "bob");
  say(1, "@sair");
  take();
  service.on_disconnect(1, sessions[1], Departure::Lost);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(room.size(), 1u);
}

// --- Disconnects -----------------------------------------------------------------------------

TEST_F(ChatServiceTest, LostConnectionIsAnnounced) {
  login(1, "alice");
  login(2, "bob");
  login(3, "carol");
  service.on_disconnect(1, sessions[1], Departure::Lost);
  EXPECT_EQ(sessions[1].state, State::Gone);
  EXPECT_FALSE(room.contains(1));
  EXPECT_EQ(take_by_client(), (ByClient{{2, {kT + "* alice disconnected\n"}}, {3, {kT + "* alice disconnected\n"}}}));
}

TEST_F(ChatServiceTest, TooSlowIsAnnounced) {
  login(1, "alice");
  login(2, "bob");
  service.on_disconnect(2, sessions[2], Departure::TooSlow);
  EXPECT_EQ(take(), (SentList{{1, kT + "* bob was disconnected (too slow)\n"}}));
  EXPECT_FALSE(room.contains(2));
}

TEST_F(ChatServiceTest, SilentDepartureTellsNobody) {
  login(1, "alice");
  login(2, "bob");
  service.on_disconnect(2, sessions[2], Departure::Silent);
  EXPECT_TRUE(take().empty());
  EXPECT_FALSE(room.contains(2));
  EXPECT_EQ(sessions[2].state, State::Gone);
}

TEST_F(ChatServiceTest, DisconnectBeforeChattingTellsNobody) {
  login(1, "alice");
  LoginState& a = connect(2);
  LoginState& b = connect(3);
  service.on_line(3, b, kPassword);
  take();
  service.on_disconnect(2, a, Departure::Lost);
  service.on_disconnect(3, b, Departure::TooSlow);
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(a.state, State::Gone);
  EXPECT_EQ(b.state, State::Gone);
  EXPECT_EQ(room.size(), 1u);
}

TEST_F(ChatServiceTest, DisconnectedClientReceivesNothingMore) {
  login(1, "alice");
  login(2, "bob");
  service.on_disconnect(2, sessions[2], Departure::Lost);
  take();
  say(1, "hello?");
  EXPECT_TRUE(take().empty());
  EXPECT_EQ(say(2, "ghost"), Outcome::None);
  EXPECT_TRUE(take().empty());
}

// --- Over-long lines ---------------------------------------------------------------------------

TEST_F(ChatServiceTest, OverlongAtPasswordCloses) {
  LoginState& s = connect(1);
  take();
  Outcome o = service.on_overlong(1, s);
  EXPECT_EQ(o, Outcome::TooLongBeforeChat);
  EXPECT_TRUE(chat::closes_connection(o));
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! line too long (max 4096 bytes). Bye.\n"}}));
}

TEST_F(ChatServiceTest, OverlongAtUsernameCloses) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  take();
  EXPECT_EQ(service.on_overlong(1, s), Outcome::TooLongBeforeChat);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! line too long (max 4096 bytes). Bye.\n"}}));
  EXPECT_EQ(service.on_line(1, s, "alice"), Outcome::None);
  EXPECT_EQ(room.size(), 0u);
}

TEST_F(ChatServiceTest, OverlongWhileChattingIsAnErrorAndStays) {
  login(1, "alice");
  login(2, "bob");
  Outcome o = service.on_overlong(1, sessions[1]);
  EXPECT_EQ(o, Outcome::None);
  EXPECT_FALSE(chat::closes_connection(o));
  EXPECT_EQ(sessions[1].state, State::Chatting);
  EXPECT_EQ(take(), (SentList{{1, kT + "! line too long (max 4096 bytes)\n"}}));
  say(1, "still here");
  EXPECT_EQ(take(), (SentList{{2, kT + "<alice> still here\n"}}));
}

TEST(ChatServiceMaxLine, OverlongMessageNamesConfiguredLimit) {
  struct : chat::Transport {
    SentList sent;
    void deliver(ClientId to, const reactor::PayloadRef& line) override {
      sent.emplace_back(to, std::string(line.view()));
    }
  } transport;
  Room room(transport);
  ChatService service("pw", 100, room);
  LoginState s;
  service.on_connect(1, s);
  EXPECT_EQ(service.on_overlong(1, s), Outcome::TooLongBeforeChat);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].second, "! line too long (max 100 bytes). Bye.\n");
}

// --- Authentication timeout and shutdown -------------------------------------------------------

TEST_F(ChatServiceTest, AuthTimeoutAtPassword) {
  LoginState& s = connect(1);
  take();
  service.on_auth_timeout(1, s);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Authentication timed out. Bye.\n"}}));
  EXPECT_EQ(service.on_line(1, s, kPassword), Outcome::None);
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, AuthTimeoutAtUsername) {
  LoginState& s = connect(1);
  service.on_line(1, s, kPassword);
  take();
  service.on_auth_timeout(1, s);
  EXPECT_EQ(s.state, State::Gone);
  EXPECT_EQ(take(), (SentList{{1, "! Authentication timed out. Bye.\n"}}));
}

TEST_F(ChatServiceTest, AuthTimeoutAfterLoginDoesNothing) {
  login(1, "alice");
  service.on_auth_timeout(1, sessions[1]);
  EXPECT_EQ(sessions[1].state, State::Chatting);
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, AuthTimeoutAfterGoneDoesNothing) {
  LoginState& s = connect(1);
  service.on_line(1, s, "wrong");
  take();
  service.on_auth_timeout(1, s);
  EXPECT_TRUE(take().empty());
}

TEST_F(ChatServiceTest, ShutdownNoticeWhileChattingHasTimestamp) {
  login(1, "alice");
  service.on_shutdown(1, sessions[1]);
  EXPECT_EQ(take(), (SentList{{1, kT + "* Server is shutting down\n"}}));
}

TEST_F(ChatServiceTest, ShutdownNoticeBeforeChattingHasNoTimestamp) {
  LoginState& a = connect(1);
  LoginState& b = connect(2);
  service.on_line(2, b, kPassword);
  take();
  service.on_shutdown(1, a);
  service.on_shutdown(2, b);
  EXPECT_EQ(take(), (SentList{{1, "* Server is shutting down\n"}, {2, "* Server is shutting down\n"}}));
}

TEST_F(ChatServiceTest, ShutdownAfterGoneSendsNothing) {
  LoginState& s = connect(1);
  service.on_line(1, s, "wrong");
  take();
  service.on_shutdown(1, s);
  EXPECT_TRUE(take().empty());
}

// --- A whole session -------------------------------------------------------------------------

TEST_F(ChatServiceTest, FullConversationTranscript) {
  LoginState& a = connect(1);
  EXPECT_EQ(service.on_line(1, a, kPassword), Outcome::PasswordAccepted);
  EXPECT_EQ(service.on_line(1, a, "alice"), Outcome::NameAccepted);
  LoginState& b = connect(2);
  EXPECT_EQ(service.on_line(2, b, kPassword), Outcome::PasswordAccepted);
  EXPECT_EQ(service.on_line(2, b, "alice"), Outcome::NameRefused);
  EXPECT_EQ(service.on_line(2, b, "bob"), Outcome::NameAccepted);
  EXPECT_EQ(service.on_line(1, a, "hi bob"), Outcome::None);
  EXPECT_EQ(service.on_line(2, b, "@msg alice hey"), Outcome::None);
  EXPECT_EQ(service.on_line(2, b, "@sair"), Outcome::Quit);
  service.on_disconnect(2, b, Departure::Lost);
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

TEST(ChatServiceOutcome, ClosesConnection) {
  EXPECT_FALSE(chat::closes_connection(Outcome::None));
  EXPECT_FALSE(chat::closes_connection(Outcome::PasswordAccepted));
  EXPECT_TRUE(chat::closes_connection(Outcome::PasswordRejected));
  EXPECT_FALSE(chat::closes_connection(Outcome::NameAccepted));
  EXPECT_FALSE(chat::closes_connection(Outcome::NameRefused));
  EXPECT_TRUE(chat::closes_connection(Outcome::Quit));
  EXPECT_TRUE(chat::closes_connection(Outcome::TooLongBeforeChat));
}

TEST(SessionState, Names) {
  EXPECT_EQ(chat::to_string(State::AwaitPassword), "AWAIT_PASSWORD");
  EXPECT_EQ(chat::to_string(State::AwaitName), "AWAIT_NAME");
  EXPECT_EQ(chat::to_string(State::Chatting), "CHATTING");
  EXPECT_EQ(chat::to_string(State::Gone), "GONE");
}
