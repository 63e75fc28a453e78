// Responses as a browser reads them: the status line, the headers, the body or none.
#include "doors/web/http_response.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(HttpResponse, RendersStatusHeadersAndBody) {
  web::HttpResponse r(200);
  r.body("text/plain; charset=utf-8", "hello");
  EXPECT_EQ(r.render().view(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello");
}

TEST(HttpResponse, HeadHasTheLengthButNoBody) {
  web::HttpResponse r(200);
  r.body("text/html; charset=utf-8", "<p>x</p>");
  std::string head(r.render(true).view());
  EXPECT_NE(head.find("Content-Length: 8\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(HttpResponse, SecurityHeadersOfThePage) {
  web::HttpResponse r(200);
  r.page_security_headers();
  std::string out(r.render().view());
  EXPECT_NE(out.find("Content-Security-Policy: default-src 'self'; connect-src 'self' ws: wss:\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(out.find("Referrer-Policy: no-referrer\r\n"), std::string::npos);
  EXPECT_NE(out.find("X-Frame-Options: DENY\r\n"), std::string::npos);
}

TEST(HttpResponse, ErrorResponsesCarryWhatTheirStatusNeeds) {
  for (int status : {400, 403, 404, 405, 408, 414, 426, 431, 500, 503}) {
    std::string out(web::error_response(status).render().view());
    std::string line = "HTTP/1.1 " + std::to_string(status) + " " + std::string(web::reason_phrase(status)) + "\r\n";
    EXPECT_EQ(out.substr(0, line.size()), line);
    EXPECT_FALSE(web::reason_phrase(status).empty()) << status;
    bool closes = status == 400 || status == 408 || status == 414 || status == 431 || status >= 500;
    EXPECT_EQ(out.find("Connection: close\r\n") != std::string::npos, closes) << status;
    EXPECT_EQ(web::error_response(status).closes_connection(), closes);
  }
  EXPECT_NE(std::string(web::error_response(405).render().view()).find("Allow: GET, HEAD\r\n"), std::string::npos);
  std::string upgrade(web::error_response(426).render().view());
  EXPECT_NE(upgrade.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
  EXPECT_NE(upgrade.find("\r\n\r\n426 Upgrade Required\n"), std::string::npos);
}

TEST(HttpResponse, SwitchingProtocolsHasNoLengthAndNoBody) {
  web::HttpResponse r(101);
  r.header("Upgrade", "websocket");
  EXPECT_EQ(r.render().view(), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
}

TEST(HttpResponseDeathTest, AHeaderWithALineBreakIsABug) {
  web::HttpResponse r(200);
  EXPECT_DEATH(r.header("X", "a\r\nSet-Cookie: b"), "");
}

}  // namespace
