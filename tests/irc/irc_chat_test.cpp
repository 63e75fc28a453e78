// IrcDoor in the room: IRC and line users chat both ways, in public and in private, see each
// other come and go, and each door sees the other's text cleaned its own way.
#include "tests/irc/irc_door_fixture.h"

namespace irc_door_test {
namespace {

class IrcChat : public IrcDoorTest {
 protected:
  IrcChat() {
    login_line(1, "bob");
    register_irc(2, "alice");
    register_irc(3, "carol");
    forget_all();
  }
};

TEST_F(IrcChat, PublicLinesBothWays) {
  send(2, {"PRIVMSG #chat :hello all"});
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "<alice> hello all"}));
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{":alice!alice@irc.test PRIVMSG #chat :hello all"}));
  EXPECT_TRUE(transport.take(2).empty());  // no echo to the sender

  say_line(1, "hi from netcat");
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":bob!bob@irc.test PRIVMSG #chat :hi from netcat"}));
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{":bob!bob@irc.test PRIVMSG #chat :hi from netcat"}));
}

TEST_F(IrcChat, PrivateMessagesBothWays) {
  send(2, {"PRIVMSG Bob :psst"});  // nicks ignore case, as names do
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "[private] <alice> psst"}));
  EXPECT_TRUE(transport.take(2).empty());  // IRC clients show their own message themselves
  EXPECT_TRUE(transport.take(3).empty());

  say_line(1, "@privado:alice back at you");
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":bob!bob@irc.test PRIVMSG alice :back at you"}));
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "[private to alice] <bob> back at you"}));

  send(2, {"PRIVMSG zed :anyone?"});
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":irc.test 401 alice zed :No such nick/channel"}));
}

TEST_F(IrcChat, NoticesAreRelayedAndNeverAnsweredWithErrors) {
  send(2, {"NOTICE #chat :fyi", "NOTICE zed :x", "NOTICE", "NOTICE #other :x"});
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "<alice> fyi"}));
  EXPECT_TRUE(transport.take(2).empty());
}

TEST_F(IrcChat, JoinsAndDeparturesBothWays) {
  login_line(4, "dave");
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":dave!dave@irc.test JOIN #chat"}));
  say_line(4, "@sair");
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":dave!dave@irc.test QUIT :Quit: left the chat"}));
  line_door.on_disconnect(1, line_clients[1], chat::Departure::Lost);
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":bob!bob@irc.test QUIT :Connection lost"}));

  login_line(5, "erin");
  forget_all();
  EXPECT_EQ(send(3, {"QUIT :gone fishing"}), Outcome::Quit);
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{"ERROR :Closing Link: irc.test (Quit: left the chat)"}));
  EXPECT_EQ(transport.take(5), (std::vector<std::string>{kT + "* carol left the chat"}));
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":carol!carol@irc.test QUIT :Quit: left the chat"}));
}

TEST_F(IrcChat, PartLeavesTheChat) {
  EXPECT_EQ(send(3, {"PART #chat :bye"}), Outcome::Quit);
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{":carol!carol@irc.test PART #chat :bye",
                                                         "ERROR :Closing Link: irc.test (Quit: left the chat)"}));
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "* carol left the chat"}));
}

TEST_F(IrcChat, FormattingReachesIrcUsersAndIsStrippedForLineUsers) {
  send(2, {"PRIVMSG #chat :\x02"
           "bold\x02 and \x03"
           "04,01red\x03 \x1b[31m"});
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "<alice> bold and red [31m"}));
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{":alice!alice@irc.test PRIVMSG #chat :\x02"
                                                         "bold\x02 and \x03"
                                                         "04,01red\x03 [31m"}));
}

TEST_F(IrcChat, ActionsAreSlashMeForLineUsers) {
  send(2, {"PRIVMSG #chat :\x01"
           "ACTION waves\x01",
           "PRIVMSG #chat :\x01VERSION\x01"});
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "<alice> /me waves"}));
  EXPECT_EQ(transport.take(3), (std::vector<std::string>{":alice!alice@irc.test PRIVMSG #chat :\x01"
                                                         "ACTION waves\x01"}));
}

TEST_F(IrcChat, ALongLineFromTheLineDoorArrivesWholeInSeveralIrcLines) {
  std::string text;
  for (int i = 0; i < 400; ++i) text.append("w").append(std::to_string(i % 10)).append("\xC3\xA9 ");  // é: two bytes
  say_line(1, text);
  std::vector<std::string> got = transport.take(2);
  ASSERT_GT(got.size(), 1u);
  std::string joined;
  const std::string head = ":bob!bob@irc.test PRIVMSG #chat :";
  for (const std::string& line : got) {
    EXPECT_LE(line.size() + 2, 512u);
    ASSERT_EQ(line.rfind(head, 0), 0u);
    joined += line.substr(head.size());
  }
  EXPECT_EQ(joined, text);
}

TEST_F(IrcChat, ErrorsOfPrivmsgAndJoin) {
  send(2, {"PRIVMSG", "PRIVMSG #chat", "PRIVMSG #other :x", "JOIN #other,#chat", "JOIN #chat", "FOO bar"});
  EXPECT_EQ(transport.take(2),
            (std::vector<std::string>{":irc.test 411 alice :No recipient given (PRIVMSG)",
                                      ":irc.test 412 alice :No text to send",
                                      ":irc.test 403 alice #other :No such channel (this server has only #chat)",
                                      ":irc.test 403 alice #other :No such channel (this server has only #chat)",
                                      ":irc.test 421 alice FOO :Unknown command"}));
}

TEST_F(IrcChat, QueriesAnswerAboutEveryDoor) {
  send(2, {"NAMES", "WHOIS bob", "WHOIS zed", "ISON bob zed carol", "TOPIC #chat", "TOPIC #chat :new", "MODE #chat",
           "MODE alice", "MODE carol +i", "PING :x", "AWAY :lunch", "AWAY"});
  std::vector<std::string> got = transport.take(2);
  std::vector<std::string> want = {
      ":irc.test 353 alice = #chat :alice bob carol",
      ":irc.test 366 alice #chat :End of /NAMES list.",
      ":irc.test 311 alice bob bob irc.test * :bob",
      ":irc.test 312 alice bob irc.test :chat-server",
      ":irc.test 319 alice bob :#chat",
      ":irc.test 318 alice bob :End of /WHOIS list.",
      ":irc.test 401 alice zed :No such nick/channel",
      ":irc.test 318 alice zed :End of /WHOIS list.",
      ":irc.test 303 alice :bob carol",
      ":irc.test 332 alice #chat :Be kind",
      ":irc.test 482 alice #chat :The topic is set by the server's configuration",
      ":irc.test 324 alice #chat :+nt",
      ":irc.test 329 alice #chat :0",
      ":irc.test 221 alice +",
      ":irc.test 502 alice :Can't change mode for other users",
      ":irc.test PONG irc.test :x",
      ":irc.test 306 alice :You have been marked as being away",
      ":irc.test 305 alice :You are no longer marked as being away",
  };
  EXPECT_EQ(got, want);
  send(2, {"WHO #chat"});
  got = transport.take(2);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[1], ":irc.test 352 alice #chat bob irc.test irc.test bob H :0 bob");
  EXPECT_EQ(got[3], ":irc.test 315 alice #chat :End of /WHO list.");
}

TEST_F(IrcChat, OneRenderingPerDoorPerBroadcast) {
  login_line(4, "dave");
  forget_all();
  say_line(1, "x");
  // Same bytes for both IRC users, and for the line user: one payload each door (Room).
  EXPECT_EQ(transport.take(2), transport.take(3));
  EXPECT_EQ(transport.take(4), (std::vector<std::string>{kT + "<bob> x"}));
}

}  // namespace
}  // namespace irc_door_test
