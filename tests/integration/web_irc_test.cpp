// The web door's text.ircv3.net over real sockets (docs/WEB.md): a web IRC client registers
// through a WebSocket, one IRC line per message each way, and chats with a line user and an
// IRC user over TCP; the subprotocol is offered only when the IRC door exists.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"
#include "web_client.h"

namespace {

using harness::Client;
using harness::kPassword;
using webtest::status_line;
using webtest::WebClient;

struct WebIrcServer {
  explicit WebIrcServer(const std::vector<std::string>& extra) : WebIrcServer(true, extra) {}
  explicit WebIrcServer(bool with_irc = true, const std::vector<std::string>& extra = {})
      : web_port(harness::unused_port()), irc_port(harness::unused_port()), server(config(with_irc, extra)) {
    EXPECT_TRUE(server.wait_for_log("web page on http://127.0.0.1:" + std::to_string(web_port) + "/"));
  }
  harness::ServerConfig config(bool with_irc, const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {"--web-port", std::to_string(web_port), "--server-name", "irc.test"};
    if (with_irc) args.insert(args.end(), {"--irc-port", std::to_string(irc_port)});
    args.insert(args.end(), extra.begin(), extra.end());
    return harness::with_args(args);
  }
  std::uint16_t web_port;
  std::uint16_t irc_port;
  harness::Server server;
};

// Reads text messages until one holds `needle`; each must be one IRC line without "\r\n".
std::string expect_irc(WebClient& web, std::string_view needle) {
  while (std::optional<webtest::Frame> f = web.read_frame()) {
    if (f->opcode == 0x8) break;
    EXPECT_EQ(f->opcode, 0x1);
    EXPECT_EQ(f->payload.find_first_of("\r\n"), std::string::npos) << f->payload;
    if (f->payload.find(needle) != std::string::npos) return f->payload;
  }
  ADD_FAILURE() << "no IRC message with \"" << needle << "\"";
  return {};
}

void register_web_irc(WebClient& web, const std::string& nick) {
  std::string response = web.upgrade({}, "text.ircv3.net");
  ASSERT_EQ(status_line(response), "HTTP/1.1 101 Switching Protocols");
  EXPECT_NE(response.find("Sec-WebSocket-Protocol: text.ircv3.net\r\n"), std::string::npos) << response;
  web.send_text(std::string("PASS ") + kPassword);
  web.send_text("NICK " + nick + "\r\n");  // a line ending is allowed, not needed
  web.send_text("USER " + nick + " 0 * :Web user");
  expect_irc(web, ":irc.test 001 " + nick + " :Welcome");
  expect_irc(web, ":" + nick + "!" + nick + "@irc.test JOIN #chat");
  expect_irc(web, " 366 " + nick + " #chat :End of /NAMES list.");
}

TEST(WebIrc, AWebIrcClientChatsWithLineAndIrcUsers) {
  WebIrcServer s;
  WebClient web(s.web_port);
  register_web_irc(web, "webirc");
  Client bob(s.server.port());
  bob.login("bob");
  expect_irc(web, ":bob!bob@irc.test JOIN #chat");
  Client alice(s.irc_port);
  alice.send_raw(std::string("PASS ") + kPassword + "\r\nNICK alice\r\nUSER alice 0 * :alice\r\n");
  alice.expect(" 366 alice #chat :End of /NAMES list.");
  expect_irc(web, ":alice!alice@irc.test JOIN #chat");

  web.send_text("PRIVMSG #chat :hello from the web");
  bob.expect("<webirc> hello from the web");
  alice.expect(":webirc!webirc@irc.test PRIVMSG #chat :hello from the web");
  bob.send_line("hello web");
  expect_irc(web, ":bob!bob@irc.test PRIVMSG #chat :hello web");

  web.send_text("PRIVMSG bob :psst");
  bob.expect("[private] <webirc> psst");
  bob.send_line("@privado:webirc back");
  expect_irc(web, ":bob!bob@irc.test PRIVMSG webirc :back");
  alice.send_raw("PRIVMSG webirc :from tcp irc\r\n");
  expect_irc(web, ":alice!alice@irc.test PRIVMSG webirc :from tcp irc");

  web.send_text("NAMES #chat");
  std::string names = expect_irc(web, " 353 webirc = #chat :");
  for (const char* nick : {"webirc", "bob", "alice"}) EXPECT_NE(names.find(nick), std::string::npos) << names;

  web.send_text("QUIT :bye");
  expect_irc(web, "ERROR :Closing Link");
  EXPECT_EQ(web.expect_close(), 1000);
  bob.expect("webirc left the chat");
}

TEST(WebIrc, OneNameSpaceAcrossTheDoors) {
  WebIrcServer s;
  Client bob(s.server.port());
  bob.login("bob");
  WebClient web(s.web_port);
  ASSERT_EQ(status_line(web.upgrade({}, "text.ircv3.net")), "HTTP/1.1 101 Switching Protocols");
  web.send_text(std::string("PASS ") + kPassword);
  web.send_text("NICK BOB");
  web.send_text("USER x 0 * :x");
  expect_irc(web, " 433 * BOB :Nickname is already in use");
  web.send_text("NICK bobby");
  expect_irc(web, ":irc.test 001 bobby :Welcome");
}

TEST(WebIrc, WrongPasswordIs464ThenClose) {
  WebIrcServer s;
  WebClient web(s.web_port);
  ASSERT_EQ(status_line(web.upgrade({}, "text.ircv3.net")), "HTTP/1.1 101 Switching Protocols");
  web.send_text("PASS wrong");
  web.send_text("NICK nope");
  web.send_text("USER nope 0 * :n");
  expect_irc(web, " 464 * :Password incorrect");
  EXPECT_EQ(web.expect_close(), 1000);
  EXPECT_TRUE(web.closed_by_server());
}

TEST(WebIrc, ALineOverIrcsLimitIs417AndTheSessionGoesOn) {
  WebIrcServer s;
  WebClient web(s.web_port);
  register_web_irc(web, "longish");
  web.send_text("PRIVMSG #chat :" + std::string(600, 'x'));
  expect_irc(web, " 417 longish :Input line was too long");
  web.send_text("PING :still-here");
  expect_irc(web, "PONG irc.test :still-here");
}

TEST(WebIrc, WithoutTheIrcDoorTheSubprotocolIsNotOffered) {
  WebIrcServer s(false);
  WebClient web(s.web_port);
  std::string response = web.upgrade({}, "text.ircv3.net, chat.line");
  ASSERT_EQ(status_line(response), "HTTP/1.1 101 Switching Protocols");
  EXPECT_NE(response.find("Sec-WebSocket-Protocol: chat.line\r\n"), std::string::npos) << response;
  web.expect_text("Password:");
}

TEST(WebIrc, ASessionEvictedDuringALoginStormHearsErrorAndClose1013) {
  // Two logins in progress at most: a third connection evicts the oldest, the web session.
  WebIrcServer s({"--max-unauthenticated", "2"});
  WebClient web(s.web_port);
  ASSERT_EQ(status_line(web.upgrade({}, "text.ircv3.net")), "HTTP/1.1 101 Switching Protocols");
  web.send_text("NICK early");  // registration begun, not finished
  Client second(s.server.port());
  harness::expect_exact(second, "Password:");
  Client third(s.server.port());
  harness::expect_exact(third, "Password:");
  expect_irc(web, "ERROR :Closing Link: server busy");
  EXPECT_EQ(web.expect_close(), 1013);
}

}  // namespace
