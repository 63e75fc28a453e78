// write_line and numeric(): the shape, the 512-byte ceiling, cuts at UTF-8 boundaries.
#include "doors/irc/irc_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "doors/irc/irc_message.h"

namespace {

TEST(IrcWriter, PrefixCommandMiddlesTrailing) {
  EXPECT_EQ(irc::write_line("alice!alice@host", "PRIVMSG", {"#chat"}, "hi there").view(),
            ":alice!alice@host PRIVMSG #chat :hi there\r\n");
  EXPECT_EQ(irc::write_line("", "PING", {}, "token").view(), "PING :token\r\n");
  EXPECT_EQ(irc::write_line("srv", "MODE", {"alice", "+i"}).view(), ":srv MODE alice +i\r\n");
  EXPECT_EQ(irc::write_line("srv", "TOPIC", {"#chat"}, "").view(), ":srv TOPIC #chat :\r\n");
  EXPECT_EQ(irc::write_line("srv", "CMD", {}, std::string_view()).view(), ":srv CMD :\r\n");
}

TEST(IrcWriter, NumericPutsTheNickFirstAndTheLastParameterTrailing) {
  EXPECT_EQ(irc::numeric("irc.test", irc::Numeric::RplWelcome, "alice", "Welcome to the chat").view(),
            ":irc.test 001 alice :Welcome to the chat\r\n");
  EXPECT_EQ(irc::numeric("irc.test", irc::Numeric::ErrNicknameInUse, "*", "bob", "Nickname is already in use").view(),
            ":irc.test 433 * bob :Nickname is already in use\r\n");
  EXPECT_EQ(irc::numeric("s", irc::Numeric::RplNamReply, "a", "=", "#chat", "a b c").view(),
            ":s 353 a = #chat :a b c\r\n");
}

TEST(IrcWriter, NumericsAreThreeDigitsAndNamedAsTheSpecificationsDo) {
  EXPECT_EQ(irc::numeric("s", irc::Numeric::RplIsupport, "a", "x").view(), ":s 005 a :x\r\n");
  EXPECT_EQ(irc::numeric("s", irc::Numeric::ErrInputTooLong, "a", "Input line was too long").view(),
            ":s 417 a :Input line was too long\r\n");
  EXPECT_EQ(irc::numeric_name(irc::Numeric::ErrNicknameInUse), "ERR_NICKNAMEINUSE");
  EXPECT_EQ(irc::numeric_name(irc::Numeric::RplEndOfNames), "RPL_ENDOFNAMES");
}

TEST(IrcWriter, WhatItWritesParsesBack) {
  const reactor::PayloadRef line = irc::write_line("n!u@h", "PRIVMSG", {"#chat"}, ":-) two  spaces");
  const irc::ParseResult r = irc::parse_message(line.view());
  ASSERT_EQ(r.status, irc::ParseStatus::Ok);
  EXPECT_EQ(r.message.prefix, "n!u@h");
  EXPECT_EQ(r.message.param(1), ":-) two  spaces");
}

TEST(IrcWriter, LongTrailingIsCutToExactly512Bytes) {
  const std::string text(1000, 'x');
  const reactor::PayloadRef line = irc::write_line("alice!alice@host", "PRIVMSG", {"#chat"}, text);
  EXPECT_EQ(line.size(), irc::kMaxLineBytes);
  EXPECT_EQ(line.view().substr(line.size() - 2), "\r\n");
  EXPECT_EQ(irc::parse_message(line.view()).status, irc::ParseStatus::Ok);
}

TEST(IrcWriter, CutNeverSplitsAUtf8Character) {
  // "é" is two bytes; shifting the text by one byte puts a character across the limit.
  for (std::size_t pad = 0; pad < 4; ++pad) {
    std::string text(pad, 'a');
    for (int i = 0; i < 400; ++i) text += "\xc3\xa9";
    const reactor::PayloadRef line = irc::write_line("", "PRIVMSG", {"#chat"}, text);
    ASSERT_LE(line.size(), irc::kMaxLineBytes);
    const irc::ParseResult r = irc::parse_message(line.view());
    ASSERT_EQ(r.status, irc::ParseStatus::Ok);
    const std::string_view body = r.message.param(1);
    EXPECT_EQ((body.size() - pad) % 2, 0u) << "pad " << pad;
    EXPECT_GE(line.size(), irc::kMaxLineBytes - 1);  // at most one byte given up
  }
}

TEST(IrcWriter, Utf8CutStepsBackOverAWholeSequence) {
  const std::string euro = "ab\xe2\x82\xac";  // a, b, then a three-byte character
  EXPECT_EQ(irc::utf8_cut(euro, 5), 5u);
  EXPECT_EQ(irc::utf8_cut(euro, 4), 2u);
  EXPECT_EQ(irc::utf8_cut(euro, 3), 2u);
  EXPECT_EQ(irc::utf8_cut(euro, 2), 2u);
  const std::string emoji = "\xf0\x9f\x98\x80z";
  EXPECT_EQ(irc::utf8_cut(emoji, 3), 0u);
  EXPECT_EQ(irc::utf8_cut(std::string(8, '\x80'), 5), 5u);  // not UTF-8: cut where asked
}

TEST(IrcWriter, LineBreaksInsideAFieldCannotStartANewLine) {
  constexpr char kText[] = "one\r\nQUIT :two\0three";
  const std::string text(kText, sizeof kText - 1);
  const reactor::PayloadRef line = irc::write_line("srv", "NOTICE", {"bob"}, text);
  EXPECT_EQ(line.view(), ":srv NOTICE bob :one  QUIT :two three\r\n");
}

TEST(IrcWriter, MiddlesThatCannotFitAreLeftOutWithTheTrailing) {
  const std::string huge(600, 'm');
  const reactor::PayloadRef line = irc::write_line("srv", "CMD", {"a", huge}, "text");
  EXPECT_EQ(line.view(), ":srv CMD a\r\n");
}

}  // namespace
