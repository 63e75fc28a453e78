// The --config file end to end: keys, precedence (file < environment < flags) seen over a
// socket, errors with file:line, --check-config, MOTD, and SIGHUP reloads that change what
// the next login sees while everyone already connected chats on undisturbed.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

void rewrite(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Sends SIGHUP and waits for the n-th log line containing `outcome` ("reloaded", "reload failed").
bool reload(const Server& server, const std::string& outcome, std::size_t nth) {
  kill(server.pid(), SIGHUP);
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (std::chrono::steady_clock::now() < until) {
    if (count_of(server.log(), outcome) >= nth) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// The max-line a server enforces, as its error line for an over-long line tells.
std::string max_line_seen(Client& c) {
  c.send_line(std::string(1000, 'x'));
  return std::string(strip_timestamp(c.expect("! line too long")));
}

Process run_server(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), CHAT_SERVER_PATH);
  return run_process(args, env, 5s);
}

}  // namespace

TEST(Config, FileSettingsApply) {
  TempFile motd("Welcome to the lab\n");
  TempFile conf(
      "# lab server\n"
      "password = from the file #1\n"
      "max-line = 100\n"
      "motd = " +
      motd.path + "\n");
  Server server(with_env({}, {"--config", conf.path}));
  EXPECT_EQ(server.log().find("default password"), std::string::npos) << server.log();
  Client alice(server.port());
  alice.login("alice", "from the file #1");
  alice.expect_next("* Welcome to the lab");
  EXPECT_EQ(max_line_seen(alice), "! line too long (max 100 bytes)");
  EXPECT_EQ(server.log().find("from the file"), std::string::npos) << "the password was logged:\n" << server.log();
}

TEST(Config, PrecedenceFileThenEnvironmentThenFlags) {
  TempFile conf("password = file-pw\nmax-line = 100\n");
  {
    Server server(with_env({}, {"--config", conf.path}));
    Client c(server.port());
    c.login("alice", "file-pw");
    EXPECT_EQ(max_line_seen(c), "! line too long (max 100 bytes)");
  }
  {
    Server server(with_env({{"CHAT_PASSWORD", "env-pw"}, {"CHAT_MAX_LINE", "200"}}, {"--config", conf.path}));
    Client c(server.port());
    c.login("alice", "env-pw");
    EXPECT_EQ(max_line_seen(c), "! line too long (max 200 bytes)");
  }
  {
    TempFile pw("flag-pw\n");
    Server server(with_env({{"CHAT_PASSWORD", "env-pw"}, {"CHAT_MAX_LINE", "200"}},
                           {"--config", conf.path, "--max-line", "300", "--password-file", pw.path}));
    Client c(server.port());
    c.login("alice", "flag-pw");
    EXPECT_EQ(max_line_seen(c), "! line too long (max 300 bytes)");
  }
}

TEST(Config, UnknownKeyExitsTwoNamingFileAndLine) {
  TempFile conf("port = 0\n\ncolour = blue\n");
  Process p = run_server({"--config", conf.path});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find(conf.path + ":3: unknown key 'colour'"), std::string::npos) << p.err;
}

TEST(Config, BadValueExitsTwoNamingFileLineAndKey) {
  TempFile conf("max-per-ip = many\n");
  Process p = run_server({"--config", conf.path});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find(conf.path + ":1: max-per-ip: expected an integer"), std::string::npos) << p.err;
}

TEST(Config, CheckConfigValidatesWithoutBinding) {
  Server running;  // its port is taken: --check-config must not try to bind it
  TempFile conf("bind = 127.0.0.1\nport = " + std::to_string(running.port()) + "\nmax-per-ip = 3\n");
  Process ok = run_server({"--config", conf.path, "--check-config"});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_NE(ok.out.find("configuration OK"), std::string::npos) << ok.out;

  Process bad_env = run_server({"--config", conf.path, "--check-config"}, {{"CHAT_RATE", "fast"}});
  EXPECT_EQ(bad_env.status, 2);
  EXPECT_NE(bad_env.err.find("CHAT_RATE"), std::string::npos) << bad_env.err;

  TempFile broken("max-line = 1\n");
  Process bad = run_server({"--config", broken.path, "--check-config"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out.find("configuration OK"), std::string::npos) << bad.out;
  EXPECT_NE(bad.err.find(broken.path + ":1: max-line"), std::string::npos) << bad.err;

  Process no_file = run_server({"--check-config", "--motd", "/nonexistent/motd"});
  EXPECT_EQ(no_file.status, 2);
  EXPECT_NE(no_file.err.find("/nonexistent/motd"), std::string::npos) << no_file.err;
}

TEST(Config, MotdLinesFollowTheWelcome) {
  TempFile motd("Lab hours: 9-17\n\nBe kind \x01\n");
  Server server(with_args({"--motd", motd.path}));
  Client alice(server.port());
  alice.login("alice");
  expect_exact_stamped(alice, "* Lab hours: 9-17");
  expect_exact_stamped(alice, "* ");
  expect_exact_stamped(alice, "* Be kind ");
  Client bob(server.port());
  bob.login("bob");
  bob.expect_next("* Lab hours");
  alice.expect_next("* bob joined the chat");  // others do not see bob's MOTD
}

TEST(Config, ReloadChangesThePasswordForTheNextLoginOnly) {
  TempFile conf("password = old-pw\n");
  Server server(with_env({}, {"--config", conf.path}));
  Client alice(server.port()), bob(server.port());
  alice.login("alice", "old-pw");
  bob.login("bob", "old-pw");
  alice.expect("* bob joined the chat");
  Client waiting(server.port());
  waiting.expect_next("Password:");

  rewrite(conf.path, "password = new-pw\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  EXPECT_TRUE(contains(server.log(), "changed password")) << server.log();

  // Everyone connected carries on.
  alice.send_line("still here");
  bob.expect_next("<alice> still here");
  bob.send_line("me too");
  alice.expect_next("<bob> me too");

  // The next password attempt, even on a connection opened before, needs the new one.
  waiting.send_line("old-pw");
  EXPECT_EQ(waiting.read_line(), "! Wrong password. Bye.");
  Client carol(server.port());
  carol.login("carol", "new-pw");
  alice.expect_next("* carol joined the chat");
  EXPECT_EQ(server.log().find("new-pw"), std::string::npos) << server.log();
}

TEST(Config, BadReloadIsLoggedAndKeepsTheOldSettings) {
  TempFile conf("password = old-pw\nmax-line = 100\n");
  Server server(with_env({}, {"--config", conf.path}));
  Client alice(server.port());
  alice.login("alice", "old-pw");

  rewrite(conf.path, "password = new-pw\nmax-line = 200\nmax-queue = small\n");
  ASSERT_TRUE(reload(server, "reload failed", 1)) << server.log();
  EXPECT_TRUE(contains(server.log(), conf.path + ":3: max-queue")) << server.log();
  EXPECT_FALSE(contains(server.log(), "reloaded")) << server.log();

  Client bob(server.port());
  bob.login("bob", "old-pw");  // nothing of the bad file applied
  EXPECT_EQ(max_line_seen(bob), "! line too long (max 100 bytes)");
  alice.send_line("unaffected");
  bob.expect("<alice> unaffected");
}

TEST(Config, ReloadedSettingsStillYieldToEnvironmentAndFlags) {
  TempFile conf("password = file-pw\nmax-line = 100\n");
  Server server(with_env({{"CHAT_PASSWORD", "env-pw"}}, {"--config", conf.path, "--max-line", "300"}));
  rewrite(conf.path, "password = other-pw\nmax-line = 150\nrate = 0\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  Client alice(server.port());
  alice.login("alice", "env-pw");
  EXPECT_EQ(max_line_seen(alice), "! line too long (max 300 bytes)");
}

TEST(Config, ReloadChangesTheMotdForTheNextLogin) {
  TempFile motd("first message\n");
  TempFile conf("motd = " + motd.path + "\n");
  Server server(with_args({"--config", conf.path}));
  Client alice(server.port());
  alice.login("alice");
  alice.expect_next("* first message");

  rewrite(motd.path, "second message\nwith two lines\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  Client bob(server.port());
  bob.login("bob");
  expect_exact_stamped(bob, "* second message");
  expect_exact_stamped(bob, "* with two lines");
  alice.expect_next("* bob joined the chat");  // alice is not shown the new MOTD

  rewrite(conf.path, "");  // no MOTD at all
  ASSERT_TRUE(reload(server, "reloaded", 2)) << server.log();
  Client carol(server.port());
  carol.login("carol");
  carol.send_line("@usuarios");
  carol.expect_next("* Online (3)");

  rewrite(conf.path, "motd = /nonexistent/motd\n");  // a MOTD that cannot be read is a bad file
  ASSERT_TRUE(reload(server, "reload failed", 1)) << server.log();
  EXPECT_TRUE(contains(server.log(), "/nonexistent/motd")) << server.log();
}

TEST(Config, ReloadLimitsApplyToNewConnectionsWithoutDroppingAnyone) {
  TempFile conf("max-per-ip = 3\n");
  Server server(with_args({"--config", conf.path}));
  Client alice(server.port()), bob(server.port()), carol(server.port());
  alice.login("alice");
  bob.login("bob");
  carol.login("carol");

  rewrite(conf.path, "max-per-ip = 1\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  Client dave(server.port());
  EXPECT_EQ(dave.read_line(), "! Too many connections from your address (limit 1); try again later.");
  alice.send_line("three of us still");
  bob.expect("<alice> three of us still");
  carol.expect("<alice> three of us still");
}

TEST(Config, ReloadNamesSettingsThatNeedARestart) {
  TempFile conf("backend = epoll\n");
  Server server(with_args({"--config", conf.path}));
  rewrite(conf.path, "backend = poll\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  EXPECT_TRUE(contains(server.log(), "backend changed in the configuration; a restart is needed")) << server.log();
  Client alice(server.port());
  alice.login("alice");
}

TEST(Config, SighupWithoutConfigOnlyLogs) {
  Server server;
  Client alice(server.port());
  alice.login("alice");
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("nothing to reload")) << server.log();
  alice.send_line("@usuarios");
  alice.expect_next("* Online (1): alice");
  EXPECT_TRUE(server.running());
}

TEST(Config, ReloadRereadsThePasswordFile) {
  TempFile pw("first-pw\n");
  TempFile conf("password-file = " + pw.path + "\n");
  Server server(with_env({}, {"--config", conf.path}));
  Client alice(server.port());
  alice.login("alice", "first-pw");
  rewrite(pw.path, "second-pw\n");  // the file names the same password file: its content changed
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  EXPECT_TRUE(contains(server.log(), "changed password")) << server.log();
  Client bob(server.port());
  bob.login("bob", "second-pw");
}

TEST(Config, ReloadChangesTheLogLevel) {
  // At warn, the reload itself is not logged: a new MOTD shows when it has happened.
  TempFile motd("one\n");
  TempFile conf("motd = " + motd.path + "\n");
  Server server(with_args({"--config", conf.path}));
  rewrite(motd.path, "two\n");
  rewrite(conf.path, "motd = " + motd.path + "\nlog-level = warn\n");
  kill(server.pid(), SIGHUP);
  std::string quiet_name;  // the first login after the reload: at warn, not logged
  for (int attempt = 0; quiet_name.empty(); ++attempt) {
    ASSERT_LT(attempt, 500) << "the reload did not happen:\n" << server.log();
    Client quiet(server.port());
    quiet.login("quiet" + std::to_string(attempt));
    if (contains(quiet.expect_next("* "), "two")) quiet_name = "quiet" + std::to_string(attempt);
    std::this_thread::sleep_for(10ms);
  }
  rewrite(conf.path, "motd = " + motd.path + "\nlog-level = info\n");
  ASSERT_TRUE(reload(server, "reloaded", 1)) << server.log();
  Client loud(server.port());
  loud.login("loud");
  ASSERT_TRUE(server.wait_for_log("name loud")) << server.log();
  EXPECT_FALSE(contains(server.log(), "name " + quiet_name + " ")) << server.log();
}
