// chat-client as a pipe client (stdin not a terminal) against the real server: login from
// stdin, flags or the environment; the server's lines on stdout; exit statuses.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// A chat-client whose stdin and stdout are pipes held by the test; stderr goes to a file.
class PipedClient {
 public:
  explicit PipedClient(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    args.insert(args.begin(), CHAT_CLIENT_PATH);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in_pipe[0], STDIN_FILENO);
      dup2(out_pipe[1], STDOUT_FILENO);
      int err_fd = open(err_file_.path.c_str(), O_WRONLY | O_TRUNC);
      dup2(err_fd, STDERR_FILENO);
      exec_child(args, env, {"CHAT_PASSWORD", "NO_COLOR"});
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    stdin_ = in_pipe[1];
    stdout_ = out_pipe[0];
    fcntl(stdout_, F_SETFL, fcntl(stdout_, F_GETFL) | O_NONBLOCK);
  }

  ~PipedClient() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close_stdin();
    if (stdout_ >= 0) close(stdout_);
  }

  void write_stdin(std::string_view text) {
    while (!text.empty()) {
      ssize_t n = ::write(stdin_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0) << "writing to the client's stdin failed";
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  void close_stdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }

  // Waits until stdout holds a line containing `needle`.
  bool wait_for_output(std::string_view needle, Duration deadline = kDeadline) {
    auto until = Clock::now() + deadline;
    while (out_.find(needle) == std::string::npos) {
      if (!drain(until)) return out_.find(needle) != std::string::npos;
    }
    return true;
  }

  // Waits for the exit and returns its status (-1: killed by a signal or still running at the deadline).
  int wait_exit(Duration deadline = kDeadline) {
    auto until = Clock::now() + deadline;
    while (pid_ > 0 && Clock::now() < until) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      drain(std::min(until, Clock::now() + std::chrono::milliseconds(20)));
    }
    while (drain(Clock::now() + std::chrono::milliseconds(200))) {
    }
    if (pid_ > 0) ADD_FAILURE() << "chat-client did not exit; stdout so far:\n" << out_;
    return pid_ > 0 ? -1 : status_;
  }

  const std::string& out() const { return out_; }
  std::string err() const { return read_file(err_file_.path); }
  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  // Reads what stdout has; false at EOF or at the deadline.
  bool drain(Clock::time_point until) {
    if (stdout_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    pollfd p{stdout_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) return false;
    char buf[65536];
    ssize_t n = read(stdout_, buf, sizeof buf);
    if (n <= 0) {
      close(stdout_);
      stdout_ = -1;
      return false;
    }
    out_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1;
  int status_ = -1;
  std::string out_;
  TempFile err_file_;  // the client's stderr
};

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

}  // namespace

TEST(ClientPipe, LogsInFromStdinSendsItsLinesAndExitsZero) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(at(server));
  alice.write_stdin(std::string(kPassword) + "\nalice\nhello bob\n");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  bob.expect("* alice joined the chat");
  EXPECT_EQ(strip_timestamp(bob.expect("hello bob")), "<alice> hello bob");
  bob.expect("* alice disconnected");
  auto lines = alice.out_lines();
  ASSERT_GE(lines.size(), 4u) << alice.out();
  EXPECT_EQ(lines[0], "Password:");
  EXPECT_EQ(lines[1], "Username:");
  EXPECT_EQ(strip_timestamp(lines[2]).substr(0, 17), "* Welcome, alice!");
  EXPECT_FALSE(contains(alice.out(), "hello bob")) << "a pipe prints the server's lines only";
  EXPECT_EQ(alice.err(), "");
}

TEST(ClientPipe, PasswordFromTheEnvironmentNameFromTheFlag) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(with(at(server), {"--name", "alice"}), {{"CHAT_PASSWORD", kPassword}});
  alice.write_stdin("@privado:bob psst\n");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  EXPECT_EQ(strip_timestamp(bob.expect("psst")), "[private] <alice> psst");
  EXPECT_TRUE(contains(alice.out(), "[private to bob] <alice> psst")) << alice.out();
}

TEST(ClientPipe, PasswordFromAFile) {
  Server server;
  TempFile file(std::string(kPassword) + "\n");
  PipedClient alice(with(at(server), {"--password-file", file.path, "--name", "alice"}),
                    {{"CHAT_PASSWORD", "the-file-wins"}});
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  EXPECT_TRUE(contains(alice.out(), "* Welcome, alice!")) << alice.out();
}

TEST(ClientPipe, PrintsPublicPrivateAndNoticeLinesAsTheServerSendsThem) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(with(at(server), {"--name", "alice"}), {{"CHAT_PASSWORD", kPassword}});
  ASSERT_TRUE(alice.wait_for_output("* Welcome, alice!")) << alice.out();
  bob.expect("* alice joined the chat");
  bob.send_line("hi alice");
  bob.send_line("@privado:alice psst");
  alice.write_stdin("@nope\n");
  ASSERT_TRUE(alice.wait_for_output("unknown command")) << alice.out();
  ASSERT_TRUE(alice.wait_for_output("[private] <bob> psst")) << alice.out();
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0);
  std::vector<std::string> seen;
  for (auto& line : alice.out_lines()) seen.emplace_back(strip_timestamp(line));
  auto has = [&](const std::string& want) { return std::find(seen.begin(), seen.end(), want) != seen.end(); };
  EXPECT_TRUE(has("<bob> hi alice")) << alice.out();
  EXPECT_TRUE(has("[private] <bob> psst")) << alice.out();
  EXPECT_TRUE(has("! unknown command '@nope' (try @ajuda)")) << alice.out();
  EXPECT_EQ(alice.out().find('\x1b'), std::string::npos) << "no colours into a pipe";
}

TEST(ClientPipe, WrongPasswordIsReportedWithANonZeroStatus) {
  Server server;
  PipedClient alice(at(server));
  alice.write_stdin("not-the-password\nalice\n");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 3);
  EXPECT_TRUE(contains(alice.out(), "! Wrong password. Bye.")) << alice.out();
  EXPECT_EQ(alice.err(), "chat-client: wrong password\n");
}

TEST(ClientPipe, ARefusedNameIsFollowedByTheNextLine) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(at(server));
  alice.write_stdin(std::string(kPassword) + "\nBOB\nalice\nhere I am\n");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  EXPECT_TRUE(contains(alice.out(), "! name 'BOB' is taken\nUsername:\n")) << alice.out();
  EXPECT_TRUE(contains(alice.out(), "* Welcome, alice!")) << alice.out();
  EXPECT_EQ(strip_timestamp(bob.expect("here I am")), "<alice> here I am");
}

TEST(ClientPipe, ARefusedNameFromTheFlagEndsTheClient) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(with(at(server), {"--name", "bob"}), {{"CHAT_PASSWORD", kPassword}});
  alice.write_stdin("this line is not a name\n");
  EXPECT_EQ(alice.wait_exit(), 3);
  EXPECT_EQ(alice.err(), "chat-client: name refused: name 'bob' is taken\n");
  EXPECT_TRUE(bob.sync().empty()) << "nothing reached the room";
}

TEST(ClientPipe, StdinEndingBeforeTheLoginIsAnError) {
  Server server;
  PipedClient alice(at(server));
  alice.write_stdin(std::string(kPassword) + "\n");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 3);
  EXPECT_EQ(alice.err(), "chat-client: standard input ended before the login was complete (no name; see --name)\n");
}

TEST(ClientPipe, SairExitsZeroAfterTheGoodbyeEvenWithStdinOpen) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(at(server));
  alice.write_stdin(std::string(kPassword) + "\nalice\n@sair\n");  // stdin stays open
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  EXPECT_EQ(strip_timestamp(alice.out_lines().back()), "* Bye, alice!");
  bob.expect("* alice left the chat");
}

TEST(ClientPipe, AfterEndOfInputEveryLineIsDeliveredBeforeExiting) {
  // More lines than the server's flood burst (50): the server paces them, and the client must
  // wait for all of them to be processed, not exit when its own writing is done.
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PipedClient alice(with(at(server), {"--name", "alice"}), {{"CHAT_PASSWORD", kPassword}});
  std::string lines;
  for (int i = 0; i < 80; ++i) lines += "line " + std::to_string(i) + "\n";
  alice.write_stdin(lines);
  alice.write_stdin("the last line has no newline");
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(std::chrono::seconds(60)), 0) << alice.err();
  bob.expect("* alice joined the chat");
  for (int i = 0; i < 80; ++i)
    EXPECT_EQ(strip_timestamp(bob.expect_next("line ")), "<alice> line " + std::to_string(i));
  EXPECT_EQ(strip_timestamp(bob.expect_next("the last line")), "<alice> the last line has no newline");
  bob.expect_next("* alice disconnected");
}

TEST(ClientPipe, TheServerShuttingDownIsAConnectionLost) {
  Server server;
  PipedClient alice(with(at(server), {"--name", "alice"}), {{"CHAT_PASSWORD", kPassword}});
  ASSERT_TRUE(alice.wait_for_output("* Welcome, alice!")) << alice.out();
  EXPECT_EQ(server.stop(SIGTERM), 0);
  EXPECT_EQ(alice.wait_exit(), 1);
  EXPECT_TRUE(contains(alice.out(), "* Server is shutting down")) << alice.out();
  EXPECT_EQ(alice.err(), "chat-client: connection lost\n");
}

TEST(ClientPipe, NoServerIsReported) {
  PipedClient alice({"127.0.0.1", std::to_string(unused_port())});
  EXPECT_EQ(alice.wait_exit(), 1);
  EXPECT_TRUE(contains(alice.err(), "cannot connect to 127.0.0.1:")) << alice.err();
}

TEST(ClientPipe, LocalhostIsTheDefaultHostName) {
  Server server;  // listens on 127.0.0.1 only
  PipedClient alice({"localhost", std::to_string(server.port()), "--name", "alice"}, {{"CHAT_PASSWORD", kPassword}});
  alice.close_stdin();
  EXPECT_EQ(alice.wait_exit(), 0) << alice.err();
  EXPECT_TRUE(contains(alice.out(), "* Welcome, alice!")) << alice.out();
}

TEST(ClientPipe, HelpVersionAndBadFlags) {
  Process help = run_process({CHAT_CLIENT_PATH, "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_TRUE(contains(help.out, "Usage: chat-client [OPTIONS] [HOST] [PORT]")) << help.out;
  Process version = run_process({CHAT_CLIENT_PATH, "--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, std::string("chat-client ") + CHAT_VERSION + "\n");
  Process bad = run_process({CHAT_CLIENT_PATH, "--bogus"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(contains(bad.err, "unknown option '--bogus'")) << bad.err;
  Process port = run_process({CHAT_CLIENT_PATH, "localhost", "http"});
  EXPECT_EQ(port.status, 2);
}
