// Nick rules, mIRC formatting stripped, CTCP ACTION, CASEMAPPING=ascii.
#include "doors/irc/irc_text.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(IrcText, NicksFollowTheChatNameRules) {
  EXPECT_TRUE(irc::is_valid_nick("alice"));
  EXPECT_TRUE(irc::is_valid_nick("Bob_2-x"));
  EXPECT_TRUE(irc::is_valid_nick(std::string(24, 'a')));
  EXPECT_FALSE(irc::is_valid_nick(std::string(25, 'a')));
  EXPECT_FALSE(irc::is_valid_nick(""));
  for (const char* ircish : {"[away]", "a\\b", "a`", "a^", "{x}", "a|b", "a b", "é"})
    EXPECT_FALSE(irc::is_valid_nick(ircish)) << ircish;
}

std::string stripped(std::string_view text) {
  std::string scratch;
  return std::string(irc::strip_formatting(text, scratch));
}

TEST(IrcText, CleanTextIsReturnedUncopied) {
  const std::string text = "plain text, 03,04 digits";
  std::string scratch;
  const std::string_view out = irc::strip_formatting(text, scratch);
  EXPECT_EQ(out.data(), text.data());
  EXPECT_EQ(out, text);
}

TEST(IrcText, ToggleCodesAreRemoved) {
  EXPECT_EQ(stripped("\x02"
                     "bold\x02 \x1d"
                     "it\x1d \x1f"
                     "u\x1f \x1e"
                     "s\x1e \x11"
                     "m\x11 \x16"
                     "r\x16\x0f."),
            "bold it u s m r.");
}

TEST(IrcText, ColourCodesTakeTheirDigitsWithThem) {
  EXPECT_EQ(stripped("\x03"
                     "4red\x03"),
            "red");
  EXPECT_EQ(stripped("\x03"
                     "04red"),
            "red");
  EXPECT_EQ(stripped("\x03"
                     "04,12red on blue"),
            "red on blue");
  EXPECT_EQ(stripped("\x03"
                     "4,1x"),
            "x");
  EXPECT_EQ(stripped("\x03"
                     "123"),
            "3");  // two digits at most
  EXPECT_EQ(stripped("\x03"
                     "04,123"),
            "3");
  EXPECT_EQ(stripped("\x03"
                     "04,x"),
            ",x");  // a comma without a digit is text
  EXPECT_EQ(stripped("\x03"
                     ",04"),
            ",04");  // no foreground: the comma is text
  EXPECT_EQ(stripped("a\x03"), "a");
}

TEST(IrcText, HexColourNeedsSixHexDigits) {
  EXPECT_EQ(stripped("\x04"
                     "FF0000red"),
            "red");
  EXPECT_EQ(stripped("\x04"
                     "ff0000,00ff00x"),
            "x");
  EXPECT_EQ(stripped("\x04"
                     "ff0000,00ffx"),
            ",00ffx");
  EXPECT_EQ(stripped("\x04"
                     "fff x"),
            "fff x");  // too short: only the code goes
}

TEST(IrcText, CtcpActionGivesTheActionText) {
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "ACTION waves\x01"),
            "waves");
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "ACTION waves"),
            "waves");
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "ACTION\x01"),
            "");
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "VERSION\x01"),
            std::nullopt);
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "ACTIONS x\x01"),
            std::nullopt);
  EXPECT_EQ(irc::ctcp_action("ACTION waves"), std::nullopt);
  EXPECT_EQ(irc::ctcp_action("\x01"
                             "action waves\x01"),
            std::nullopt);  // CTCP commands are upper case
}

TEST(IrcText, AsciiCaseMapping) {
  EXPECT_TRUE(irc::casemap_equal("Alice", "aLICE"));
  EXPECT_TRUE(irc::casemap_equal("#Chat", "#chat"));
  EXPECT_FALSE(irc::casemap_equal("a[", "a{"));  // rfc1459 would fold these; ascii does not
  EXPECT_FALSE(irc::casemap_equal("alice", "alic"));
}

}  // namespace
