// Line formatting: the exact bytes of every server line (PROTOCOL.md "Lines in CHATTING").
#include "protocol/format.h"

#include <gtest/gtest.h>

#include <string>

using chat::error_line;
using chat::notice_line;
using chat::plain_line;
using chat::private_echo_line;
using chat::private_line;
using chat::public_line;
using chat::Timestamp;

namespace {
constexpr std::string_view kStamp = "[12:34:56] ";
}

TEST(Timestamp, DefaultsToMidnight) {
  Timestamp t;
  EXPECT_EQ(t.view(), "[00:00:00] ");
}

TEST(Timestamp, SetFormatsTwoDigitsEach) {
  Timestamp t;
  t.set(12, 34, 56);
  EXPECT_EQ(t.view(), "[12:34:56] ");
  t.set(7, 5, 3);
  EXPECT_EQ(t.view(), "[07:05:03] ");
  t.set(0, 0, 0);
  EXPECT_EQ(t.view(), "[00:00:00] ");
  t.set(23, 59, 59);
  EXPECT_EQ(t.view(), "[23:59:59] ");
}

TEST(Timestamp, ViewIsElevenBytes) {
  Timestamp t;
  t.set(1, 2, 3);
  EXPECT_EQ(t.view().size(), 11u);
  EXPECT_EQ(t.view().back(), ' ');
}

TEST(Format, PublicLine) {
  auto p = public_line(kStamp, "alice", "hello there");
  EXPECT_EQ(p.view(), "[12:34:56] <alice> hello there\n");
  EXPECT_EQ(p.use_count(), 1u);
}

TEST(Format, PrivateLine) {
  EXPECT_EQ(private_line(kStamp, "alice", "psst").view(), "[12:34:56] [private] <alice> psst\n");
}

TEST(Format, PrivateEchoLine) {
  EXPECT_EQ(private_echo_line(kStamp, "bob", "alice", "psst").view(), "[12:34:56] [private to bob] <alice> psst\n");
}

TEST(Format, NoticeLine) {
  EXPECT_EQ(notice_line(kStamp, "alice joined the chat").view(), "[12:34:56] * alice joined the chat\n");
}

TEST(Format, ErrorLine) {
  EXPECT_EQ(error_line(kStamp, "unknown command '@x' (try @ajuda)").view(),
            "[12:34:56] ! unknown command '@x' (try @ajuda)\n");
}

TEST(Format, PlainLineHasNoTimestamp) {
  EXPECT_EQ(plain_line("Password:").view(), "Password:\n");
  EXPECT_EQ(plain_line("").view(), "\n");
}

TEST(Format, EmptyPiecesProduceExactSizes) {
  EXPECT_EQ(public_line("", "", "").view(), "<> \n");
  EXPECT_EQ(private_line("", "", "").view(), "[private] <> \n");
  EXPECT_EQ(private_echo_line("", "", "", "").view(), "[private to ] <> \n");
  EXPECT_EQ(notice_line("", "").view(), "* \n");
  EXPECT_EQ(error_line("", "").view(), "! \n");
}

TEST(Format, MultibyteTextIsCopiedVerbatim) {
  std::string text = "ol\xC3\xA1 \xF0\x9F\x98\x80\t!";
  auto p = public_line(kStamp, "bob", text);
  EXPECT_EQ(p.view(), "[12:34:56] <bob> " + text + "\n");
}

TEST(Format, LongTextIsCopiedCompletely) {
  std::string text(4096, 'x');
  auto p = public_line(kStamp, "a", text);
  EXPECT_EQ(p.size(), kStamp.size() + 4 + 1 + text.size());
  EXPECT_EQ(p.view(), std::string(kStamp) + "<a> " + text + "\n");
}

TEST(Format, EveryLineEndsWithExactlyOneNewline) {
  for (const auto& p :
       {public_line(kStamp, "a", "b"), private_line(kStamp, "a", "b"), private_echo_line(kStamp, "c", "a", "b"),
        notice_line(kStamp, "n"), error_line(kStamp, "e"), plain_line("p")}) {
    std::string_view v = p.view();
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.back(), '\n');
    EXPECT_EQ(v.find('\n'), v.size() - 1) << v;
  }
}

TEST(Format, UsesTimestampView) {
  Timestamp t;
  t.set(9, 8, 7);
  EXPECT_EQ(notice_line(t.view(), "hi").view(), "[09:08:07] * hi\n");
}
