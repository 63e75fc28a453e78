// IrcDoor registration: PASS, NICK, USER and CAP in any order, the welcome burst, and every
// refusal (464, 432, 433, 451, 461) with the connection's outcome.
#include "tests/irc/irc_door_fixture.h"

namespace irc_door_test {
namespace {

TEST_F(IrcDoorTest, WelcomeBurstThenAutomaticJoinWithTopicAndNames) {
  login_line(1, "bob");
  irc_door.on_connect(2, irc_clients[2]);
  EXPECT_TRUE(transport.take(2).empty());  // no prompt: IRC clients speak first
  EXPECT_EQ(send(2, {"PASS pw", "NICK alice"}), Outcome::None);
  EXPECT_EQ(send(2, {"USER alice 0 * :Alice A"}), Outcome::NameAccepted);
  std::vector<std::string> got = transport.take(2);
  ASSERT_GE(got.size(), 12u);
  EXPECT_EQ(got[0], ":irc.test 001 alice :Welcome to the chat IRC network, alice");
  EXPECT_EQ(got[1].rfind(":irc.test 002 alice :Your host is irc.test", 0), 0u);
  EXPECT_EQ(got[3].rfind(":irc.test 004 alice irc.test ", 0), 0u);
  EXPECT_NE(got[4].find(" 005 alice "), std::string::npos);
  EXPECT_NE(got[4].find("CASEMAPPING=ascii"), std::string::npos);
  EXPECT_TRUE(contains_line(got, ":irc.test 422 alice :MOTD File is missing"));
  EXPECT_TRUE(contains_line(got, ":alice!alice@irc.test JOIN #chat"));
  EXPECT_TRUE(contains_line(got, ":irc.test 332 alice #chat :Be kind"));
  EXPECT_TRUE(contains_line(got, ":irc.test 353 alice = #chat :alice bob"));
  EXPECT_EQ(got.back(), ":irc.test 366 alice #chat :End of /NAMES list.");
  // The line user hears of it as of anyone.
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{kT + "* alice joined the chat"}));
}

TEST_F(IrcDoorTest, TheMotdIsSentAsNumerics) {
  core.set_motd({"rule one", "rule two"});
  irc_door.on_connect(2, irc_clients[2]);
  send(2, {"PASS pw", "USER a 0 * :A", "NICK alice"});
  std::vector<std::string> got = transport.take(2);
  EXPECT_TRUE(contains_line(got, ":irc.test 375 alice :- irc.test Message of the day - "));
  EXPECT_TRUE(contains_line(got, ":irc.test 372 alice :- rule one"));
  EXPECT_TRUE(contains_line(got, ":irc.test 372 alice :- rule two"));
  EXPECT_TRUE(contains_line(got, ":irc.test 376 alice :End of /MOTD command."));
}

TEST_F(IrcDoorTest, WrongOrMissingPasswordIs464AndClose) {
  irc_door.on_connect(1, irc_clients[1]);
  EXPECT_EQ(send(1, {"PASS nope", "NICK alice", "USER a 0 * :A"}), Outcome::PasswordRejected);
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{":irc.test 464 * :Password incorrect",
                                                         "ERROR :Closing Link: irc.test (Password incorrect)"}));
  irc_door.on_connect(2, irc_clients[2]);
  EXPECT_EQ(send(2, {"NICK bob", "USER b 0 * :B"}), Outcome::PasswordRejected);
  EXPECT_EQ(irc_clients[2].login.state, chat::State::Gone);
  EXPECT_EQ(send(2, {"PRIVMSG #chat :hi"}), Outcome::None);  // nothing is taken any more
}

TEST_F(IrcDoorTest, OpenChatNeedsNoPassword) {
  core.set_open(true);
  irc_door.on_connect(1, irc_clients[1]);
  EXPECT_EQ(send(1, {"NICK alice", "USER a 0 * :A"}), Outcome::NameAccepted);
  line_door.on_connect(2, line_clients[2]);
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{"Username:"}));  // the line door too
}

TEST_F(IrcDoorTest, ANickTakenOnTheLineDoorIs433ThenAnotherNickWorks) {
  login_line(1, "Bob");
  irc_door.on_connect(2, irc_clients[2]);
  EXPECT_EQ(send(2, {"PASS pw", "NICK bob", "USER b 0 * :B"}), Outcome::NameRefused);
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":irc.test 433 * bob :Nickname is already in use"}));
  EXPECT_EQ(send(2, {"NICK bob2"}), Outcome::NameAccepted);
  // ...and a nick held on the IRC door is taken on the line door.
  line_door.on_connect(3, line_clients[3]);
  say_line(3, "pw");
  EXPECT_EQ(say_line(3, "BOB2"), Outcome::NameRefused);
}

TEST_F(IrcDoorTest, NicksFollowTheChatsNameRules) {
  irc_door.on_connect(1, irc_clients[1]);
  send(1, {"NICK a[b]", "NICK " + std::string(25, 'x'), "NICK"});
  EXPECT_EQ(transport.take(1),
            (std::vector<std::string>{
                ":irc.test 432 * a[b] :Erroneous nickname: 1-24 letters, digits, _ or -",
                ":irc.test 432 * " + std::string(25, 'x') + " :Erroneous nickname: 1-24 letters, digits, _ or -",
                ":irc.test 431 * :No nickname given"}));
}

TEST_F(IrcDoorTest, CommandsBeforeRegistrationAre451AndPingIsAnswered) {
  irc_door.on_connect(1, irc_clients[1]);
  send(1, {"JOIN #chat", "PRIVMSG #chat :hi", "PING :tok", "USER x"});
  EXPECT_EQ(
      transport.take(1),
      (std::vector<std::string>{":irc.test 451 * :You have not registered", ":irc.test 451 * :You have not registered",
                                ":irc.test PONG irc.test :tok", ":irc.test 461 * USER :Not enough parameters"}));
}

TEST_F(IrcDoorTest, CapNegotiationHoldsRegistrationUntilEnd) {
  irc_door.on_connect(1, irc_clients[1]);
  EXPECT_EQ(send(1, {"CAP LS 302", "PASS pw", "NICK alice", "USER a 0 * :A"}), Outcome::None);
  EXPECT_EQ(send(1, {"CAP REQ :multi-prefix"}), Outcome::None);
  EXPECT_EQ(send(1, {"CAP REQ :sasl"}), Outcome::None);
  std::vector<std::string> got = transport.take(1);
  EXPECT_EQ(got, (std::vector<std::string>{":irc.test CAP * LS :multi-prefix", ":irc.test CAP * ACK :multi-prefix",
                                           ":irc.test CAP * NAK :sasl"}));
  EXPECT_EQ(send(1, {"CAP END"}), Outcome::NameAccepted);
  EXPECT_TRUE(irc_clients[1].multi_prefix);
}

TEST_F(IrcDoorTest, QuitBeforeRegistrationClosesQuietly) {
  login_line(1, "bob");
  irc_door.on_connect(2, irc_clients[2]);
  EXPECT_EQ(send(2, {"NICK alice", "QUIT :bye"}), Outcome::Quit);
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{"ERROR :Closing Link: irc.test (Quit)"}));
  EXPECT_TRUE(transport.take(1).empty());
}

TEST_F(IrcDoorTest, AnOverlongLineIs417AndTheConnectionGoesOn) {
  register_irc(1, "alice");
  EXPECT_EQ(irc_door.on_overlong(1, irc_clients[1]), Outcome::None);
  EXPECT_EQ(send(1, {"PRIVMSG #chat :" + std::string(600, 'x')}), Outcome::None);
  EXPECT_EQ(transport.take(1), (std::vector<std::string>{":irc.test 417 alice :Input line was too long",
                                                         ":irc.test 417 alice :Input line was too long"}));
}

TEST_F(IrcDoorTest, AfterRegistrationNickUserAndPassAreRefused) {
  register_irc(1, "alice");
  send(1, {"NICK alice2", "NICK alice", "USER a 0 * :A", "PASS pw"});
  EXPECT_EQ(transport.take(1),
            (std::vector<std::string>{
                ":irc.test 447 alice alice2 :Nick changes are not supported here; reconnect to use another name",
                ":irc.test 462 alice :You may not reregister", ":irc.test 462 alice :You may not reregister"}));
}

}  // namespace
}  // namespace irc_door_test
