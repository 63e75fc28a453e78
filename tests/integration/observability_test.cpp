// The server's log and counters, seen from outside: levels, JSON lines that a JSON parser
// accepts, the "stats" line on SIGUSR1, --stats-interval and exit with exact counts, and a
// log reader that stops reading, which must never stop the chat.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>

#include "harness.h"

using namespace harness;

namespace {

using Counters = std::map<std::string, double>;

// The key=value pairs of the last "stats " line of a text log.
Counters last_stats(const std::string& log) {
  auto lines = lines_with(log, {"stats connections="});
  Counters counters;
  if (lines.empty()) return counters;
  static const std::regex pair("([a-z_]+)=([0-9.]+)");
  const std::string& line = lines.back();
  for (std::sregex_iterator it(line.begin(), line.end(), pair), end; it != end; ++it)
    counters[(*it)[1]] = std::strtod((*it)[2].str().c_str(), nullptr);
  return counters;
}

// Sends SIGUSR1 and returns the counters it logs.
Counters stats_now(Server& server) {
  std::size_t before = count_of(server.log(), "stats connections=");
  kill(server.pid(), SIGUSR1);
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (count_of(server.log(), "stats connections=") == before && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(10ms);
  EXPECT_GT(count_of(server.log(), "stats connections="), before) << "no stats line after SIGUSR1\n" << server.log();
  return last_stats(server.log());
}

void wrong_password(std::uint16_t port) {
  Client intruder(port);
  expect_exact(intruder, "Password:");
  intruder.send_line("wrong");
  intruder.expect_next("! Wrong password. Bye.");
  EXPECT_TRUE(intruder.closed_by_server());
}

// Waits until the server has exited by itself (after the first signal), then its status.
int exit_status(Server& server) {
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (server.running() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  return server.stop(SIGKILL);
}

}  // namespace

TEST(Observability, TextLinesCarryTheirLevel) {
  Server server;
  Client alice(server.port());
  alice.login("alice");
  wrong_password(server.port());
  ASSERT_TRUE(server.wait_for_log("auth failed"));
  std::string log = server.log();
  EXPECT_EQ(lines_with(log, {" [info] listening on 127.0.0.1:"}).size(), 1u) << log;
  EXPECT_EQ(lines_with(log, {"[info] name alice 127.0.0.1:"}).size(), 1u) << log;
  EXPECT_EQ(lines_with(log, {"[warn] auth failed 127.0.0.1:"}).size(), 1u) << log;
  EXPECT_TRUE(lines_with(log, {"[debug]"}).empty()) << "debug lines at the default level\n" << log;
}

TEST(Observability, DebugLevelLogsLineSizesNeverContents) {
  Server server(with_args({"--log-level", "debug"}));
  Client alice(server.port());
  alice.login("alice");
  alice.send_line("Secret-Words-8e1f");
  alice.sync();
  std::string log = server.log();
  EXPECT_EQ(lines_with(log, {"[debug] line from alice 127.0.0.1:", "(17 bytes)"}).size(), 1u) << log;
  EXPECT_EQ(log.find("Secret-Words-8e1f"), std::string::npos) << log;
}

TEST(Observability, ReloadChangesTheLevel) {
  TempFile config("log-level = info\n");
  Server server(with_args({"--config", config.path}));
  std::ofstream(config.path) << "log-level = warn\n";
  // The signal is handled before the server runs again, so before the login's round trips.
  kill(server.pid(), SIGHUP);
  Client first(server.port());
  first.login("first");
  wrong_password(server.port());
  ASSERT_TRUE(server.wait_for_log("auth failed")) << server.log();
  EXPECT_TRUE(lines_with(server.log(), {"name first"}).empty()) << "info lines at warn\n" << server.log();

  std::ofstream(config.path) << "log-level = info\n";
  kill(server.pid(), SIGHUP);
  // The counters are an info line: they appear once the reload has taken effect.
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (!contains(server.log(), "stats connections=") && std::chrono::steady_clock::now() < until) {
    kill(server.pid(), SIGUSR1);
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(contains(server.log(), "stats connections=")) << server.log();
  Client second(server.port());
  second.login("second");
  EXPECT_TRUE(server.wait_for_log("name second 127.0.0.1:")) << server.log();
}

TEST(Observability, JsonLinesParseAndEscapeWhatTheyQuote) {
  // A config path with a quote, a backslash and UTF-8 reaches the log in the reload line.
  char dir[] = "/tmp/chat-json-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string config = std::string(dir) + "/con\"fig\\ é.conf";
  std::ofstream(config) << "# defaults\n";
  Server server(with_args({"--log-format", "json", "--config", config}));
  Client alice(server.port());
  alice.login("alice");
  wrong_password(server.port());
  alice.send_line("@sair");
  EXPECT_TRUE(alice.closed_by_server());
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reloaded")) << server.log();
  kill(server.pid(), SIGUSR1);
  ASSERT_TRUE(server.wait_for_log("\"event\":\"stats\"")) << server.log();
  alice.close();  // or shutting down would wait for it to close its side
  EXPECT_EQ(server.stop(SIGTERM), 0);

  TempFile log(server.log());
  // Python's json module is the judge; it prints "event|msg" per line.
  const char* check = R"(
import json, re, sys
for number, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)
    assert isinstance(o, dict), number
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["ts"]), (number, o["ts"])
    assert o["level"] in ("error", "warn", "info", "debug"), number
    assert isinstance(o["event"], str) and isinstance(o["msg"], str), number
    if o["event"] == "stats":
        assert all(isinstance(o[k], (int, float)) for k in ("connections", "logins", "bytes_out")), number
    print(o["event"] + "|" + o["msg"])
)";
  Process p = run_process({"python3", "-c", check, log.path});
  ASSERT_EQ(p.status, 0) << p.err << "\n" << server.log();
  for (const char* event :
       {"listening|listening on 127.0.0.1:", "connect|connect 127.0.0.1:", "auth_ok|auth ok 127.0.0.1:",
        "login|name alice 127.0.0.1:", "auth_failed|auth failed 127.0.0.1:", "disconnect|disconnect alice 127.0.0.1:",
        "stats|stats connections=", "shutdown|shutting down (SIGTERM)", "stopped|stopped"})
    EXPECT_NE(p.out.find(event), std::string::npos) << event << "\n" << p.out;
  EXPECT_NE(p.out.find("reloaded " + config + ": "), std::string::npos) << "the path, unescaped again\n" << p.out;
  unlink(config.c_str());
  rmdir(dir);
}

TEST(Observability, StatsCountASession) {
  Server server;
  Client alice(server.port());
  alice.login("alice");
  Client bob(server.port());
  bob.login("bob");
  alice.expect("* bob joined the chat");
  wrong_password(server.port());
  for (const char* line : {"one", "two", "three"}) alice.send_line(line);
  bob.expect("<alice> three");
  ASSERT_TRUE(server.wait_for_log("wrong password")) << server.log();  // the intruder's disconnect

  Counters s = stats_now(server);
  EXPECT_EQ(s["connections"], 2);
  EXPECT_EQ(s["connections_total"], 3);
  EXPECT_EQ(s["logins"], 2);
  EXPECT_EQ(s["failed_logins"], 1);
  EXPECT_EQ(s["lines_in"], 2 + 3 + 2 + 1);  // alice's login and lines, bob's login, the guess
  // "s3cret\n" "alice\n" "one\n" "two\n" "three\n", "s3cret\n" "bob\n", "wrong\n"
  EXPECT_EQ(s["bytes_in"], 7 + 6 + 4 + 4 + 6 + 7 + 4 + 6);
  EXPECT_GE(s["deliveries_out"], 3 + 1);  // the three lines to bob, bob's arrival to alice...
  EXPECT_GT(s["bytes_out"], 0);
  EXPECT_EQ(s["dropped_slow"], 0);
  EXPECT_EQ(s["auth_timeouts"], 0);
  EXPECT_EQ(s["refused_full"], 0);
  EXPECT_EQ(s.count("refused_per_ip"), 1u);
  EXPECT_EQ(s.count("refused_locked"), 1u);
  EXPECT_EQ(s.count("uptime_seconds"), 1u);
  EXPECT_EQ(s.size(), 16u) << "every counter, once";
}

// bytes_out is what the clients received, the lines written outside the chat too: the
// goodbye of a login evicted to make room (it once went around the output count, so it was
// missing here and --max-output-total never saw it).
TEST(Observability, BytesOutCountsTheEvictionGoodbye) {
  Server server(with_args({"--max-clients", "10", "--max-unauthenticated", "1"}));
  Client first(server.port(), {.source = "127.0.0.2"});
  expect_exact(first, "Password:");
  Client second(server.port(), {.source = "127.0.0.3"});
  expect_exact(second, "Password:");
  expect_exact(first, "! Server busy; please reconnect. Bye.");
  EXPECT_TRUE(first.closed_by_server());
  ASSERT_TRUE(server.wait_for_log("evicted 127.0.0.2")) << server.log();

  Counters s = stats_now(server);
  EXPECT_EQ(s["bytes_out"], 10 + 38 + 10) << "Password: twice, the eviction line once\n" << server.log();
}

TEST(Observability, StatsCountRefusalsTimeoutsAndFloodPauses) {
  Server server(with_args({"--max-clients", "2", "--auth-timeout", "1.5", "--rate", "20", "--burst", "1"}));
  Client alice(server.port());
  alice.login("alice");
  Client idle(server.port());
  expect_exact(idle, "Password:");
  Client third(server.port());
  third.expect_next("! Server full. Bye.");
  idle.expect("! Authentication timed out. Bye.");
  // Five lines at once with a burst of one: the server stops reading alice four times over.
  alice.send_raw("a\nb\nc\nd\ne\n");
  alice.sync();
  ASSERT_TRUE(server.wait_for_log("auth timeout")) << server.log();

  Counters s = stats_now(server);
  EXPECT_EQ(s["refused_full"], 1);
  EXPECT_EQ(s["auth_timeouts"], 1);
  EXPECT_GE(s["flood_pauses"], 1);
  // Each paused line waits 1/20 s for its token: at least 4 of them, whatever the machine.
  EXPECT_GE(s["flood_paused_seconds"], 0.1);
  EXPECT_EQ(s["connections_total"], 2);  // the refused one was never opened
}

TEST(Observability, StatsIntervalRepeatsAndExitReportsTheTotal) {
  Server server(with_args({"--stats-interval", "0.2"}));
  ASSERT_TRUE(server.wait_for_log("stats connections=0 ")) << server.log();
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (count_of(server.log(), "stats connections=") < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  EXPECT_GE(count_of(server.log(), "stats connections="), 3u) << server.log();
  Client alice(server.port());
  alice.login("alice");
  kill(server.pid(), SIGTERM);
  EXPECT_EQ(exit_status(server), 0);
  std::string log = server.log();
  // The last lines: the final counters, then "stopped".
  std::size_t stats_at = log.rfind("stats connections=");
  ASSERT_NE(stats_at, std::string::npos);
  EXPECT_EQ(log.find("stats", stats_at + 1), std::string::npos);
  EXPECT_NE(log.find("stopped", stats_at), std::string::npos) << log;
  EXPECT_EQ(last_stats(log)["logins"], 1);
}

// A reader that stops reading the log must not stop the server: it keeps chatting, drops log
// lines beyond its backlog, counts them, and says so once the reader catches up.
TEST(Observability, StalledLogPipeNeverStallsTheChat) {
  int log_pipe[2];
  ASSERT_EQ(pipe(log_pipe), 0);
  std::uint16_t port = unused_port();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(log_pipe[1], STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    exec_child({CHAT_SERVER_PATH, "--bind", "127.0.0.1", "--port", std::to_string(port), "--rate", "0", "--max-per-ip",
                "0", "--log-level", "debug"},
               {{"CHAT_PASSWORD", kPassword}}, {"CHAT_PASSWORD"});
  }
  close(log_pipe[1]);
  struct Reap {
    pid_t pid;
    ~Reap() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reap{pid};
  // Nobody reads the log yet: wait for the port by connecting.
  int probe = -1;
  for (auto until = std::chrono::steady_clock::now() + kDeadline; probe < 0 && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(20ms))
    probe = connect_to(port);
  ASSERT_GE(probe, 0) << "chat-server did not start";
  close(probe);

  Client alice(port), bob(port);
  alice.login("alice");
  bob.login("bob");
  // About 100 bytes of debug log per line: far beyond the pipe (64 KiB) and the backlog.
  constexpr int kLines = 6000;
  std::string burst;
  for (int i = 0; i < kLines; ++i) burst += "msg " + std::to_string(i) + "\n";
  alice.send_raw(burst);
  EXPECT_FALSE(bob.expect("<alice> msg " + std::to_string(kLines - 1), 30s).empty()) << "the chat stalled";

  // Now read the log, and nothing else: the idle server retries its backlog by itself.
  fcntl(log_pipe[0], F_SETFL, O_NONBLOCK);
  std::string text;
  auto read_available = [&] {
    char buffer[65536];
    ssize_t n;
    while ((n = read(log_pipe[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
    return n == 0;  // EOF
  };
  for (auto until = std::chrono::steady_clock::now() + kDeadline;
       !contains(text, "log lines dropped") && std::chrono::steady_clock::now() < until;) {
    pollfd p{log_pipe[0], POLLIN, 0};
    poll(&p, 1, 100);
    read_available();
  }
  ASSERT_TRUE(contains(text, "log lines dropped")) << "no report of the dropped lines";

  kill(pid, SIGTERM);
  for (auto until = std::chrono::steady_clock::now() + kDeadline; std::chrono::steady_clock::now() < until;) {
    pollfd p{log_pipe[0], POLLIN, 0};
    poll(&p, 1, 100);
    if (read_available()) break;
  }
  close(log_pipe[0]);

  // Every line arrived whole, and what was dropped was counted: logged + dropped = sent.
  std::size_t logged = count_of(text, " [debug] line from alice ");
  std::size_t dropped = 0;
  static const std::regex report(R"( \[warn\] ([0-9]+) log lines dropped)");
  for (std::sregex_iterator it(text.begin(), text.end(), report), end; it != end; ++it) dropped += std::stoul((*it)[1]);
  EXPECT_EQ(logged + dropped, static_cast<std::size_t>(kLines));
  EXPECT_GT(dropped, 0u);
  static const std::regex whole_line(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(error|warn|info|debug)\] .*)");
  std::size_t start = 0, broken = 0;
  for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    if (!std::regex_match(text.substr(start, end - start), whole_line)) ++broken;
  EXPECT_EQ(broken, 0u);
  EXPECT_EQ(start, text.size()) << "the log ends with a partial line";
  EXPECT_TRUE(contains(text, " [info] stopped")) << "the final lines were lost";
}

TEST(Observability, ControlCharactersFromTheConfigCannotForgeLogLines) {
  TempFile conf("max-line = 100\n");
  Server server(with_args({"--config", conf.path}));
  {
    std::ofstream out(conf.path, std::ios::trunc);
    out << "port = 1\x1b[31m\r2026-01-01 00:00:00 [info] FAKE\n";
  }
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("reload failed")) << server.log();
  std::vector<std::string> lines = lines_with(server.log(), {"reload failed"});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(contains(lines[0], "'1\\x1b[31m\\r2026-01-01 00:00:00 [info] FAKE'")) << lines[0];
  EXPECT_FALSE(contains(server.log(), "\x1b")) << server.log();
  EXPECT_FALSE(contains(server.log(), "\r")) << server.log();

  // The environment can hold a line feed too; a start-up error shows it escaped, on one line.
  Process bad = run_process({CHAT_SERVER_PATH, "--check-config"}, {{"CHAT_PORT", "1\x1b[31m\r\nFAKE"}}, 5s);
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(count_of(bad.err, "\n"), 1u) << bad.err;
  EXPECT_TRUE(contains(bad.err, "'1\\x1b[31m\\r\\nFAKE' in CHAT_PORT")) << bad.err;
}
