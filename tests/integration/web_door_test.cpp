// The web door over real sockets (--web-port): the page and /healthz over HTTP, the errors a
// browser or a scanner can provoke, and chat between a WebSocket and a line client.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>

#include "harness.h"
#include "web_client.h"

namespace {

using harness::Client;
using harness::kPassword;
using webtest::browser_login;
using webtest::status_line;
using webtest::WebClient;

struct WebServer {
  explicit WebServer(std::vector<std::string> extra = {})
      : web_port(harness::unused_port()), server(config(web_port, std::move(extra))) {
    EXPECT_TRUE(server.wait_for_log("web page on http://127.0.0.1:" + std::to_string(web_port) + "/"));
  }
  static harness::ServerConfig config(std::uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--web-port", std::to_string(port)};
    args.insert(args.end(), extra.begin(), extra.end());
    return harness::with_args(args);
  }
  std::uint16_t web_port;
  harness::Server server;
};

TEST(WebDoor, ServesThePageAndHealthzOnOneKeptAliveConnection) {
  WebServer s;
  WebClient web(s.web_port);
  std::string page = web.get("/");
  EXPECT_EQ(status_line(page), "HTTP/1.1 200 OK");
  EXPECT_NE(page.find("text/html"), std::string::npos);
  EXPECT_NE(page.find("<html"), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
  std::string health = web.get("/healthz");
  EXPECT_EQ(status_line(health), "HTTP/1.1 200 OK");
  EXPECT_EQ(health.substr(health.size() - 3), "ok\n");
}

TEST(WebDoor, EveryRequestIsOneLineOfTheDebugLog) {
  WebServer s({"--log-level", "debug"});
  WebClient web(s.web_port);
  EXPECT_EQ(status_line(web.get("/healthz")), "HTTP/1.1 200 OK");
  EXPECT_EQ(status_line(web.get("/nothing-here?x=1")), "HTTP/1.1 404 Not Found");
  EXPECT_TRUE(s.server.wait_for_log("GET /healthz 200 127.0.0.1:"));
  EXPECT_TRUE(s.server.wait_for_log("GET /nothing-here?x=1 404 127.0.0.1:"));
}

TEST(WebDoor, AnswersUnknownPathsTraversalAndOtherMethodsWithErrors) {
  WebServer s;
  WebClient web(s.web_port);
  EXPECT_EQ(status_line(web.get("/nothing-here")), "HTTP/1.1 404 Not Found");
  // A path resolved inside the root names no file there: the page is served from memory.
  EXPECT_EQ(status_line(web.get("/x/../etc/passwd")), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(status_line(web.get("/x/%2e%2e/etc/passwd")), "HTTP/1.1 404 Not Found");
  web.send_raw("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(web.read_response()), "HTTP/1.1 405 Method Not Allowed");
}

TEST(WebDoor, TraversalAboveTheRootIsABadRequest) {
  // doors/web's parser refuses ".." above "/" outright (400, then close), encoded or not.
  WebServer s;
  for (const char* target : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"}) {
    WebClient web(s.web_port);
    EXPECT_EQ(status_line(web.get(target)), "HTTP/1.1 400 Bad Request") << target;
    EXPECT_TRUE(web.closed_by_server());
  }
}

TEST(WebDoor, TooManyHeaderBytesIs431AndCloses) {
  WebServer s;
  WebClient web(s.web_port);
  std::string big = "X-Big: " + std::string(20000, 'a') + "\r\n";
  web.send_raw("GET / HTTP/1.1\r\nHost: x\r\n" + big + "\r\n");
  EXPECT_EQ(status_line(web.read_response()), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(web.closed_by_server());
}

TEST(WebDoor, ABrowserAndALineClientChatBothWays) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  Client line(s.server.port());
  line.login("liney");
  web.expect_text("liney joined the chat");
  line.send_line("hello browser");
  EXPECT_NE(web.expect_text("<liney> hello browser").find("] <liney> hello browser"), std::string::npos);
  web.send_text("hello line\r\n");
  line.expect("<webby> hello line");
  web.send_text("@privado:liney psst");
  line.expect("[private] <webby> psst");
  line.send_line("@privado:webby back");
  web.expect_text("[private] <liney> back");
}

TEST(WebDoor, AWrongOriginIsRefused) {
  WebServer s;
  WebClient web(s.web_port);
  EXPECT_EQ(status_line(web.upgrade("http://evil.example")), "HTTP/1.1 403 Forbidden");
}

TEST(WebDoor, WebOriginStarLetsAnyOriginIn) {
  WebServer s({"--web-origin", "*"});
  WebClient web(s.web_port);
  EXPECT_EQ(status_line(web.upgrade("http://elsewhere.example")), "HTTP/1.1 101 Switching Protocols");
}

TEST(WebDoor, ClosingHandshakeTellsTheRoom) {
  WebServer s;
  Client line(s.server.port());
  line.login("liney");
  WebClient web(s.web_port);
  browser_login(web, "webby");
  line.expect("webby joined the chat");
  web.send_raw(webtest::encode_frame(0x8, std::string("\x03\xe8", 2)));
  EXPECT_EQ(web.expect_close(), 1000);
  EXPECT_TRUE(web.closed_by_server());
  line.expect("webby");  // the departure notice
}

TEST(WebDoor, AnUnmaskedFrameCloses1002) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  web.send_raw(webtest::encode_frame(0x1, "hi", false));
  EXPECT_EQ(web.expect_close(), 1002);
  EXPECT_TRUE(web.closed_by_server());
}

TEST(WebDoor, BadUtf8Closes1007) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  web.send_text("\xc3\x28");
  EXPECT_EQ(web.expect_close(), 1007);
}

TEST(WebDoor, AMessageAboveMaxLineCloses1009) {
  WebServer s({"--max-line", "512"});
  WebClient web(s.web_port);
  browser_login(web, "webby");
  web.send_text(std::string(600, 'x'));
  EXPECT_EQ(web.expect_close(), 1009);
}

TEST(WebDoor, TwoLinesInOneMessageClose1008) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  web.send_text("one\ntwo");
  EXPECT_EQ(web.expect_close(), 1008);
}

TEST(WebDoor, PingIsAnsweredWithPong) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  web.send_raw(webtest::encode_frame(0x9, "are you there"));
  std::optional<webtest::Frame> f;
  do {
    f = web.read_frame();
  } while (f && f->opcode == 0x1);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 0xA);
  EXPECT_EQ(f->payload, "are you there");
}

TEST(WebDoor, AFloodOfMessagesIsDelayedNeverDropped) {
  WebServer s({"--rate", "5", "--burst", "3"});
  Client line(s.server.port());
  line.login("liney");
  WebClient web(s.web_port);
  browser_login(web, "webby");
  std::string burst;
  for (int i = 0; i < 12; ++i) burst += webtest::encode_frame(0x1, "msg " + std::to_string(i));
  web.send_raw(burst);
  for (int i = 0; i < 12; ++i) line.expect("<webby> msg " + std::to_string(i));
}

TEST(WebDoor, AnUnfinishedRequestHears408AtTheLoginDeadline) {
  WebServer s({"--auth-timeout", "1"});
  WebClient web(s.web_port);
  web.send_raw("GET / HTTP/1.1\r\nHost: x\r\n");  // no blank line: the headers never end
  EXPECT_EQ(status_line(web.read_response()), "HTTP/1.1 408 Request Timeout");
  EXPECT_TRUE(web.closed_by_server());
}

TEST(WebDoor, ShutdownSaysSoAndCloses1001) {
  WebServer s;
  WebClient web(s.web_port);
  browser_login(web, "webby");
  ASSERT_EQ(kill(s.server.pid(), SIGTERM), 0);
  web.expect_text("Server is shutting down");
  EXPECT_EQ(web.expect_close(), 1001);
  EXPECT_EQ(s.server.stop(0), 0);  // signal 0: the SIGTERM was sent; wait for the exit
}

}  // namespace
