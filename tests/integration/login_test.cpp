// Login states (PROTOCOL.md "States"): Password:, Username:, the welcome, and where the password comes from.
#include <gtest/gtest.h>

#include <cctype>
#include <csignal>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

static const char* const kNameRule = "! names are 1-24 letters, digits, _ or -";

// Connects, answers the password prompt, and waits for "Username:".
static void pass_password(Client& c, const std::string& password = kPassword) {
  expect_exact(c, "Password:");
  c.send_line(password);
  expect_exact(c, "Username:");
}

static std::string lowercase(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Whether some log line mentions every one of `words` (ignoring case).
static bool log_line_with(const std::string& log, const std::vector<std::string>& words) {
  return !lines_with(lowercase(log), words).empty();
}

// Whether `secret` occurs in `log` as a token of its own (not inside a longer run of letters/digits).
static bool contains_token(const std::string& log, const std::string& secret) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (auto at = log.find(secret); at != std::string::npos; at = log.find(secret, at + 1)) {
    bool left = at == 0 || !word_char(log[at - 1]);
    bool right = at + secret.size() == log.size() || !word_char(log[at + secret.size()]);
    if (left && right) return true;
  }
  return false;
}

TEST(Login, FirstLineIsThePasswordPrompt) {
  Server server;
  Client c(server.port());
  expect_exact(c, "Password:");
}

TEST(Login, WrongPasswordSaysByeAndCloses) {
  Server server;
  Client c(server.port());
  expect_exact(c, "Password:");
  c.send_line("not-the-password");
  expect_exact(c, "! Wrong password. Bye.");
  EXPECT_EQ(c.read_until_closed(), std::vector<std::string>{}) << "nothing may follow the goodbye";
}

TEST(Login, PasswordMustMatchExactly) {
  Server server;
  // Fewer than 5 wrong guesses, so the brute-force lock-out stays out of the way.
  for (const char* guess : {"S3CRET", "s3cre", "s3cret2"}) {
    SCOPED_TRACE(guess);
    Client c(server.port());
    expect_exact(c, "Password:");
    c.send_line(guess);
    expect_exact(c, "! Wrong password. Bye.");
    EXPECT_TRUE(c.closed_by_server());
  }
  Client ok(server.port());
  pass_password(ok);
}

TEST(Login, RightPasswordAsksForTheName) {
  Server server;
  Client c(server.port());
  pass_password(c);
}

TEST(Login, InvalidNamesAreRefusedWithTheRuleAndAskedAgain) {
  Server server;
  Client c(server.port());
  pass_password(c);
  const std::vector<std::string> invalid = {
      "two words", "bob!", "a.b", "@bob", "<alice>", "ação", "name\x01x", std::string(25, 'n'),
  };
  for (const auto& name : invalid) {
    SCOPED_TRACE("name: " + name);
    c.send_line(name);
    expect_exact(c, kNameRule);
    expect_exact(c, "Username:");
  }
  // The rule's edge: exactly 24 of the allowed characters is fine.
  std::string longest = "Az09_-" + std::string(18, 'x');
  ASSERT_EQ(longest.size(), 24u);
  c.send_line(longest);
  auto welcome = c.read_line();
  ASSERT_TRUE(welcome);
  EXPECT_EQ(strip_timestamp(*welcome).rfind("* Welcome, " + longest + "!", 0), 0u) << *welcome;
}

TEST(Login, EmptyOrBlankNameIsRefused) {
  Server server;
  Client c(server.port());
  pass_password(c);
  for (const char* name : {"", "   ", "\t"}) {
    SCOPED_TRACE(std::string("name: '") + name + "'");
    c.send_line(name);
    expect_exact(c, kNameRule);
    expect_exact(c, "Username:");
  }
  c.send_line("alice");
  c.expect_next("* Welcome, alice!");
}

TEST(Login, NameTakenIgnoringCase) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client other(server.port());
  pass_password(other);

  other.send_line("bob");
  expect_exact(other, "! name 'bob' is taken");
  expect_exact(other, "Username:");

  other.send_line("BoB");
  auto line = other.read_line();
  ASSERT_TRUE(line);
  EXPECT_TRUE(*line == "! name 'BoB' is taken" || *line == "! name 'bob' is taken") << *line;
  expect_exact(other, "Username:");

  // Refusals are private to the one trying: bob heard nothing.
  EXPECT_EQ(bob.sync(), std::vector<std::string>{});

  // Once bob leaves, his name is free again.
  bob.send_line("@sair");
  EXPECT_TRUE(bob.closed_by_server());
  other.send_line("BOB");
  other.expect_next("* Welcome, BOB!");
}

TEST(Login, LinesBeforeChattingHaveNoTimestamp) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client c(server.port());
  std::vector<std::string> before;
  auto next = [&] {
    auto l = c.read_line();
    EXPECT_TRUE(l) << "a line was expected";
    before.push_back(l.value_or(""));
  };
  next();  // Password:
  c.send_line(kPassword);
  next();  // Username:
  c.send_line("no spaces allowed");
  next();
  next();
  c.send_line("bob");
  next();
  next();
  c.send_line("carol");
  ASSERT_EQ(before.size(), 6u);
  EXPECT_EQ(before, (std::vector<std::string>{"Password:", "Username:", kNameRule, "Username:", "! name 'bob' is taken",
                                              "Username:"}));
  for (const auto& l : before) EXPECT_FALSE(has_timestamp(l)) << l;
  // From the welcome on, every line is stamped.
  auto welcome = c.read_line();
  ASSERT_TRUE(welcome);
  EXPECT_TRUE(has_timestamp(*welcome)) << *welcome;
}

TEST(Login, WelcomeNamesEveryoneOnline) {
  Server server;
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  Client carol(server.port());
  pass_password(carol);
  carol.send_line("carol");
  auto welcome = carol.read_line();
  ASSERT_TRUE(welcome);
  ASSERT_TRUE(has_timestamp(*welcome)) << *welcome;
  std::string_view text = strip_timestamp(*welcome);
  EXPECT_EQ(text.rfind("* Welcome, carol! Online (3): ", 0), 0u) << text;
  auto [count, names] = parse_online(text);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(names, (std::vector<std::string>{"alice", "bob", "carol"})) << text;
}

TEST(Login, WelcomeIsFollowedByTheCommandsLine) {
  Server server;
  Client c(server.port());
  pass_password(c);
  c.send_line("alice");
  c.expect_next("* Welcome, alice! Online (1): alice");
  auto commands = c.read_line();
  ASSERT_TRUE(commands);
  ASSERT_TRUE(has_timestamp(*commands)) << *commands;
  expect_names_every_command(strip_timestamp(*commands));
  // Exactly two lines: nothing else is pending before the reply to a barrier.
  EXPECT_EQ(c.sync(), std::vector<std::string>{});
}

TEST(Login, JoinNoticeGoesToTheOthersOnly) {
  Server server;
  Client alice(server.port()), carol(server.port());
  alice.login("alice");
  carol.login("carol");
  alice.expect_next("* carol joined the chat");
  Client bob(server.port());
  bob.login("bob");
  for (Client* c : {&alice, &carol}) {
    std::string line = c->expect_next("* bob joined the chat");
    EXPECT_TRUE(has_timestamp(line)) << line;
    EXPECT_EQ(strip_timestamp(line), "* bob joined the chat");
  }
  EXPECT_EQ(bob.sync(), std::vector<std::string>{}) << "the newcomer is not told about its own arrival";
}

TEST(Login, PasswordFromFileWinsOverEnvironment) {
  TempFile file("from-the-file\n");
  Server server(with_args({"--password-file", file.path}));  // CHAT_PASSWORD is also set
  Client env_pw(server.port());
  expect_exact(env_pw, "Password:");
  env_pw.send_line(kPassword);
  expect_exact(env_pw, "! Wrong password. Bye.");
  Client file_pw(server.port());
  pass_password(file_pw, "from-the-file");
}

TEST(Login, PasswordFileUsesOnlyItsFirstLine) {
  TempFile file("first-line\r\nsecond-line\n");
  Server server(with_args({"--password-file", file.path}));
  Client second(server.port());
  expect_exact(second, "Password:");
  second.send_line("second-line");
  expect_exact(second, "! Wrong password. Bye.");
  Client first(server.port());
  pass_password(first, "first-line");
}

TEST(Login, EnvironmentPasswordReplacesTheDefault) {
  Server server;  // CHAT_PASSWORD=kPassword
  Client def(server.port());
  expect_exact(def, "Password:");
  def.send_line("123456");
  expect_exact(def, "! Wrong password. Bye.");
  Client ok(server.port());
  pass_password(ok);
  EXPECT_FALSE(log_line_with(server.log(), {"warning", "default"})) << "no default-password warning expected; log:\n"
                                                                    << server.log();
}

TEST(Login, DefaultPasswordWhenNoneIsConfigured) {
  Server server(without_password());
  EXPECT_TRUE(log_line_with(server.log(), {"warning", "default"}))
      << "a start-up warning that the default password is in use expected; log:\n"
      << server.log();
  Client c(server.port());
  pass_password(c, "123456");
  c.send_line("alice");
  c.expect_next("* Welcome, alice!");
}

TEST(Login, ConfiguredPasswordsAndGuessesAreNeverLogged) {
  TempFile file("Pw-From-File-8d2f\n");
  Server server(with_env({{"CHAT_PASSWORD", "Pw-From-Env-51ac"}}, {"--password-file", file.path}));
  Client wrong(server.port());
  expect_exact(wrong, "Password:");
  wrong.send_line("Guess-Not-Logged-77e0");
  expect_exact(wrong, "! Wrong password. Bye.");
  EXPECT_TRUE(wrong.closed_by_server());
  Client alice(server.port());
  pass_password(alice, "Pw-From-File-8d2f");
  alice.send_line("alice");
  alice.expect_next("* Welcome, alice!");
  alice.send_line("@sair");
  EXPECT_TRUE(alice.closed_by_server());
  EXPECT_EQ(server.stop(SIGTERM), 0);  // everything the server will ever log is now written
  std::string log = server.log();
  for (const char* secret : {"Pw-From-File-8d2f", "Pw-From-Env-51ac", "Guess-Not-Logged-77e0"})
    EXPECT_FALSE(contains_token(log, secret)) << "'" << secret << "' appears in the log:\n" << log;
}

// PROTOCOL.md: the password is "Never logged" - that includes the default one.
TEST(Login, DefaultPasswordIsNotLoggedEither) {
  Server server(without_password());
  Client c(server.port());
  pass_password(c, "123456");
  c.send_line("alice");
  c.expect_next("* Welcome, alice!");
  EXPECT_EQ(server.stop(SIGTERM), 0);
  std::string log = server.log();
  EXPECT_FALSE(contains_token(log, "123456")) << "the password appears in the log:\n" << log;
}
