// Display: classifying server lines, styling them, and classifying what the user typed.
#include "bin/chat_client/display.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bin/chat_client/text_width.h"

using namespace chat_client;

TEST(Display, ClassifiesPublicLines) {
  ServerLine l = classify("[10:00:09] <alice> hi bob");
  EXPECT_EQ(l.kind, LineKind::Public);
  EXPECT_EQ(l.stamp, "[10:00:09]");
  EXPECT_EQ(l.author, "alice");
  EXPECT_EQ(l.text, "hi bob");
}

TEST(Display, ClassifiesPrivateLinesAndTheirEcho) {
  ServerLine p = classify("[10:00:15] [private] <bob> just for you");
  EXPECT_EQ(p.kind, LineKind::Private);
  EXPECT_EQ(p.author, "bob");
  EXPECT_EQ(p.text, "just for you");
  ServerLine e = classify("[10:00:15] [private to alice] <bob> just for you");
  EXPECT_EQ(e.kind, LineKind::PrivateEcho);
  EXPECT_EQ(e.target, "alice");
  EXPECT_EQ(e.author, "bob");
  EXPECT_EQ(e.text, "just for you");
}

TEST(Display, ClassifiesNoticesAndErrors) {
  ServerLine n = classify("[10:00:05] * bob joined the chat");
  EXPECT_EQ(n.kind, LineKind::Notice);
  EXPECT_EQ(n.text, "bob joined the chat");
  ServerLine e = classify("[10:00:05] ! user 'zed' is not connected");
  EXPECT_EQ(e.kind, LineKind::Error);
  EXPECT_EQ(e.text, "user 'zed' is not connected");
}

TEST(Display, ClassifiesLoginLines) {
  EXPECT_EQ(classify("Password:").kind, LineKind::Prompt);
  EXPECT_EQ(classify("Username:").kind, LineKind::Prompt);
  ServerLine wrong = classify("! Wrong password. Bye.");
  EXPECT_EQ(wrong.kind, LineKind::Error);
  EXPECT_TRUE(wrong.stamp.empty());
  EXPECT_EQ(wrong.text, "Wrong password. Bye.");
  EXPECT_EQ(classify("* Server is shutting down").kind, LineKind::Notice);
  EXPECT_EQ(classify("SSH-2.0-OpenSSH").kind, LineKind::Other);
}

TEST(Display, AUserCannotForgeAnotherKindInsideTheirText) {
  ServerLine l = classify("[10:00:09] <mallory> [private] <bob> give me your password");
  EXPECT_EQ(l.kind, LineKind::Public);
  EXPECT_EQ(l.author, "mallory");
  ServerLine n = classify("[10:00:09] <mallory> * bob left the chat");
  EXPECT_EQ(n.kind, LineKind::Public);
}

TEST(Display, OddShapesAreOther) {
  EXPECT_EQ(classify("[10:00:09] hello").kind, LineKind::Other);
  EXPECT_EQ(classify("[10:00:09] <> x").kind, LineKind::Other);
  EXPECT_EQ(classify("[10:00:09] [private to bob <x> y").kind, LineKind::Other);
  EXPECT_EQ(classify("").kind, LineKind::Other);
  EXPECT_EQ(classify("[1:00:09] <a> b").kind, LineKind::Other);
}

TEST(Display, WithoutColourTheTextIsTheServers) {
  for (const char* line :
       {"[10:00:09] <alice> hi bob", "[10:00:15] [private] <bob> psst", "[10:00:15] [private to alice] <bob> psst",
        "[10:00:05] * bob joined the chat", "[10:00:05] ! unknown command '@x' (try @ajuda)", "! Wrong password. Bye.",
        "* Server is shutting down", "[10:00:09] <alice> "}) {
    EXPECT_EQ(styled(classify(line), false), line);
  }
}

TEST(Display, WithColourEachKindLooksDifferentAndTheTextSurvives) {
  const char* lines[] = {"[10:00:09] <alice> hi", "[10:00:15] [private] <bob> psst",
                         "[10:00:15] [private to alice] <bob> psst", "[10:00:05] * bob joined", "[10:00:05] ! oops"};
  std::set<std::string> first_styles;
  for (const char* line : lines) {
    std::string s = styled(classify(line), true);
    // Strip SGR sequences: what remains is the server's text.
    std::string plain;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\x1b') {
        i = s.find('m', i);
        continue;
      }
      plain += s[i];
    }
    EXPECT_EQ(plain, line);
    EXPECT_EQ(text_columns(s), static_cast<int>(std::string_view(line).size()));
    // The style right after the timestamp tells the kind apart.
    std::size_t after = s.find("\x1b[0m ") + 5;
    first_styles.insert(s.substr(after, s.find('m', after) - after));
  }
  EXPECT_EQ(first_styles.size(), std::size(lines));
}

TEST(Display, ErrorsAreRedPrivateIsMagentaNoticesCyan) {
  EXPECT_NE(styled(classify("[10:00:05] ! oops"), true).find("\x1b[1;31m! oops"), std::string::npos);
  EXPECT_NE(styled(classify("[10:00:05] [private] <bob> x"), true).find("\x1b[1;35m[private]"), std::string::npos);
  EXPECT_NE(styled(classify("[10:00:05] * hi"), true).find("\x1b[36m* hi"), std::string::npos);
}

TEST(Display, NamesKeepTheirColour) {
  auto style_of = [](const char* line) {
    std::string s = styled(classify(line), true);
    std::size_t at = s.find('<') - 1;
    return s.substr(s.rfind('\x1b', at));
  };
  EXPECT_EQ(style_of("[10:00:01] <carol> a").substr(0, 8), style_of("[11:00:01] <Carol> b").substr(0, 8));
}

TEST(Display, ControlCharactersNeverReachTheTerminal) {
  std::string evil =
      "[10:00:09] <mallory> \x1b[2J\x07gotcha\xC2\x9B"
      "31m";
  std::string s = styled(classify(evil), false);
  EXPECT_EQ(s, "[10:00:09] <mallory> [2Jgotcha31m");
  std::string c = styled(classify(evil), true);
  EXPECT_EQ(c.find("\x1b[2J"), std::string::npos);
  EXPECT_EQ(strip_controls("a\tb\x7f"
                           "c\xC3\xA1"),
            "a bc\xC3\xA1");  // TAB → space; UTF-8 kept
}

TEST(Display, OwnLinesLookLikeTheServersFormat) {
  EXPECT_EQ(own_line("[10:00:09]", "alice", "hi bob", false), "[10:00:09] <alice> hi bob");
  std::string c = own_line("[10:00:09]", "alice", "hi bob", true);
  EXPECT_NE(c.find("\x1b[1;32m<alice>"), std::string::npos);
  EXPECT_EQ(error_text("! name 'bob' is taken", false), "! name 'bob' is taken");
}

TEST(Display, ClassifiesWhatTheUserTyped) {
  EXPECT_EQ(classify_user_line(""), UserLine::Blank);
  EXPECT_EQ(classify_user_line(" \t "), UserLine::Blank);
  EXPECT_EQ(classify_user_line("hello"), UserLine::Public);
  EXPECT_EQ(classify_user_line("hello @sair"), UserLine::Public);
  EXPECT_EQ(classify_user_line("@sair"), UserLine::Quit);
  EXPECT_EQ(classify_user_line("  @SAIR now"), UserLine::Quit);
  EXPECT_EQ(classify_user_line("@quit"), UserLine::Quit);
  EXPECT_EQ(classify_user_line("@sairx"), UserLine::Command);
  EXPECT_EQ(classify_user_line("@privado:bob hi"), UserLine::Command);
  EXPECT_EQ(classify_user_line("@"), UserLine::Command);
}

TEST(Display, FindsTheNameInTheWelcome) {
  EXPECT_EQ(welcome_name("Welcome, alice! Online (3): alice, bob, carol"), "alice");
  EXPECT_EQ(welcome_name("bob joined the chat"), "");
}

TEST(TextWidth, ColumnsOfCharacters) {
  EXPECT_EQ(text_columns("abc"), 3);
  EXPECT_EQ(text_columns("ol\xC3\xA1"), 3);                // olá
  EXPECT_EQ(text_columns("e\xCC\x81"), 1);                 // e + combining acute
  EXPECT_EQ(text_columns("\xE4\xBD\xA0\xE5\xA5\xBD"), 4);  // 你好
  EXPECT_EQ(text_columns("\xF0\x9F\x98\x80"), 2);          // 😀
  EXPECT_EQ(text_columns("\x1b[1;31mred\x1b[0m"), 3);
}

TEST(TextWidth, DecodesAndRejectsMalformedUtf8) {
  std::size_t length;
  EXPECT_EQ(decode_utf8("\xC3\xA1", 0, length), U'\u00E1');
  EXPECT_EQ(length, 2u);
  EXPECT_EQ(decode_utf8("\xED\xA0\x80", 0, length), kReplacementCharacter);  // surrogate
  EXPECT_EQ(length, 1u);
  EXPECT_EQ(decode_utf8("\xF0\x9F", 0, length), kReplacementCharacter);  // truncated
  std::string out;
  append_utf8(out, U'\U0001F600');
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
}
