// Command-line options of chat-server: help, version, bad input, backends, password file, log.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

Process run_server(std::vector<std::string> args) {
  args.insert(args.begin(), CHAT_SERVER_PATH);
  return run_process(args, {{"CHAT_PASSWORD", kPassword}}, 5s);
}

}  // namespace

TEST(Options, HelpListsEveryFlag) {
  Process p = run_server({"--help"});
  EXPECT_EQ(p.status, 0) << p.err;
  for (const char* flag : {"--port", "--bind", "--password-file", "--max-line", "--auth-timeout", "--max-queue",
                           "--rate", "--burst", "--max-clients", "--backend", "--help", "--version"}) {
    EXPECT_NE(p.out.find(flag), std::string::npos) << "--help does not mention " << flag << ":\n" << p.out;
  }
}

TEST(Options, VersionPrintsAVersion) {
  Process p = run_server({"--version"});
  EXPECT_EQ(p.status, 0) << p.err;
  EXPECT_NE(p.out.find("chat-server"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find_first_of("0123456789"), std::string::npos) << p.out;
}

TEST(Options, UnknownFlagExitsTwoNamingIt) {
  Process p = run_server({"--frobnicate"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find("--frobnicate"), std::string::npos) << p.err;
}

TEST(Options, BadValuesExitTwoNamingTheFlag) {
  const std::vector<std::vector<std::string>> cases = {
      {"--port", "70000"},       {"--port", "-1"},
      {"--rate", "-1"},          {"--rate", "1e-12"},
      {"--max-line", "abc"},     {"--max-queue", "1000"},
      {"--max-clients", "zero"}, {"--rate", "fast"},
      {"--backend", "bogus"},    {"--port"},
  };
  for (const auto& args : cases) {
    Process p = run_server(args);
    std::string shown = args[0] + (args.size() > 1 ? " " + args[1] : "");
    EXPECT_EQ(p.status, 2) << shown;
    EXPECT_NE(p.err.find(args[0]), std::string::npos) << shown << " gave: " << p.err;
  }
}

TEST(Options, EqualsFormIsAccepted) {
  Server server(with_args({"--max-clients=1"}));
  Client alice(server.port());
  alice.login("alice");
  Client second(server.port());
  EXPECT_EQ(second.read_line(), "! Server full. Bye.");
}

TEST(Options, PortInUseExitsTwoNamingThePort) {
  Server first;
  const std::string port = std::to_string(first.port());
  Process p = run_server({"--bind", "127.0.0.1", "--port", port});
  EXPECT_EQ(p.status, 2) << p.err;
  EXPECT_NE(p.err.find(port), std::string::npos) << p.err;
  // The first server is unaffected.
  Client alice(first.port());
  alice.login("alice");
}

TEST(Options, PollBackendWorksEndToEnd) {
  Server server(with_args({"--backend", "poll"}));
  EXPECT_NE(server.log().find("backend poll"), std::string::npos) << server.log();
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  alice.expect("* bob joined the chat");
  alice.send_line("over poll(2)");
  EXPECT_EQ(strip_timestamp(bob.expect_next("<alice> over poll(2)")), "<alice> over poll(2)");
  bob.send_line("@sair");
  bob.expect("* Bye, bob!");
  EXPECT_TRUE(bob.closed_by_server());
  alice.expect("* bob left the chat");
}

TEST(Options, MissingPasswordFileExitsTwo) {
  Process p = run_server({"--password-file", "/nonexistent/chat-password"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find("/nonexistent/chat-password"), std::string::npos) << p.err;
}

TEST(Options, PasswordFileWinsOverEnvironment) {
  TempFile file("from-the-file\nsecond line ignored\n");
  Server server(with_args({"--password-file", file.path}));  // CHAT_PASSWORD is also set
  Client env_pw(server.port());
  env_pw.expect_next("Password:");
  env_pw.send_line(kPassword);
  EXPECT_EQ(env_pw.read_line(), "! Wrong password. Bye.");
  Client file_pw(server.port());
  file_pw.login("alice", "from-the-file");
}

TEST(Options, LogRecordsEventsButNeverThePassword) {
  Server server;
  Client alice(server.port()), bob(server.port());
  alice.login("alice");
  bob.login("bob");
  const std::string alice_at = "127.0.0.1:" + std::to_string(local_port(alice.fd()));
  const std::string bob_at = "127.0.0.1:" + std::to_string(local_port(bob.fd()));

  const std::string guess = "wrong-guess-7731";
  Client intruder(server.port());
  const std::string intruder_at = "127.0.0.1:" + std::to_string(local_port(intruder.fd()));
  intruder.expect_next("Password:");
  intruder.send_line(guess);
  intruder.expect_next("! Wrong password. Bye.");

  alice.send_line("@sair");
  alice.expect("* Bye, alice!");
  EXPECT_TRUE(alice.closed_by_server());
  alice.close();
  bob.expect("* alice left the chat");
  bob.close();  // EOF without @sair
  ASSERT_TRUE(server.wait_for_log("disconnect bob")) << server.log();
  ASSERT_TRUE(server.wait_for_log("disconnect alice")) << server.log();

  const std::string log = server.log();
  EXPECT_EQ(lines_with(log, {"listening on", "127.0.0.1:" + std::to_string(server.port())}).size(), 1u) << log;
  auto connects = lines_with(log, {"connect", alice_at});
  EXPECT_EQ(std::count_if(connects.begin(), connects.end(),
                          [](const std::string& l) { return l.find("disconnect") == std::string::npos; }),
            1)
      << log;
  EXPECT_EQ(lines_with(log, {"auth ok", alice_at}).size(), 1u) << log;
  EXPECT_GE(lines_with(log, {"name", "alice", alice_at}).size(), 1u) << log;
  EXPECT_EQ(lines_with(log, {"auth failed", intruder_at}).size(), 1u) << log;
  EXPECT_EQ(lines_with(log, {"disconnect", "alice", alice_at, "quit"}).size(), 1u) << log;
  EXPECT_EQ(lines_with(log, {"disconnect", "bob", bob_at, "EOF"}).size(), 1u) << log;
  EXPECT_EQ(log.find(kPassword), std::string::npos) << "the password appears in the log:\n" << log;
  EXPECT_EQ(log.find(guess), std::string::npos) << "a password guess appears in the log:\n" << log;
}

TEST(Options, DefaultPasswordWarnsOnStartup) {
  Server server(without_password());
  EXPECT_NE(server.log().find("warning"), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("default"), std::string::npos) << server.log();
  Client alice(server.port());
  alice.login("alice", "123456");
}
