// The web door's pure rules: what line a text message carries, and the --web-origin list.
#include "bin/chat_server/web_session.h"

#include <gtest/gtest.h>

namespace {

using chat_server::message_line;
using chat_server::parse_origins;

TEST(WebMessageLine, OneTrailingLineEndIsDropped) {
  EXPECT_EQ(message_line("hello"), "hello");
  EXPECT_EQ(message_line("hello\n"), "hello");
  EXPECT_EQ(message_line("hello\r\n"), "hello");
  EXPECT_EQ(message_line(""), "");
  EXPECT_EQ(message_line("\n"), "");
}

TEST(WebMessageLine, ANewlineInsideIsRefused) {
  EXPECT_EQ(message_line("a\nb"), std::nullopt);
  EXPECT_EQ(message_line("a\n\n"), std::nullopt) << "only one trailing line end is dropped";
  EXPECT_EQ(message_line("\nb"), std::nullopt);
}

TEST(WebMessageLine, ALoneCarriageReturnStays) {
  // The line door's sanitizer deals with control bytes; one message is still one line.
  EXPECT_EQ(message_line("a\rb"), "a\rb");
}

TEST(WebOrigins, CommaSeparatedWithSpacesTrimmed) {
  EXPECT_EQ(parse_origins("https://a.example, http://b.example:8080 ,*"),
            (std::vector<std::string>{"https://a.example", "http://b.example:8080", "*"}));
  EXPECT_TRUE(parse_origins("").empty());
  EXPECT_TRUE(parse_origins(" , ,").empty());
}

}  // namespace
