// chat-client in a pseudo-terminal (forkpty) against the real server: what a person sees.
// The pty's output is fed to a small screen model (enough of a VT100 for what the client
// writes), so tests assert on screen rows and on the line the cursor is on.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// A screen with unlimited scrollback: rows of cells (one UTF-8 character each), a cursor,
// and the few controls the client uses: CR, LF, BS, ESC[nC/D, ESC[K, ESC[H, ESC[2J, SGR.
class Screen {
 public:
  explicit Screen(int columns) : columns_(columns) {}

  void feed(std::string_view bytes) {
    for (char ch : bytes) step(static_cast<unsigned char>(ch));
  }

  std::string row(std::size_t i) const {
    if (i >= rows_.size()) return "";
    std::string line;
    for (const auto& glyph : rows_[i]) line += glyph;
    return line.substr(0, line.find_last_not_of(' ') + 1);
  }
  std::string cursor_row() const { return row(row_); }
  std::size_t cursor_column() const { return col_; }
  std::size_t row_count() const { return rows_.size(); }
  std::string text() const {
    std::string all;
    for (std::size_t i = 0; i < rows_.size(); ++i) all += row(i) + "\n";
    return all;
  }

 private:
  void step(unsigned char c) {
    if (state_ == State::Esc) {
      state_ = c == '[' ? State::Csi : State::Text;
      params_.clear();
      return;
    }
    if (state_ == State::Csi) {
      if (c >= 0x30 && c <= 0x3F) {
        params_ += static_cast<char>(c);
        return;
      }
      state_ = State::Text;
      csi(static_cast<char>(c));
      return;
    }
    switch (c) {
      case 0x1b: state_ = State::Esc; return;
      case '\r': col_ = 0; return;
      case '\n': ++row_; return;
      case '\b': col_ = col_ > 0 ? col_ - 1 : 0; return;
      case '\a': return;
      default: break;
    }
    if (c < 0x20) return;
    if ((c & 0xC0) == 0x80) {  // UTF-8 continuation: part of the previous cell
      if (col_ > 0) cell(row_, col_ - 1) += static_cast<char>(c);
      return;
    }
    if (col_ >= static_cast<std::size_t>(columns_)) {  // autowrap
      col_ = 0;
      ++row_;
    }
    cell(row_, col_) = std::string(1, static_cast<char>(c));
    ++col_;
  }

  void csi(char final_byte) {
    // The leading number, as a terminal reads it: 1 when there is no parameter, 0 when it does
    // not start with a digit ("?25"); from_chars leaves n alone when it finds no number.
    int n = params_.empty() ? 1 : 0;
    (void)std::from_chars(params_.data(), params_.data() + params_.size(), n);
    switch (final_byte) {
      case 'C': col_ = std::min<std::size_t>(col_ + n, columns_ - 1); break;
      case 'D': col_ = col_ >= static_cast<std::size_t>(n) ? col_ - n : 0; break;
      case 'K':
        if (row_ < rows_.size() && rows_[row_].size() > col_) rows_[row_].resize(col_);
        break;
      case 'J':
        if (params_ == "2") rows_.clear();
        break;
      case 'H': row_ = col_ = 0; break;
      default: break;  // SGR and the rest change no text
    }
  }

  std::string& cell(std::size_t r, std::size_t c) {
    if (rows_.size() <= r) rows_.resize(r + 1);
    if (rows_[r].size() <= c) rows_[r].resize(c + 1, " ");
    return rows_[r][c];
  }

  enum class State { Text, Esc, Csi };
  int columns_;
  std::vector<std::vector<std::string>> rows_;
  std::size_t row_ = 0, col_ = 0;
  State state_ = State::Text;
  std::string params_;
};

struct ExitStatus {
  bool exited = false;
  int code = -1;   // when exited
  int signal = 0;  // when killed by a signal
};

// chat-client on the slave side of a pseudo-terminal; the test holds the master.
class PtyClient {
 public:
  explicit PtyClient(std::vector<std::string> args, const std::map<std::string, std::string>& env = {},
                     int columns = 80)
      : screen_(columns) {
    winsize ws{};
    ws.ws_row = 24;
    ws.ws_col = static_cast<unsigned short>(columns);
    args.insert(args.begin(), CHAT_CLIENT_PATH);
    pid_ = forkpty(&master_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      rlimit no_core{0, 0};
      setrlimit(RLIMIT_CORE, &no_core);
      setenv("TERM", "xterm", 1);  // unless `env` says otherwise
      exec_child(args, env, {"CHAT_PASSWORD", "NO_COLOR"});
    }
    if (pid_ < 0) ADD_FAILURE() << "forkpty failed";
    fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
  }

  ~PtyClient() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }

  void type(std::string_view keys) {
    while (!keys.empty()) {
      ssize_t n = write(master_, keys.data(), keys.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      ASSERT_GT(n, 0) << "writing to the pty failed";
      keys.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // Waits until the screen shows `needle` somewhere.
  bool wait_for(std::string_view needle, Duration deadline = kDeadline) {
    return wait_until([&] { return screen_.text().find(needle) != std::string::npos; }, deadline);
  }
  // Waits until the row with the cursor reads exactly `text` (the input line).
  bool wait_for_input_line(std::string_view text, Duration deadline = kDeadline) {
    return wait_until([&] { return screen_.cursor_row() == text; }, deadline);
  }
  template <class Predicate>
  bool wait_until(Predicate done, Duration deadline = kDeadline) {
    auto until = Clock::now() + deadline;
    while (!done()) {
      if (!read_some(until)) return done();
    }
    return true;
  }

  ExitStatus wait_exit(Duration deadline = kDeadline) {
    ExitStatus result;
    auto until = Clock::now() + deadline;
    while (pid_ > 0 && Clock::now() < until) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        result.exited = WIFEXITED(status);
        result.code = result.exited ? WEXITSTATUS(status) : -1;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        exit_ = result;
        break;
      }
      read_some(std::min(until, Clock::now() + std::chrono::milliseconds(20)));
    }
    while (read_some(Clock::now() + std::chrono::milliseconds(100))) {
    }
    if (pid_ > 0) ADD_FAILURE() << "chat-client did not exit; screen:\n" << screen_.text();
    return exit_;
  }

  // The terminal's modes, as the client left them (the master sees the slave's termios).
  termios modes() const {
    termios t{};
    tcgetattr(master_, &t);
    return t;
  }
  bool in_raw_mode() const { return (modes().c_lflag & (ICANON | ECHO)) == 0; }
  bool in_cooked_mode_with_echo() const {
    tcflag_t flags = modes().c_lflag;
    return (flags & ICANON) && (flags & ECHO) && (flags & ISIG) && (modes().c_iflag & ICRNL);
  }

  void resize(int columns) {
    winsize ws{};
    ws.ws_row = 24;
    ws.ws_col = static_cast<unsigned short>(columns);
    ioctl(master_, TIOCSWINSZ, &ws);
  }

  // Closes the terminal, as closing a terminal window does: the client gets SIGHUP.
  void hang_up() {
    close(master_);
    master_ = -1;
  }

  pid_t pid() const { return pid_; }
  const Screen& screen() const { return screen_; }
  const std::string& raw() const { return raw_; }

 private:
  bool read_some(Clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left < 0) return false;
    if (master_ < 0) {  // hung up: nothing to read, just let time pass
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(left, 10)));
      return false;
    }
    pollfd p{master_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[4096];
    ssize_t n = read(master_, buf, sizeof buf);
    if (n <= 0) {
      // Else EIO: the client closed the terminal (exited).
      return n < 0 && (errno == EAGAIN || errno == EINTR);
    }
    raw_.append(buf, static_cast<std::size_t>(n));
    screen_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  Screen screen_;
  std::string raw_;
  ExitStatus exit_;
};

// A client logged in as alice (password from the environment, name from the flag).
std::unique_ptr<PtyClient> logged_in_alice(const Server& server, std::map<std::string, std::string> env = {},
                                           std::vector<std::string> flags = {}) {
  env["CHAT_PASSWORD"] = kPassword;
  std::vector<std::string> args = at(server);
  args.emplace_back("--name");
  args.emplace_back("alice");
  args.insert(args.end(), flags.begin(), flags.end());
  auto alice = std::make_unique<PtyClient>(args, env);
  EXPECT_TRUE(alice->wait_for("* Welcome, alice!")) << alice->screen().text();
  EXPECT_TRUE(alice->wait_for_input_line(">")) << alice->screen().text();
  return alice;
}

}  // namespace

TEST(ClientPty, AsksForThePasswordWithoutEchoThenAsksAgainForARefusedName) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PtyClient alice(at(server));
  ASSERT_TRUE(alice.wait_for_input_line("Password:")) << alice.screen().text();
  EXPECT_TRUE(alice.in_raw_mode());
  alice.type(std::string(kPassword) + "\r");
  ASSERT_TRUE(alice.wait_for_input_line("Username:")) << alice.screen().text();
  EXPECT_FALSE(contains(alice.screen().text(), kPassword)) << "the password was shown:\n" << alice.screen().text();
  EXPECT_FALSE(contains(alice.raw(), kPassword));
  alice.type("bob\r");
  ASSERT_TRUE(alice.wait_for("! name 'bob' is taken")) << alice.screen().text();
  ASSERT_TRUE(alice.wait_for_input_line("Username:")) << alice.screen().text();
  alice.type("alice\r");
  ASSERT_TRUE(alice.wait_for("* Welcome, alice!")) << alice.screen().text();
  bob.expect("* alice joined the chat");
  // The login stays readable above the chat, as a terminal would leave it.
  std::string screen = alice.screen().text();
  EXPECT_TRUE(contains(screen, "Password:\nUsername: bob\n! name 'bob' is taken\nUsername: alice\n")) << screen;
}

TEST(ClientPty, AWrongPasswordIsReportedPlainlyWithANonZeroStatus) {
  Server server;
  PtyClient alice(at(server));
  ASSERT_TRUE(alice.wait_for_input_line("Password:")) << alice.screen().text();
  alice.type("guess\r");
  ExitStatus status = alice.wait_exit();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 3);
  EXPECT_TRUE(contains(alice.screen().text(), "chat-client: wrong password")) << alice.screen().text();
  EXPECT_TRUE(alice.in_cooked_mode_with_echo()) << "the terminal was not restored";
}

TEST(ClientPty, ShowsOwnPublicPrivateNoticeAndErrorLinesEachInItsOwnStyle) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  ASSERT_TRUE(alice->wait_for("* bob joined the chat"));
  bob.send_line("hi alice");
  ASSERT_TRUE(alice->wait_for("<bob> hi alice")) << alice->screen().text();
  bob.send_line("@privado:alice psst");
  ASSERT_TRUE(alice->wait_for("[private] <bob> psst")) << alice->screen().text();
  alice->type("hello bob\r");
  EXPECT_EQ(strip_timestamp(bob.expect("hello bob")), "<alice> hello bob");
  ASSERT_TRUE(alice->wait_for("<alice> hello bob")) << "own lines are shown locally:\n" << alice->screen().text();
  alice->type("@privado:bob back at you\r");
  ASSERT_TRUE(alice->wait_for("[private to bob] <alice> back at you")) << alice->screen().text();
  alice->type("@nope\r");
  ASSERT_TRUE(alice->wait_for("! unknown command '@nope' (try @ajuda)")) << alice->screen().text();

  const std::string& raw = alice->raw();
  EXPECT_TRUE(contains(raw, "\x1b[36m* bob joined the chat")) << "notices are cyan";
  EXPECT_TRUE(contains(raw, "\x1b[1;35m[private]")) << "private messages are magenta";
  EXPECT_TRUE(contains(raw, "\x1b[35m[private to bob] <alice>")) << "private echoes are magenta";
  EXPECT_TRUE(contains(raw, "\x1b[1;31m! unknown command")) << "errors are bold red";
  EXPECT_TRUE(contains(raw, "\x1b[1;32m<alice>")) << "one's own name is bold green";
  EXPECT_TRUE(contains(raw, "<bob>\x1b[0m hi alice")) << "other names are coloured";
  // Exactly one copy of the own line: the server does not echo it, the client shows it once.
  std::string screen = alice->screen().text();
  EXPECT_EQ(screen.find("<alice> hello bob"), screen.rfind("<alice> hello bob")) << screen;
}

TEST(ClientPty, NoColorAndTheFlagTurnColoursOff) {
  for (bool by_flag : {false, true}) {
    Server server;
    auto alice = by_flag ? logged_in_alice(server, {}, {"--no-color"}) : logged_in_alice(server, {{"NO_COLOR", "1"}});
    Client bob(server.port());
    bob.login("bob");
    bob.send_line("@privado:alice psst");
    ASSERT_TRUE(alice->wait_for("[private] <bob> psst")) << alice->screen().text();
    EXPECT_FALSE(contains(alice->raw(), "m[private]")) << "by flag: " << by_flag;
    EXPECT_FALSE(contains(alice->raw(), "\x1b[1;3")) << "by flag: " << by_flag;
    EXPECT_FALSE(contains(alice->raw(), "\x1b[3")) << "by flag: " << by_flag;
  }
}

TEST(ClientPty, AHalfTypedLineSurvivesIncomingMessages) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  ASSERT_TRUE(alice->wait_for("* bob joined the chat"));
  alice->type("half-typed");
  ASSERT_TRUE(alice->wait_for_input_line("> half-typed")) << alice->screen().text();
  for (int i = 1; i <= 3; ++i) bob.send_line("interruption " + std::to_string(i));
  ASSERT_TRUE(alice->wait_for("<bob> interruption 3")) << alice->screen().text();
  ASSERT_TRUE(alice->wait_for_input_line("> half-typed")) << alice->screen().text();
  EXPECT_EQ(alice->screen().cursor_column(), std::string("> half-typed").size());
  // Every message is on a row of its own, none mixed with the typed text.
  std::string screen = alice->screen().text();
  for (int i = 1; i <= 3; ++i) {
    std::string row_text;
    for (std::size_t r = 0; r < alice->screen().row_count(); ++r)
      if (contains(alice->screen().row(r), "interruption " + std::to_string(i))) row_text = alice->screen().row(r);
    EXPECT_EQ(strip_timestamp(row_text), "<bob> interruption " + std::to_string(i)) << screen;
  }
  EXPECT_EQ(screen.find("half-typed"), screen.rfind("half-typed")) << "one copy of the input line:\n" << screen;
  alice->type(" line\r");
  EXPECT_EQ(strip_timestamp(bob.expect("half-typed")), "<alice> half-typed line");
}

TEST(ClientPty, EditingKeysAndHistory) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  ASSERT_TRUE(alice->wait_for("* bob joined the chat"));
  alice->type("helo\x1b[Dl\x01I said: \x05!\r");  // Left, insert, Ctrl-A, insert, Ctrl-E
  EXPECT_EQ(strip_timestamp(bob.expect("said")), "<alice> I said: hello!");
  alice->type("one two\x17three\r");  // Ctrl-W
  EXPECT_EQ(strip_timestamp(bob.expect("three")), "<alice> one three");
  alice->type(
      "junk\x15"
      "clean\r");  // Ctrl-U
  EXPECT_EQ(strip_timestamp(bob.expect("clean")), "<alice> clean");
  alice->type("\x1b[A\x1b[A\x1b[A");  // Up three times: the first line
  ASSERT_TRUE(alice->wait_for_input_line("> I said: hello!")) << alice->screen().text();
  alice->type("\x1b[B\x7f\x7f\r");  // Down, Backspace twice
  EXPECT_EQ(strip_timestamp(bob.expect("one th")), "<alice> one thr");
}

TEST(ClientPty, ALongLineScrollsWithinTheTerminalWidth) {
  Server server;
  auto alice = logged_in_alice(server);
  alice->resize(20);
  std::string text = "abcdefghijklmnopqrstuvwxyz0123456789";
  alice->type(text);
  ASSERT_TRUE(alice->wait_for_input_line("> " + text.substr(text.size() - 17))) << alice->screen().text();
  alice->type("\x01");
  ASSERT_TRUE(alice->wait_for_input_line("> " + text.substr(0, 17))) << alice->screen().text();
}

TEST(ClientPty, SairLeavesWithStatusZeroAfterTheGoodbye) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  EXPECT_TRUE(alice->in_raw_mode());
  alice->type("@sair\r");
  ExitStatus status = alice->wait_exit();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 0);
  EXPECT_TRUE(contains(alice->screen().text(), "* Bye, alice!")) << alice->screen().text();
  bob.expect("* alice left the chat");
  EXPECT_TRUE(alice->in_cooked_mode_with_echo()) << "the terminal was not restored";
}

TEST(ClientPty, CtrlDSendsSair) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  alice->type("\x04");
  ExitStatus status = alice->wait_exit();
  EXPECT_EQ(status.code, 0);
  EXPECT_TRUE(contains(alice->screen().text(), "* Bye, alice!")) << alice->screen().text();
  bob.expect("* alice left the chat");
  EXPECT_TRUE(alice->in_cooked_mode_with_echo());
}

TEST(ClientPty, CtrlCLeavesCleanly) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  alice->type("something half-typed\x03");
  ExitStatus status = alice->wait_exit();
  EXPECT_EQ(status.code, 0);
  bob.expect("* alice left the chat");
  EXPECT_TRUE(alice->in_cooked_mode_with_echo());
  EXPECT_EQ(alice->screen().cursor_row(), "") << "the input line is cleared on exit:\n" << alice->screen().text();
}

TEST(ClientPty, SigtermLeavesCleanly) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  kill(alice->pid(), SIGTERM);
  ExitStatus status = alice->wait_exit();
  EXPECT_EQ(status.code, 0);
  bob.expect("* alice left the chat");
  EXPECT_TRUE(alice->in_cooked_mode_with_echo());
}

TEST(ClientPty, ClosingTheTerminalLeavesTheChat) {
  Server server;
  auto alice = logged_in_alice(server);
  Client bob(server.port());
  bob.login("bob");
  ASSERT_TRUE(alice->wait_for("* bob joined the chat"));
  alice->hang_up();
  bob.expect("* alice left the chat");
  ExitStatus status = alice->wait_exit();
  EXPECT_TRUE(status.exited) << "killed by signal " << status.signal;
  EXPECT_EQ(status.code, 0);
}

TEST(ClientPty, TheServerGoingAwayIsReportedWithANonZeroStatus) {
  Server server;
  auto alice = logged_in_alice(server);
  alice->type("unsent");
  EXPECT_EQ(server.stop(SIGTERM), 0);
  ExitStatus status = alice->wait_exit();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 1);
  std::string screen = alice->screen().text();
  EXPECT_TRUE(contains(screen, "* Server is shutting down")) << screen;
  EXPECT_TRUE(contains(screen, "chat-client: connection lost")) << screen;
  EXPECT_TRUE(alice->in_cooked_mode_with_echo());
}

TEST(ClientPty, AFatalSignalStillRestoresTheTerminal) {
  Server server;
  auto alice = logged_in_alice(server);
  ASSERT_TRUE(alice->in_raw_mode());
  kill(alice->pid(), SIGABRT);
  ExitStatus status = alice->wait_exit();
  EXPECT_FALSE(status.exited);
  EXPECT_EQ(status.signal, SIGABRT) << "the handler re-raises: the process still dies of the signal";
  EXPECT_TRUE(alice->in_cooked_mode_with_echo()) << "the terminal was not restored";
}

TEST(ClientPty, ADumbTerminalGetsPlainLinesAndStillWorks) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  PtyClient alice(at(server), {{"TERM", "dumb"}});
  ASSERT_TRUE(alice.wait_for("Password:")) << alice.screen().text();
  EXPECT_FALSE(alice.in_raw_mode());
  EXPECT_EQ(alice.modes().c_lflag & ECHO, 0u) << "the password is typed without echo";
  alice.type(std::string(kPassword) + "\r");
  ASSERT_TRUE(alice.wait_for("Username:")) << alice.screen().text();
  EXPECT_FALSE(contains(alice.raw(), kPassword));
  alice.type("alice\r");
  ASSERT_TRUE(alice.wait_for("* Welcome, alice!")) << alice.screen().text();
  bob.send_line("hi alice");
  ASSERT_TRUE(alice.wait_for("<bob> hi alice")) << alice.screen().text();
  alice.type("hello bob\r");
  EXPECT_EQ(strip_timestamp(bob.expect("hello bob")), "<alice> hello bob");
  alice.type("\x04");  // Ctrl-D at the start of a line: end of input, which leaves
  ExitStatus status = alice.wait_exit();
  EXPECT_EQ(status.code, 0);
  bob.expect("* alice left the chat");
  EXPECT_EQ(alice.raw().find('\x1b'), std::string::npos) << "no escape sequences on a dumb terminal";
  EXPECT_TRUE(alice.in_cooked_mode_with_echo());
}
