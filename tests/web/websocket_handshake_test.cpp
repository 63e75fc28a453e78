// The opening handshake: what is accepted, what is refused with which status, the Origin
// policy and the subprotocol choice.
#include "doors/web/websocket_handshake.h"

#include <gtest/gtest.h>

#include <string>

#include "doors/web/http_request.h"

namespace {

web::HttpRequest request(std::string_view extra_headers, std::string_view method = "GET",
                         std::string_view host = "chat.example:8080") {
  std::string text = std::string(method) + " /ws HTTP/1.1\r\nHost: " + std::string(host) +
                     "\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                     std::string(extra_headers) + "\r\n";
  web::HttpRequestParser parser;
  std::size_t consumed = 0;
  EXPECT_EQ(parser.feed(text, consumed), web::HttpRequestParser::Status::Done) << parser.error_reason();
  return parser.request();
}

constexpr std::string_view kVersion = "Sec-WebSocket-Version: 13\r\n";

TEST(WebSocketHandshake, AcceptsTheRfcExampleAndAnswers101) {
  web::HandshakeResult r = web::check_handshake(request(kVersion), {});
  ASSERT_TRUE(r.accepted) << r.reason;
  EXPECT_EQ(r.subprotocol, web::Subprotocol::ChatLine);
  EXPECT_FALSE(r.echo_subprotocol);
  std::string out(web::handshake_response(r).render().view());
  EXPECT_EQ(out,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST(WebSocketHandshake, RefusalsAndTheirStatus) {
  auto status_of = [](const web::HttpRequest& req) { return web::check_handshake(req, {}).status; };
  EXPECT_EQ(status_of(request(kVersion, "POST")), 405);
  EXPECT_EQ(status_of(request("Sec-WebSocket-Version: 8\r\n")), 426);
  EXPECT_EQ(status_of(request("")), 426) << "no version at all";
  EXPECT_EQ(status_of(request("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n")), 426);
  EXPECT_EQ(status_of(request("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n")), 400)
      << "two keys";
  std::string text =
      "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
  web::HttpRequestParser parser;
  std::size_t consumed = 0;
  parser.feed(text, consumed);
  EXPECT_EQ(status_of(parser.request()), 400) << "Connection without upgrade";
  EXPECT_EQ(web::handshake_response(web::check_handshake(request("Sec-WebSocket-Version: 9\r\n"), {}))
                    .render()
                    .view()
                    .find("Sec-WebSocket-Version: 13\r\n") != std::string_view::npos,
            true);
}

TEST(WebSocketHandshake, KeyMustBeSixteenBytesOfBase64) {
  for (std::string_view key :
       {"c2hvcnQ=", "dGhlIHNhbXBsZSBub25jZSE=", "dGhlIHNhbXBsZSBub25jZQ", "not base64 at all!!!!!!!"}) {
    std::string text =
        "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
        std::string(key) + "\r\n\r\n";
    web::HttpRequestParser parser;
    std::size_t consumed = 0;
    parser.feed(text, consumed);
    EXPECT_EQ(web::check_handshake(parser.request(), {}).status, 400) << key;
  }
}

TEST(WebSocketHandshake, DefaultOriginPolicyIsTheHostItself) {
  auto accepted = [](std::string_view origin, std::string_view host) {
    std::string headers = std::string(kVersion) + "Origin: " + std::string(origin) + "\r\n";
    return web::check_handshake(request(headers, "GET", host), {}).accepted;
  };
  EXPECT_TRUE(accepted("http://chat.example:8080", "chat.example:8080"));
  EXPECT_TRUE(accepted("https://Chat.Example", "chat.example")) << "case and default port";
  EXPECT_TRUE(accepted("https://chat.example:443", "chat.example"));
  EXPECT_TRUE(accepted("http://chat.example", "chat.example:80"));
  EXPECT_FALSE(accepted("http://evil.example:8080", "chat.example:8080"));
  EXPECT_FALSE(accepted("http://chat.example:8081", "chat.example:8080"));
  EXPECT_FALSE(accepted("http://chat.example.evil", "chat.example"));
  EXPECT_FALSE(accepted("null", "chat.example"));
  EXPECT_FALSE(accepted("http://chat.example/path", "chat.example"));
  EXPECT_EQ(web::check_handshake(request(std::string(kVersion) + "Origin: http://evil\r\n"), {}).status, 403);
  EXPECT_TRUE(web::check_handshake(request(kVersion), {}).accepted) << "no Origin: not a browser";
}

TEST(WebSocketHandshake, OriginAllowListAndStar) {
  web::HandshakePolicy list{{"https://chat.example.org", "http://localhost:3000"}, false};
  auto with_origin = [](std::string_view origin) {
    return request(std::string(kVersion) + "Origin: " + std::string(origin) + "\r\n");
  };
  EXPECT_TRUE(web::check_handshake(with_origin("https://chat.example.org"), list).accepted);
  EXPECT_TRUE(web::check_handshake(with_origin("http://localhost:3000"), list).accepted);
  EXPECT_FALSE(web::check_handshake(with_origin("http://chat.example:8080"), list).accepted)
      << "a list replaces the same-origin default";
  web::HandshakePolicy any{{"*"}, false};
  EXPECT_TRUE(web::check_handshake(with_origin("http://anything.example"), any).accepted);
  EXPECT_TRUE(web::check_handshake(with_origin("null"), any).accepted);
}

TEST(WebSocketHandshake, SubprotocolChoice) {
  auto choose = [](std::string_view offered, bool irc) {
    web::HandshakePolicy policy;
    policy.irc_available = irc;
    return web::check_handshake(
        request(std::string(kVersion) + "Sec-WebSocket-Protocol: " + std::string(offered) + "\r\n"), policy);
  };
  web::HandshakeResult chat = choose("chat.line", false);
  EXPECT_TRUE(chat.echo_subprotocol);
  EXPECT_EQ(chat.subprotocol, web::Subprotocol::ChatLine);
  EXPECT_NE(std::string(web::handshake_response(chat).render().view()).find("Sec-WebSocket-Protocol: chat.line\r\n"),
            std::string::npos);
  web::HandshakeResult irc = choose("text.ircv3.net, chat.line", true);
  EXPECT_EQ(irc.subprotocol, web::Subprotocol::IrcV3);
  EXPECT_EQ(choose("text.ircv3.net, chat.line", false).subprotocol, web::Subprotocol::ChatLine)
      << "IRC is not offered without the IRC door";
  web::HandshakeResult none = choose("mqtt", true);
  EXPECT_TRUE(none.accepted);
  EXPECT_FALSE(none.echo_subprotocol);
  EXPECT_EQ(std::string(web::handshake_response(none).render().view()).find("Sec-WebSocket-Protocol"),
            std::string::npos);
}

}  // namespace
