// Commands (PROTOCOL.md "Commands"): every alias of @privado, @sair, @usuarios, @ajuda, unknown and blank lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

// alice sends `command`; bob gets it privately, alice the echo, carol nothing.
static void check_private_alias(const std::string& command) {
  Trio r;
  r.alice.send_line(command);
  expect_exact_stamped(r.bob, "[private] <alice> two  words");
  expect_exact_stamped(r.alice, "[private to bob] <alice> two  words");
  EXPECT_EQ(r.carol.sync(), std::vector<std::string>{});
  EXPECT_EQ(r.bob.sync(), std::vector<std::string>{});
}

TEST(Commands, PrivadoWithTheNameGlued) { check_private_alias("@privado:bob two  words"); }

TEST(Commands, PrivadoWithASpaceAfterTheColon) { check_private_alias("@privado: bob two  words"); }

TEST(Commands, MsgAlias) { check_private_alias("@msg bob two  words"); }

TEST(Commands, PrivateToUnknownUserIsAnError) {
  Trio r;
  r.alice.send_line("@privado:zed hi");
  expect_exact_stamped(r.alice, "! user 'zed' is not connected");
  r.alice.send_line("@msg zed hi");
  expect_exact_stamped(r.alice, "! user 'zed' is not connected");
  EXPECT_EQ(r.bob.sync(), std::vector<std::string>{}) << "nothing is broadcast";
  EXPECT_EQ(r.carol.sync(), std::vector<std::string>{}) << "nothing is broadcast";
}

// alice leaves with `command`: bye to her, then close; the others hear she left.
static void check_leave(const std::string& command) {
  Trio r;
  r.alice.send_line(command);
  auto to_alice = r.alice.read_until_closed();
  ASSERT_EQ(to_alice.size(), 1u) << "exactly the goodbye, then the close";
  EXPECT_TRUE(has_timestamp(to_alice[0])) << to_alice[0];
  EXPECT_EQ(strip_timestamp(to_alice[0]), "* Bye, alice!");
  for (Client* c : {&r.bob, &r.carol}) {
    expect_exact_stamped(*c, "* alice left the chat");
    c->send_line("@usuarios");
    auto online = c->read_line();
    ASSERT_TRUE(online);
    EXPECT_TRUE(strip_timestamp(*online).starts_with("* Online (")) << *online;
    auto [count, names] = parse_online(*online);
    EXPECT_EQ(count, 2) << *online << " (no 'disconnected' notice may precede it)";
    EXPECT_EQ(names, (std::vector<std::string>{"bob", "carol"})) << *online;
  }
}

TEST(Commands, SairSaysByeClosesAndTellsTheOthers) { check_leave("@sair"); }

TEST(Commands, QuitAlias) { check_leave("@quit"); }

static void check_users(const std::string& command) {
  Trio r;
  r.bob.send_line(command);
  auto line = r.bob.read_line();
  ASSERT_TRUE(line);
  EXPECT_TRUE(has_timestamp(*line)) << *line;
  EXPECT_EQ(strip_timestamp(*line).rfind("* Online (3): ", 0), 0u) << *line;
  auto [count, names] = parse_online(*line);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "carol"})) << *line;
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{}) << "the list goes to the asker only";
}

TEST(Commands, UsuariosListsEveryoneOnline) { check_users("@usuarios"); }

TEST(Commands, UsersAlias) { check_users("@users"); }

static void check_help(const std::string& command) {
  Trio r;
  r.bob.send_line(command);
  auto line = r.bob.read_line();
  ASSERT_TRUE(line);
  EXPECT_TRUE(has_timestamp(*line)) << *line;
  expect_names_every_command(strip_timestamp(*line));
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{}) << "help goes to the asker only";
}

TEST(Commands, AjudaListsTheCommands) { check_help("@ajuda"); }

TEST(Commands, HelpAlias) { check_help("@help"); }

TEST(Commands, UnknownCommandIsAnErrorAndNothingIsBroadcast) {
  Trio r;
  r.alice.send_line("@x");
  expect_exact_stamped(r.alice, "! unknown command '@x' (try @ajuda)");
  r.alice.send_line("@shout hello everyone");
  expect_exact_stamped(r.alice, "! unknown command '@shout' (try @ajuda)");
  EXPECT_EQ(r.bob.sync(), std::vector<std::string>{});
  EXPECT_EQ(r.carol.sync(), std::vector<std::string>{});
}

TEST(Commands, AtSignAfterTheFirstWordIsAPublicMessage) {
  Trio r;
  r.alice.send_line("hi @bob, see you @sair");
  expect_exact_stamped(r.bob, "<alice> hi @bob, see you @sair");
  expect_exact_stamped(r.carol, "<alice> hi @bob, see you @sair");
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{}) << "still connected, nothing echoed";
}

TEST(Commands, EmptyAndBlankLinesAreIgnored) {
  Trio r;
  r.alice.send_raw("\n \n\t\n   \t  \n\r\n");
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{}) << "no error for blank lines";
  EXPECT_EQ(r.bob.sync(), std::vector<std::string>{}) << "nothing broadcast";
  EXPECT_EQ(r.carol.sync(), std::vector<std::string>{}) << "nothing broadcast";
}
