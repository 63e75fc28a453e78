// WebDialect: each event is the line protocol's rendering in one unmasked text frame, without
// the line's '\n', and a frame's length header matches what follows it.
#include "bin/chat_server/web_dialect.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/line_dialect.h"

namespace {

chat::Timestamp stamp_at(int h, int m, int s) {
  chat::Timestamp t;
  t.set(h, m, s);
  return t;
}

// The payload of one server frame that must be exactly one FIN text frame.
std::string text_payload(std::string_view frame) {
  EXPECT_GE(frame.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x81);  // FIN, text
  std::size_t len = static_cast<unsigned char>(frame[1]);
  EXPECT_EQ(len & 0x80, 0u) << "a server's frame is never masked";
  std::size_t header = 2;
  if (len == 126) {
    len = (static_cast<std::size_t>(static_cast<unsigned char>(frame[2])) << 8) | static_cast<unsigned char>(frame[3]);
    header = 4;
  }
  EXPECT_EQ(frame.size(), header + len) << "exactly one frame";
  return std::string(frame.substr(header));
}

TEST(WebDialect, AChatLineIsTheLineRenderingInOneTextFrameWithoutItsNewline) {
  chat::LineDialect lines;
  chat_server::WebDialect web;
  lines.set_stamp(stamp_at(9, 5, 7));
  web.set_stamp(stamp_at(9, 5, 7));
  chat::ChatEvent said{chat::EventKind::Public};
  said.name = "alice";
  said.text = "hello, browsers";
  std::string line(lines.render(said).view());
  ASSERT_EQ(line, "[09:05:07] <alice> hello, browsers\n");
  EXPECT_EQ(text_payload(web.render(said).view()), "[09:05:07] <alice> hello, browsers");
}

TEST(WebDialect, TheStampFollowsSetStamp) {
  chat_server::WebDialect web;
  web.set_stamp(stamp_at(23, 59, 58));
  chat::ChatEvent said{chat::EventKind::Public};
  said.name = "bob";
  said.text = "x";
  EXPECT_EQ(text_payload(web.render(said).view()), "[23:59:58] <bob> x");
  web.set_stamp(stamp_at(0, 0, 1));
  EXPECT_EQ(text_payload(web.render(said).view()), "[00:00:01] <bob> x");
}

TEST(WebDialect, ALongRenderingUsesTheExtendedLength) {
  chat_server::WebDialect web;
  web.set_stamp(stamp_at(1, 2, 3));
  std::string text(300, 'z');
  chat::ChatEvent said{chat::EventKind::Public};
  said.name = "carol";
  said.text = text;
  EXPECT_EQ(text_payload(web.render(said).view()), "[01:02:03] <carol> " + text);
}

TEST(WebDialect, ThePromptsAreFramedToo) {
  chat_server::WebDialect web;
  EXPECT_EQ(text_payload(web.render(chat::ChatEvent{chat::EventKind::PasswordPrompt}).view()), "Password:");
}

}  // namespace
