// Content hygiene (PROTOCOL.md): control bytes removed, invalid UTF-8 replaced by U+FFFD, valid UTF-8 untouched.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "harness.h"

using namespace harness;

static const std::string kFFFD = "\xEF\xBF\xBD";

// True when `s` is well-formed UTF-8 (Unicode Table 3-7).
static bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    unsigned char c = at(i);
    std::size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + need > s.size()) return false;
    for (std::size_t k = 1; k < need; ++k) {
      unsigned char b = at(i + k);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += need;
  }
  return true;
}

static bool has_control_bytes(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
  return false;
}

// Shows bytes for failure messages.
static std::string escaped(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// alice says `sent`; bob must see exactly `<alice> relayed`.
static void relay(Pair& p, const std::string& sent, const std::string& relayed) {
  SCOPED_TRACE("sent: " + escaped(sent));
  p.alice.send_line(sent);
  auto line = p.bob.read_line();
  ASSERT_TRUE(line) << "bob got nothing";
  EXPECT_TRUE(has_timestamp(*line)) << escaped(*line);
  EXPECT_EQ(escaped(strip_timestamp(*line)), escaped("<alice> " + relayed));
  EXPECT_TRUE(is_valid_utf8(*line)) << escaped(*line);
  EXPECT_FALSE(has_control_bytes(strip_timestamp(*line).substr(7))) << escaped(*line);
}

TEST(Hygiene, ControlBytesAreRemoved) {
  Pair p;
  std::string sent = "a";
  for (char c : {'\x01', '\x07', '\0', '\x08', '\x0B', '\x0C', '\x0E', '\x1F', '\x7F'}) {
    sent += c;
    sent += 'b';
  }
  relay(p, sent, "abbbbbbbbb");
  relay(p, std::string("carriage\rreturn inside"), "carriagereturn inside");
}

TEST(Hygiene, TerminalEscapeSequencesCannotGetThrough) {
  Pair p;
  relay(p, "\x1b[31mred\x1b[0m", "[31mred[0m");
  relay(p, "\x1b[2J\x1b[Hcleared", "[2J[Hcleared");
  relay(p, "\x1b]0;owned\x07title", "]0;ownedtitle");
}

TEST(Hygiene, InvalidUtf8IsReplacedPerMaximalSubpart) {
  Pair p;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\xFFz", "a" + kFFFD + "z"},                        // never valid
      {"\x80x", kFFFD + "x"},                               // stray continuation
      {"\xC0\xAF", kFFFD + kFFFD},                          // overlong '/'
      {"\xE0\x80\xAF", kFFFD + kFFFD + kFFFD},              // overlong, 3 bytes
      {"\xED\xA0\x80", kFFFD + kFFFD + kFFFD},              // surrogate U+D800
      {"\xF4\x90\x80\x80", kFFFD + kFFFD + kFFFD + kFFFD},  // beyond U+10FFFF
      {"\xE2\x82x", kFFFD + "x"},                           // truncated: one subpart
      {"\xF0\x9F\x8E!", kFFFD + "!"},                       // truncated 4-byte
      {"end\xE2\x82", "end" + kFFFD},                       // truncated at the end
      // Unicode's own example (section 3.9, U+FFFD substitution of maximal subparts).
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "a" + kFFFD + kFFFD + kFFFD + "b" + kFFFD + "c" + kFFFD + kFFFD + "d"},
  };
  for (const auto& [sent, relayed] : cases) relay(p, sent, relayed);
}

// "First invalid UTF-8 is replaced, then control bytes are removed": removing a control byte
// must not glue the pieces of an invalid sequence into a valid character.
TEST(Hygiene, RemovingControlsCannotAssembleACharacter) {
  Pair p;
  relay(p, "\xE2\x01\x82\xAC", kFFFD + kFFFD + kFFFD);  // without \x01 it would be U+20AC
}

TEST(Hygiene, ValidUtf8PassesUnchanged) {
  Pair p;
  relay(p, "olá, ação", "olá, ação");
  relay(p, "party \xF0\x9F\x8E\x89 time", "party \xF0\x9F\x8E\x89 time");  // U+1F389
  relay(p, "日本語 𝄞 €", "日本語 𝄞 €");
  relay(p, "\xF4\x8F\xBF\xBF \xEE\x80\x80", "\xF4\x8F\xBF\xBF \xEE\x80\x80");  // U+10FFFF, U+E000
}

TEST(Hygiene, TabIsKept) {
  Pair p;
  relay(p, "col1\tcol2\t\tcol3", "col1\tcol2\t\tcol3");
}

TEST(Hygiene, PrivateMessagesAreCleanedToo) {
  Pair p;
  p.alice.send_line("@msg bob \x1b[31mx\xFF\x7Fy");
  auto to_bob = p.bob.read_line();
  ASSERT_TRUE(to_bob);
  EXPECT_EQ(escaped(strip_timestamp(*to_bob)), escaped("[private] <alice> [31mx" + kFFFD + "y"));
  auto echo = p.alice.read_line();
  ASSERT_TRUE(echo);
  EXPECT_EQ(escaped(strip_timestamp(*echo)), escaped("[private to bob] <alice> [31mx" + kFFFD + "y"));
}

// "The server writes UTF-8 lines only" - also when an error quotes what the client typed.
TEST(Hygiene, ErrorsQuotingTheClientAreClean) {
  Pair p;
  p.alice.send_line("@x\xFF\x1b[2J");
  auto unknown = p.alice.read_line();
  ASSERT_TRUE(unknown);
  EXPECT_EQ(escaped(strip_timestamp(*unknown)), escaped("! unknown command '@x" + kFFFD + "[2J' (try @ajuda)"));
  p.alice.send_line("@msg z\xC0\x1b[1m hi");
  auto no_user = p.alice.read_line();
  ASSERT_TRUE(no_user);
  EXPECT_EQ(escaped(strip_timestamp(*no_user)), escaped("! user 'z" + kFFFD + "[1m' is not connected"));
  for (const auto& line : {*unknown, *no_user}) {
    EXPECT_TRUE(is_valid_utf8(line)) << escaped(line);
    EXPECT_FALSE(has_control_bytes(line)) << escaped(line);
  }
  EXPECT_EQ(p.bob.sync(), std::vector<std::string>{});
}
