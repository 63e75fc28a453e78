// The router: each path and method gets the answer docs/WEB.md promises.
#include "doors/web/web_router.h"

#include <gtest/gtest.h>

#include <string>

#include "doors/web/http_request.h"

namespace {

web::HttpRequest parse(std::string_view text) {
  web::HttpRequestParser parser;
  std::size_t consumed = 0;
  EXPECT_EQ(parser.feed(text, consumed), web::HttpRequestParser::Status::Done) << text;
  return parser.request();
}

std::string answer(std::string_view text) { return std::string(web::route(parse(text), {}).bytes().view()); }

bool has(const std::string& response, std::string_view piece) { return response.find(piece) != std::string::npos; }

TEST(WebRouter, ServesThePageWithItsTypeAndSecurityHeaders) {
  std::string page = answer("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_TRUE(page.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  EXPECT_TRUE(has(page, "Content-Type: text/html; charset=utf-8\r\n"));
  EXPECT_TRUE(has(page, "Content-Security-Policy: default-src 'self'"));
  EXPECT_TRUE(has(page, "<!doctype html>"));
  EXPECT_FALSE(has(page, "Connection: close"));
  EXPECT_TRUE(
      has(answer("GET /app.js HTTP/1.1\r\nHost: a\r\n\r\n"), "Content-Type: text/javascript; charset=utf-8\r\n"));
  EXPECT_TRUE(has(answer("GET /x/../style.css HTTP/1.1\r\nHost: a\r\n\r\n"), "Content-Type: text/css"));
}

TEST(WebRouter, HeadHasHeadersOnly) {
  web::RouteDecision get = web::route(parse("GET /app.js HTTP/1.1\r\nHost: a\r\n\r\n"), {});
  web::RouteDecision head = web::route(parse("HEAD /app.js HTTP/1.1\r\nHost: a\r\n\r\n"), {});
  std::string g(get.bytes().view()), h(head.bytes().view());
  EXPECT_EQ(g.substr(0, h.size()), h);
  EXPECT_EQ(h.substr(h.size() - 4), "\r\n\r\n");
  EXPECT_GT(g.size(), h.size());
}

TEST(WebRouter, HealthzNotFoundAndMethods) {
  std::string health = answer("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_TRUE(health.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  EXPECT_EQ(health.substr(health.size() - 3), "ok\n");
  EXPECT_TRUE(answer("GET /etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 404 ", 0) == 0);
  EXPECT_TRUE(answer("GET /index.htm HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 404 ", 0) == 0);
  std::string post = answer("POST / HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_TRUE(post.rfind("HTTP/1.1 405 ", 0) == 0);
  EXPECT_TRUE(has(post, "Allow: GET, HEAD\r\n"));
  EXPECT_TRUE(answer("GET /ws HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 426 ", 0) == 0);
}

TEST(WebRouter, ConnectionCloseFollowsTheRequestAndTheStatus) {
  EXPECT_TRUE(web::route(parse("GET / HTTP/1.0\r\n\r\n"), {}).close);
  EXPECT_TRUE(has(answer("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), "Connection: close\r\n"));
  EXPECT_FALSE(web::route(parse("GET /nope HTTP/1.1\r\nHost: a\r\n\r\n"), {}).close);
}

TEST(WebRouter, UpgradeAtTheWebSocketPath) {
  std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: a:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://a:8080\r\n"
      "Sec-WebSocket-Protocol: chat.line\r\n\r\n";
  web::RouteDecision d = web::route(parse(upgrade), {});
  EXPECT_TRUE(d.upgrade);
  EXPECT_FALSE(d.close);
  EXPECT_EQ(d.subprotocol, web::Subprotocol::ChatLine);
  EXPECT_TRUE(std::string(d.bytes().view()).rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
  std::string other_origin = upgrade;
  other_origin[other_origin.find("Origin: http://a") + 15] = 'b';
  web::RouteDecision refused = web::route(parse(other_origin), {});
  EXPECT_FALSE(refused.upgrade);
  EXPECT_TRUE(std::string(refused.bytes().view()).rfind("HTTP/1.1 403 ", 0) == 0);
  EXPECT_FALSE(refused.log_reason.empty());
  // An upgrade asked for anywhere else is an ordinary request for that path.
  std::string elsewhere = std::string("GET /").append(std::string_view(upgrade).substr(7));
  EXPECT_FALSE(web::route(parse(elsewhere), {}).upgrade);
}

}  // namespace
