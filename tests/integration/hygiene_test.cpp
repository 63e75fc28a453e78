// Content hygiene (PROTOCOL.md): C0 and C1 controls removed, invalid UTF-8 replaced by U+FFFD, valid UTF-8
// untouched; commands are recognised after cleaning.
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

// C0 other than TAB, DEL, and the C1 controls U+0080..U+009F (C2 80..C2 9F).
static bool has_control_bytes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0x80) return true;
  }
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

// NEL (U+0085) starts a new line on some terminals: "hi<NEL>* x" would show a forged notice.
TEST(Hygiene, C1ControlsAreRemovedFromPublicLines) {
  Pair p;
  relay(p, "hi\xC2\x85* mallory is now an operator", "hi* mallory is now an operator");
  relay(p,
        "\xC2\x9B"
        "2J\xC2\x9B"
        "31mred",
        "2J31mred");  // 8-bit CSI
  relay(p,
        "\xC2\x9D"
        "0;owned\xC2\x9C"
        "title",
        "0;ownedtitle");                             // 8-bit OSC ... ST
  relay(p, "\xC2\x80\xC2\x9F\xC2\xA0", "\xC2\xA0");  // both ends of the range; U+00A0 stays
}

TEST(Hygiene, C1ControlsAreRemovedFromPrivateLinesAndQuotedErrors) {
  Pair p;
  p.alice.send_line(
      "@msg bob \xC2\x85* x\xC2\x9B"
      "1m");
  auto to_bob = p.bob.read_line();
  ASSERT_TRUE(to_bob);
  EXPECT_EQ(escaped(strip_timestamp(*to_bob)), escaped("[private] <alice> * x1m"));
  auto echo = p.alice.read_line();
  ASSERT_TRUE(echo);
  EXPECT_EQ(escaped(strip_timestamp(*echo)), escaped("[private to bob] <alice> * x1m"));
  p.alice.send_line("@x\xC2\x85y");
  auto unknown = p.alice.read_line();
  ASSERT_TRUE(unknown);
  EXPECT_EQ(escaped(strip_timestamp(*unknown)), escaped("! unknown command '@xy' (try @ajuda)"));
  p.alice.send_line(
      "@msg z\xC2\x9B"
      "1m hi");
  auto no_user = p.alice.read_line();
  ASSERT_TRUE(no_user);
  EXPECT_EQ(escaped(strip_timestamp(*no_user)), escaped("! user 'z1m' is not connected"));
  for (const auto& line : {*to_bob, *echo, *unknown, *no_user}) EXPECT_FALSE(has_control_bytes(line)) << escaped(line);
  EXPECT_EQ(p.bob.sync(), std::vector<std::string>{});
}

TEST(Hygiene, MotdIsCleaned) {
  TempFile motd(
      "Lab\xC2\x85* fake notice\n\x1b[1mbold\xC2\x9B"
      "0m \xFF\n");
  Server server(with_args({"--motd", motd.path}));
  Client alice(server.port());
  alice.login("alice");
  expect_exact_stamped(alice, "* Lab* fake notice");
  expect_exact_stamped(alice, "* [1mbold0m " + kFFFD);
}

// Commands are recognised after cleaning: a control byte glued to @sair does not turn it into
// the unknown command "@sair".
TEST(Hygiene, QuitWithAControlByteGluedToItQuits) {
  for (const std::string& quit : {std::string("@sair\x1b"), std::string("@sair\xC2\x85"), std::string("@Sa\x7Fir")}) {
    SCOPED_TRACE("sent: " + escaped(quit));
    Pair p;
    p.alice.send_line(quit);
    auto bye = p.alice.read_line();
    ASSERT_TRUE(bye);
    ASSERT_EQ(escaped(strip_timestamp(*bye)), "* Bye, alice!");
    EXPECT_TRUE(p.alice.closed_by_server());
    expect_exact_stamped(p.bob, "* alice left the chat");
  }
}
