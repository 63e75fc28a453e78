// parse_message: the shapes of RFC 1459/2812 and Modern IRC, IRCv3 tags, the two limits.
#include "doors/irc/irc_message.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using irc::parse_message;
using irc::ParseStatus;

TEST(IrcMessage, CommandWithMiddleAndTrailing) {
  const std::string line = "PRIVMSG #chat :hello there\r\n";
  const irc::ParseResult r = parse_message(line);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.command(), "PRIVMSG");
  ASSERT_EQ(r.message.param_count, 2u);
  EXPECT_EQ(r.message.param(0), "#chat");
  EXPECT_EQ(r.message.param(1), "hello there");
  EXPECT_TRUE(r.message.has_trailing);
  EXPECT_TRUE(r.message.prefix.empty());
  EXPECT_TRUE(r.message.tags.empty());
}

TEST(IrcMessage, ViewsPointIntoTheLine) {
  const std::string line = ":nick!u@h NOTICE bob :hi\n";
  const irc::ParseResult r = parse_message(line);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.prefix.data(), line.data() + 1);
  EXPECT_EQ(r.message.param(1).data(), line.data() + line.find(":hi") + 1);
}

TEST(IrcMessage, CommandIsUpperCasedAndRawKept) {
  const irc::ParseResult r = parse_message("privMsg bob hi");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.command(), "PRIVMSG");
  EXPECT_EQ(r.message.raw_command, "privMsg");
  EXPECT_EQ(r.message.param(1), "hi");
  EXPECT_FALSE(r.message.has_trailing);
}

TEST(IrcMessage, NumericCommand) {
  const irc::ParseResult r = parse_message(":srv 001 alice :Welcome");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.command(), "001");
  EXPECT_EQ(r.message.prefix, "srv");
}

TEST(IrcMessage, BadCommands) {
  EXPECT_EQ(parse_message("12 x").status, ParseStatus::BadCommand);
  EXPECT_EQ(parse_message("1234 x").status, ParseStatus::BadCommand);
  EXPECT_EQ(parse_message("PRIV1 x").status, ParseStatus::BadCommand);
  EXPECT_EQ(parse_message(std::string(irc::kMaxCommandLength + 1, 'A')).status, ParseStatus::BadCommand);
  EXPECT_EQ(parse_message(std::string(irc::kMaxCommandLength, 'A')).status, ParseStatus::Ok);
  const irc::ParseResult r = parse_message("FOO-BAR x");
  EXPECT_EQ(r.status, ParseStatus::BadCommand);
  EXPECT_EQ(r.message.raw_command, "FOO-BAR");  // for the 421 reply
}

TEST(IrcMessage, EmptyLinesAreIgnored) {
  EXPECT_EQ(parse_message("").status, ParseStatus::Empty);
  EXPECT_EQ(parse_message("\r\n").status, ParseStatus::Empty);
  EXPECT_EQ(parse_message("\n").status, ParseStatus::Empty);
  EXPECT_EQ(parse_message("   \r\n").status, ParseStatus::Empty);
}

TEST(IrcMessage, LfAloneAndNoTerminatorParseAlike) {
  for (const char* line : {"NICK alice\r\n", "NICK alice\n", "NICK alice"}) {
    const irc::ParseResult r = parse_message(line);
    ASSERT_EQ(r.status, ParseStatus::Ok) << line;
    EXPECT_EQ(r.message.param(0), "alice") << line;
  }
}

TEST(IrcMessage, NulAndStrayCrAreRefused) {
  EXPECT_EQ(parse_message(std::string("PRIVMSG a :x\0y", 14)).status, ParseStatus::BadCharacter);
  EXPECT_EQ(parse_message("PRIVMSG a :x\ry\r\n").status, ParseStatus::BadCharacter);
  EXPECT_EQ(parse_message("PRIVMSG a :x\ny").status, ParseStatus::BadCharacter);
}

TEST(IrcMessage, RepeatedSpacesSeparateOnce) {
  const irc::ParseResult r = parse_message("  :p   USER  a   0  *  :Real Name  ");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.command(), "USER");
  ASSERT_EQ(r.message.param_count, 4u);
  EXPECT_EQ(r.message.param(2), "*");
  EXPECT_EQ(r.message.param(3), "Real Name  ");  // a trailing keeps its spaces
}

TEST(IrcMessage, TrailingSpacesAfterMiddlesAreNoParameter) {
  const irc::ParseResult r = parse_message("JOIN #chat   ");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.param_count, 1u);
}

TEST(IrcMessage, EmptyTrailingIsAParameter) {
  const irc::ParseResult r = parse_message("TOPIC #chat :");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  ASSERT_EQ(r.message.param_count, 2u);
  EXPECT_EQ(r.message.param(1), "");
  EXPECT_TRUE(r.message.has_trailing);
}

TEST(IrcMessage, ColonInsideAMiddleIsPartOfIt) {
  const irc::ParseResult r = parse_message("PRIVMSG a:b c:d");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.message.param(0), "a:b");
  EXPECT_EQ(r.message.param(1), "c:d");
}

TEST(IrcMessage, TheFifteenthParameterTakesTheRestOfTheLine) {
  const irc::ParseResult r = parse_message("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  ASSERT_EQ(r.message.param_count, irc::kMaxParams);
  EXPECT_EQ(r.message.param(13), "14");
  EXPECT_EQ(r.message.param(14), "15 16 17");
  EXPECT_TRUE(r.message.has_trailing);
  const irc::ParseResult colon = parse_message("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :last one");
  ASSERT_EQ(colon.status, ParseStatus::Ok);
  EXPECT_EQ(colon.message.param(14), "last one");
}

TEST(IrcMessage, PrefixWithoutCommandAndEmptyPrefix) {
  EXPECT_EQ(parse_message(":nick").status, ParseStatus::NoCommand);
  EXPECT_EQ(parse_message(": PRIVMSG a b").status, ParseStatus::BadPrefix);
  EXPECT_EQ(parse_message("@a=b").status, ParseStatus::NoCommand);
}

TEST(IrcMessage, LineLimitCountsCrlfWhateverWasSent) {
  const std::string head = "PRIVMSG #chat :";
  const std::string fits = head + std::string(irc::kMaxLineBytes - 2 - head.size(), 'x');
  EXPECT_EQ(parse_message(fits).status, ParseStatus::Ok);
  EXPECT_EQ(parse_message(fits + "\r\n").status, ParseStatus::Ok);
  EXPECT_EQ(parse_message(fits + "\n").status, ParseStatus::Ok);
  EXPECT_EQ(parse_message(fits + "x").status, ParseStatus::LineTooLong);
  EXPECT_EQ(parse_message(fits + "x\r\n").status, ParseStatus::LineTooLong);
}

TEST(IrcMessage, TagsDoNotCountAgainstTheLineLimit) {
  const std::string tags = "@k=" + std::string(4000, 'v') + " ";
  const std::string body = "PRIVMSG #chat :" + std::string(irc::kMaxLineBytes - 2 - 15, 'x');
  EXPECT_EQ(parse_message(tags + body).status, ParseStatus::Ok);
  EXPECT_EQ(parse_message(tags + body + "x").status, ParseStatus::LineTooLong);
}

TEST(IrcMessage, TagLimitIncludesAtSignAndSpace) {
  const std::size_t value = irc::kMaxTagBytes - 2 - 2;  // '@', "k=", ' '
  EXPECT_EQ(parse_message("@k=" + std::string(value, 'v') + " PING x").status, ParseStatus::Ok);
  EXPECT_EQ(parse_message("@k=" + std::string(value + 1, 'v') + " PING x").status, ParseStatus::TagsTooLong);
}

TEST(IrcMessage, TagsAreReadOneByOne) {
  const irc::ParseResult r =
      parse_message("@time=2026-12-02T10:00:00Z;+draft/reply=abc;example.com/flag :n!u@h PRIVMSG #c :x");
  ASSERT_EQ(r.status, ParseStatus::Ok);
  irc::TagReader tags(r.message.tags);
  irc::Tag tag;
  ASSERT_TRUE(tags.next(tag));
  EXPECT_EQ(tag.key, "time");
  EXPECT_EQ(tag.raw_value, "2026-12-02T10:00:00Z");
  ASSERT_TRUE(tags.next(tag));
  EXPECT_EQ(tag.key, "+draft/reply");
  EXPECT_EQ(tag.raw_value, "abc");
  ASSERT_TRUE(tags.next(tag));
  EXPECT_EQ(tag.key, "example.com/flag");
  EXPECT_EQ(tag.raw_value, "");
  EXPECT_FALSE(tags.next(tag));
  EXPECT_EQ(r.message.prefix, "n!u@h");
}

TEST(IrcMessage, MalformedTagsAreRefused) {
  for (const char* line : {"@ PING x", "@;a PING x", "@a; PING x", "@a;;b PING x", "@=v PING x", "@a_b=1 PING x",
                           "@+ PING x", "@vendor/ PING x", "@/k PING x", "@ven_dor/k PING x"})
    EXPECT_EQ(parse_message(line).status, ParseStatus::BadTags) << line;
  EXPECT_EQ(parse_message("@a=b=c PING x").status, ParseStatus::Ok);  // '=' may appear in a value
}

TEST(IrcMessage, TagValuesAreUnescaped) {
  std::string scratch;
  EXPECT_EQ(irc::unescape_tag_value("plain", scratch), "plain");
  EXPECT_TRUE(scratch.empty());  // no copy when nothing is escaped
  EXPECT_EQ(irc::unescape_tag_value(R"(a\:b\sc\\d\re\nf)", scratch), "a;b c\\d\re\nf");
  EXPECT_EQ(irc::unescape_tag_value(R"(\x)", scratch), "x");      // unknown escape: the character
  EXPECT_EQ(irc::unescape_tag_value(R"(end\)", scratch), "end");  // lone final backslash dropped
}

TEST(IrcMessage, EscapingIsUndoneByUnescaping) {
  const std::string value = "a;b c\\d\re\nf=g";
  std::string escaped;
  irc::append_escaped_tag_value(escaped, value);
  EXPECT_EQ(escaped.find_first_of("; \r\n"), std::string::npos);
  std::string scratch;
  EXPECT_EQ(irc::unescape_tag_value(escaped, scratch), value);
}

}  // namespace
