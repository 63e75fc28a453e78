// The IRC door over real sockets (docs/IRC.md): an IRC user and a netcat-style line user in
// one room, both ways; one name space; the password and its lock-out; PING of silent clients.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

// A server with the IRC door on a free port.
struct IrcServer {
  explicit IrcServer(const std::vector<std::string>& extra = {})
      : irc_port(unused_port()), server(config(irc_port, extra)) {}
  static ServerConfig config(std::uint16_t irc_port, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--irc-port", std::to_string(irc_port), "--server-name", "irc.test"};
    args.insert(args.end(), extra.begin(), extra.end());
    return with_args(args);
  }
  std::uint16_t irc_port;
  Server server;
};

// Registers over IRC and waits for the end of NAMES (the end of the welcome burst).
void register_irc(Client& c, const std::string& nick, const std::string& password = kPassword) {
  c.send_raw("PASS " + password + "\r\nNICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n");
  c.expect(" 001 " + nick + " :Welcome");
  c.expect(" 366 " + nick + " #chat :End of /NAMES list.");
}

TEST(IrcDoor, IrcAndLineUsersChatBothWays) {
  IrcServer s;
  Client bob(s.server.port());
  bob.login("bob");
  Client alice(s.irc_port);
  register_irc(alice, "alice");
  bob.expect("* alice joined the chat");

  alice.send_raw("PRIVMSG #chat :hello from irc\r\n");
  bob.expect_next("<alice> hello from irc");
  bob.send_line("hello from netcat");
  alice.expect(":bob!bob@irc.test PRIVMSG #chat :hello from netcat");

  alice.send_raw("PRIVMSG bob :psst\r\n");
  bob.expect_next("[private] <alice> psst");
  bob.send_line("@privado:alice back");
  alice.expect(":bob!bob@irc.test PRIVMSG alice :back");
  bob.expect_next("[private to alice] <bob> back");

  Client carol(s.server.port());
  carol.login("carol");
  alice.expect(":carol!carol@irc.test JOIN #chat");
  carol.send_line("@sair");
  alice.expect(":carol!carol@irc.test QUIT :Quit: left the chat");
  bob.expect("* carol left the chat");

  alice.send_raw("QUIT :bye\r\n");
  bob.expect("* alice left the chat");
  alice.expect("ERROR :Closing Link");
  EXPECT_TRUE(alice.closed_by_server());
  bob.close();  // a lost line user is a QUIT for the IRC users
}

TEST(IrcDoor, ALineUserWhoDropsIsAQuitForIrcUsers) {
  IrcServer s;
  Client alice(s.irc_port);
  register_irc(alice, "alice");
  {
    Client bob(s.server.port());
    bob.login("bob");
    alice.expect(":bob!bob@irc.test JOIN #chat");
  }
  alice.expect(":bob!bob@irc.test QUIT :Connection lost");
}

TEST(IrcDoor, ANameTakenOnOneDoorIsTakenOnTheOther) {
  IrcServer s;
  Client bob(s.server.port());
  bob.login("Bob");
  Client irc(s.irc_port);
  irc.send_raw("PASS " + std::string(kPassword) + "\r\nNICK bob\r\nUSER b 0 * :b\r\n");
  irc.expect(":irc.test 433 * bob :Nickname is already in use");
  irc.send_raw("NICK alice\r\n");
  irc.expect(" 001 alice ");

  Client line(s.server.port());
  line.expect_next("Password:");
  line.send_line(kPassword);
  line.expect_next("Username:");
  line.send_line("ALICE");
  line.expect_next("! name 'ALICE' is taken");
}

TEST(IrcDoor, WrongPasswordIs464CountsTowardsTheLockOutAndCloses) {
  IrcServer s;
  for (int i = 0; i < 5; ++i) {
    Client irc(s.irc_port);
    irc.send_raw("PASS wrong\r\nNICK a\r\nUSER a 0 * :a\r\n");
    irc.expect(":irc.test 464 * :Password incorrect");
    EXPECT_TRUE(irc.closed_by_server());
  }
  // Locked out now, on every door: the line door refuses the address at once.
  Client line(s.server.port());
  EXPECT_EQ(line.read_line(), "! Too many failed attempts; try again later.");
  Client irc(s.irc_port);
  irc.expect("ERROR :Closing Link: too many failed attempts");
}

TEST(IrcDoor, OpenChatNeedsNoPasswordOnEitherDoor) {
  IrcServer s({"--open"});
  ASSERT_TRUE(s.server.wait_for_log("open chat")) << s.server.log();
  Client irc(s.irc_port);
  irc.send_raw("NICK alice\r\nUSER a 0 * :a\r\n");
  irc.expect(" 001 alice ");
  Client line(s.server.port());
  line.expect_next("Username:");
  line.send_line("bob");
  line.expect_next("* Welcome, bob! Online (2): alice, bob");
}

TEST(IrcDoor, SilentClientsArePingedThenDropped) {
  IrcServer s({"--irc-ping", "0.4"});
  Client bob(s.server.port());
  bob.login("bob");
  Client quiet(s.irc_port), lively(s.irc_port);
  register_irc(quiet, "quiet");
  register_irc(lively, "lively");
  lively.expect("PING :irc.test");
  lively.send_raw("PONG :irc.test\r\n");
  quiet.expect("PING :irc.test");
  quiet.expect("ERROR :Closing Link: ping timeout");
  bob.expect("* quiet disconnected");
  lively.send_raw("PRIVMSG #chat :still here\r\n");
  bob.expect("<lively> still here");
}

TEST(IrcDoor, UnknownCommandsAndOtherChannelsGetTheirNumerics) {
  IrcServer s;
  Client irc(s.irc_port);
  irc.send_raw("JOIN #chat\r\n");
  irc.expect(":irc.test 451 * :You have not registered");
  register_irc(irc, "alice");
  irc.send_raw("FROB\r\nJOIN #other\r\nPRIVMSG zed :x\r\nPING :t1\r\n");
  irc.expect_next(":irc.test 421 alice FROB :Unknown command");
  irc.expect_next(":irc.test 403 alice #other :No such channel");
  irc.expect_next(":irc.test 401 alice zed :No such nick/channel");
  irc.expect_next(":irc.test PONG irc.test :t1");
  irc.send_raw(std::string(600, 'x') + "\r\n");
  irc.expect_next(":irc.test 417 alice :Input line was too long");
}

}  // namespace
