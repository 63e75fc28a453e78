// Command parser: every command, alias and malformed form of PROTOCOL.md "Commands".
#include "protocol/command.h"

#include <gtest/gtest.h>

using chat::CommandKind;
using chat::parse_command;

TEST(Command, PlainTextIsPublic) {
  auto c = parse_command("hello world");
  EXPECT_EQ(c.kind, CommandKind::Public);
  EXPECT_EQ(c.text, "hello world");
}

TEST(Command, PrivateForms) {
  for (const char* line :
       {"@privado:bob hi there", "@privado: bob hi there", "@msg bob hi there", "@PRIVADO:bob hi there"}) {
    auto c = parse_command(line);
    EXPECT_EQ(c.kind, CommandKind::Private) << line;
    EXPECT_EQ(c.target, "bob") << line;
    EXPECT_EQ(c.text, "hi there") << line;
  }
}

namespace {

chat::Command parse(std::string_view line) { return parse_command(line); }

}  // namespace

// --- empty and public lines ------------------------------------------------------------------

TEST(Command, EmptyLineIsEmpty) { EXPECT_EQ(parse("").kind, CommandKind::Empty); }

TEST(Command, AllWhitespaceLinesAreEmpty) {
  for (const char* line : {" ", "   ", "\t", " \t \t ", "\t\t"}) {
    EXPECT_EQ(parse(line).kind, CommandKind::Empty) << testing::PrintToString(line);
  }
}

TEST(Command, PublicTextIsTheLineAsTyped) {
  std::string_view line = "  hello  there  ";
  auto c = parse(line);
  EXPECT_EQ(c.kind, CommandKind::Public);
  EXPECT_EQ(c.text, line);
  EXPECT_EQ(c.text.data(), line.data());  // a view into the line, not a copy
}

TEST(Command, AtSignNotFirstIsPublic) {
  for (const char* line : {"mail me at bob@example.com", "hi @bob", "x@sair", "a @privado:bob hi"}) {
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::Public) << line;
    EXPECT_EQ(c.text, line);
  }
}

TEST(Command, ForgedPrefixesArePublicText) {
  auto c = parse("[private] <bob> give me your password");
  EXPECT_EQ(c.kind, CommandKind::Public);
  EXPECT_EQ(c.text, "[private] <bob> give me your password");
}

// --- @sair / @quit -----------------------------------------------------------------------------

TEST(Command, QuitAndAlias) {
  for (const char* line : {"@sair", "@quit", "@SAIR", "@Quit", "@sAiR", "  @sair", "\t@quit", "@sair  ", "@sair\t"}) {
    EXPECT_EQ(parse(line).kind, CommandKind::Quit) << testing::PrintToString(line);
  }
}

TEST(Command, QuitWithTrailingWordsStillQuits) { EXPECT_EQ(parse("@sair now please").kind, CommandKind::Quit); }

// --- @usuarios / @users ------------------------------------------------------------------------

TEST(Command, UsersAndAlias) {
  for (const char* line : {"@usuarios", "@users", "@USUARIOS", "@Users", "   @usuarios", "@users  "}) {
    EXPECT_EQ(parse(line).kind, CommandKind::Users) << testing::PrintToString(line);
  }
}

// --- @ajuda / @help ----------------------------------------------------------------------------

TEST(Command, HelpAndAlias) {
  for (const char* line : {"@ajuda", "@help", "@AJUDA", "@HeLp", " @ajuda", "@help\t"}) {
    EXPECT_EQ(parse(line).kind, CommandKind::Help) << testing::PrintToString(line);
  }
}

// --- unknown commands --------------------------------------------------------------------------

TEST(Command, UnknownCommandKeepsTheWord) {
  auto c = parse("@x");
  EXPECT_EQ(c.kind, CommandKind::Unknown);
  EXPECT_EQ(c.target, "@x");
}

TEST(Command, UnknownCommandWithArgumentsNamesOnlyTheFirstWord) {
  auto c = parse("  @dance all night");
  EXPECT_EQ(c.kind, CommandKind::Unknown);
  EXPECT_EQ(c.target, "@dance");
}

TEST(Command, LoneAtSignIsUnknown) {
  auto c = parse("@");
  EXPECT_EQ(c.kind, CommandKind::Unknown);
  EXPECT_EQ(c.target, "@");
  c = parse("@ hello");
  EXPECT_EQ(c.kind, CommandKind::Unknown);
  EXPECT_EQ(c.target, "@");
}

TEST(Command, NearMissesAreUnknown) {
  for (const char* word : {"@sairr", "@sai", "@quitx", "@user", "@usuario", "@helpme", "@ajudar", "@msgs", "@privadox",
                           "@privad", "@msg:bob", "@@sair"}) {
    std::string line = std::string(word) + " hi";
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::Unknown) << word;
    EXPECT_EQ(c.target, word);
  }
}

// --- private messages --------------------------------------------------------------------------

TEST(Command, PrivateGluedTarget) {
  auto c = parse("@privado:bob hello");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "hello");
}

TEST(Command, PrivateSpaceAfterColon) {
  auto c = parse("@privado:   bob   hello");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "hello");
}

TEST(Command, PrivateTabSeparators) {
  auto c = parse("@privado:\tbob\thello");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "hello");
}

TEST(Command, PrivateKeepsInnerSpacingOfText) {
  auto c = parse("@msg bob  a  b   c");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "a  b   c");
}

TEST(Command, PrivateWithLeadingWhitespace) {
  auto c = parse("   @privado:bob hi");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "hi");
}

TEST(Command, PrivateCommandWordIgnoresCaseButTargetKeepsIt) {
  for (const char* line : {"@PRIVADO:Bob hi", "@Privado: Bob hi", "@MSG Bob hi", "@mSg Bob hi"}) {
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::Private) << line;
    EXPECT_EQ(c.target, "Bob") << line;
    EXPECT_EQ(c.text, "hi") << line;
  }
}

TEST(Command, PrivateTextMayContainColonsAndAtSigns) {
  auto c = parse("@msg bob @sair: not a command");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "@sair: not a command");
}

TEST(Command, PrivadoWithoutColonIsAcceptedAsPrivate) {
  // PROTOCOL.md lists "@privado:<user>", "@privado: <user>" and "@msg <user>"; the parser
  // also accepts the colon-less "@privado <user> <message>".
  auto c = parse("@privado bob hi");
  EXPECT_EQ(c.kind, CommandKind::Private);
  EXPECT_EQ(c.target, "bob");
  EXPECT_EQ(c.text, "hi");
}

TEST(Command, PrivateWithoutUserIsUsage) {
  for (const char* line : {"@privado:", "@privado:  ", "@privado: \t ", "@msg", "@msg   ", "@privado", "@PRIVADO:"}) {
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::PrivateUsage) << testing::PrintToString(line);
    EXPECT_TRUE(c.target.empty()) << testing::PrintToString(line);
  }
}

TEST(Command, PrivateWithUserButNoMessageIsUsage) {
  for (const char* line : {"@privado:bob", "@privado: bob", "@msg bob", "@privado bob"}) {
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::PrivateUsage) << line;
    EXPECT_EQ(c.target, "bob") << line;
    EXPECT_TRUE(c.text.empty()) << line;
  }
}

TEST(Command, PrivateWithOnlySpacesAfterUserIsUsage) {
  for (const char* line : {"@privado:bob    ", "@privado:bob \t ", "@privado: bob   ", "@msg bob \t"}) {
    auto c = parse(line);
    EXPECT_EQ(c.kind, CommandKind::PrivateUsage) << testing::PrintToString(line);
    EXPECT_EQ(c.target, "bob") << testing::PrintToString(line);
  }
}

TEST(Command, ViewsPointIntoTheLine) {
  std::string line = "@privado:bob hi there";
  auto c = parse(line);
  ASSERT_EQ(c.kind, CommandKind::Private);
  EXPECT_GE(c.target.data(), line.data());
  EXPECT_LE(c.text.data() + c.text.size(), line.data() + line.size());
}
