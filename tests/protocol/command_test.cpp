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
  for (const char* line : {"@privado:bob hi there", "@privado: bob hi there", "@msg bob hi there", "@PRIVADO:bob hi there"}) {
    auto c = parse_command(line);
    EXPECT_EQ(c.kind, CommandKind::Private) << line;
    EXPECT_EQ(c.target, "bob") << line;
    EXPECT_EQ(c.text, "hi there") << line;
  }
}
