// Integration-test harness: starts the real chat-server on an ephemeral port and talks to it
// over real sockets. Deadlines are generous limits for waiting, never speed measurements.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harness {

using namespace std::chrono_literals;
using Duration = std::chrono::milliseconds;

inline constexpr const char* kPassword = "s3cret";
// A generous deadline for anything that should happen "at once".
inline constexpr Duration kDeadline = 10s;
// How long a server may take to exit after SIGTERM at the end of a test (its orderly shutdown
// flushes clients for up to about 2 s; sanitizers slow it further).
inline constexpr Duration kShutdownDeadline = 10s;

struct ServerConfig {
  std::vector<std::string> args;  // extra flags
  std::map<std::string, std::string> env = {{"CHAT_PASSWORD", kPassword}};
  std::optional<std::uint64_t> descriptor_limit;  // RLIMIT_NOFILE (soft and hard) for the server
  // At the end of the test the server is stopped with SIGTERM and must exit 0, which also makes
  // LeakSanitizer (asan build) check it. Off only for a test that ends the server otherwise on
  // purpose (it then stops it itself, or leaves it to be killed).
  bool expect_clean_exit = true;
};

// Configurations for the common cases (ServerConfig{...} would have to spell out every field):
// extra flags, with CHAT_PASSWORD=kPassword as by default...
ServerConfig with_args(std::vector<std::string> args);
// ...exactly this environment (CHAT_PASSWORD only if `env` sets it) and these flags...
ServerConfig with_env(std::map<std::string, std::string> env, std::vector<std::string> args = {});
// ...or no CHAT_PASSWORD at all: the server falls back to its default password, "123456".
ServerConfig without_password();

class Server {
 public:
  explicit Server(ServerConfig config = {});
  // Unless the test already stopped the server or saw it exit (whatever it checked stands):
  // SIGTERM, then fails the test if the server does not exit 0 within kShutdownDeadline (a
  // leak report makes the status nonzero). Without expect_clean_exit: SIGKILL.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Everything the server wrote to stderr so far.
  std::string log() const;
  // Waits until the log contains `text`.
  bool wait_for_log(std::string_view text, Duration deadline = kDeadline) const;
  // Sends `signo` and waits for exit; returns the exit status, or -1 if it did not exit
  // (or died by a signal).
  int stop(int signo, Duration deadline = kDeadline);
  bool running();

 private:
  // Collects the exit status if the server has exited (WNOHANG); true then.
  bool reap();
  // SIGTERM; fails the test unless the server exits 0 within kShutdownDeadline.
  void stop_and_check();

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
  bool expect_clean_exit_ = true;
  bool stopped_ = false;  // the test called stop() or saw the exit through running()
  int exit_status_ = -1;
  int wait_status_ = 0;  // waitpid's status, for the report
};

// Runs a command to completion (no shell); returns its exit status or -1.
struct Process {
  int status;
  std::string out;
  std::string err;
};
Process run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                    Duration deadline = kDeadline);

// For a freshly forked child: closes every descriptor above stderr, removes `unset` from the
// environment, then sets `env`, and execs argv[0] (a path); exits 127 if that fails.
[[noreturn]] void exec_child(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                             std::initializer_list<const char*> unset = {});

// The server's address as a client program's two arguments: {"127.0.0.1", "PORT"}.
std::vector<std::string> at(const Server& server);

// How a client socket is set up: what must be chosen before connect().
struct ConnectOptions {
  const char* host = "127.0.0.1";  // the server's address
  const char* source = nullptr;    // bind to this local address first (another loopback address, "127.0.0.2")
  int rcvbuf = 0;                  // SO_RCVBUF (0: the kernel's default)
  bool nodelay = false;            // TCP_NODELAY: every send goes out as a segment of its own
};

// A connected TCP socket (close-on-exec) to port, or -1 with errno telling why.
int connect_to(std::uint16_t port, const ConnectOptions& options = {});
// The local port a socket is bound to.
std::uint16_t local_port(int fd);
// A loopback port nobody listens on (bound once to learn it is free, then closed), below the
// ephemeral range where the system allows.
std::uint16_t unused_port();

class Client {
 public:
  explicit Client(std::uint16_t port, const char* host = "127.0.0.1");
  Client(std::uint16_t port, const ConnectOptions& options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&& other) noexcept;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Sends raw bytes (all of them, blocking).
  void send_raw(std::string_view bytes);
  void send_line(std::string_view line) { send_raw(std::string(line) + "\n"); }

  // The next line without its '\n'; nullopt at the deadline or when the server closed.
  std::optional<std::string> read_line(Duration deadline = kDeadline);
  // Reads lines until one contains `needle`; fails the current test (and returns "") if the
  // deadline passes or the connection closes first. Lines skipped are kept in skipped().
  std::string expect(std::string_view needle, Duration deadline = kDeadline);
  // The next line must contain `needle`.
  std::string expect_next(std::string_view needle, Duration deadline = kDeadline);
  // Reads until the server closes; returns the lines received. Fails the test at the deadline.
  std::vector<std::string> read_until_closed(Duration deadline = kDeadline);
  // True when the server closed the connection (after any remaining lines were read).
  bool closed_by_server(Duration deadline = kDeadline);
  // A barrier: sends @usuarios and returns every line that arrived before its reply.
  std::vector<std::string> sync(Duration deadline = kDeadline);

  // Password, name, and the two welcome lines.
  void login(std::string_view name, std::string_view password = kPassword);

  void shutdown_write();
  void close();
  // Closes with a reset (RST) instead of a FIN: SO_LINGER with a zero timeout.
  void reset();
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until);
  int fd_ = -1;
  std::string buffer_;  // lines already returned end at pos_ (cheap reading of long floods)
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::vector<std::string> skipped_;
};

// "[HH:MM:SS] " prefix check.
bool has_timestamp(std::string_view line);
// The line with its "[HH:MM:SS] " prefix removed (unchanged if it has none).
std::string_view strip_timestamp(std::string_view line);

// The next line must be exactly `want` (lines before CHATTING carry no timestamp).
void expect_exact(Client& c, const std::string& want);
// The next line must carry a timestamp and, with it stripped, be exactly `want`.
void expect_exact_stamped(Client& c, const std::string& want);
// The next lines must be `want`, in order, each as expect_exact_stamped checks it (and each
// within `deadline`). Fails the test at the first line missing or different, naming its
// index, and returns whether all of them came.
bool expect_stamped_lines(Client& c, const std::vector<std::string>& want, Duration deadline = kDeadline);

// `text` (timestamp stripped) is a notice naming every command and alias: the commands line
// after the welcome, and the reply to @ajuda.
void expect_names_every_command(std::string_view text);

// "* Online (N): a, b, c" (or the welcome that ends in it; stamped or not) -> N and the names,
// sorted. N is -1 when the line has no "Online (".
std::pair<int, std::vector<std::string>> parse_online(std::string_view line);

// alice and bob logged in (in that order) and bob's join notice read by alice: whatever either
// reads next comes after the logins.
struct Pair {
  explicit Pair(ServerConfig config = {});
  Server server;
  Client alice, bob;
};

// The same for alice, bob and carol: every join notice read.
struct Trio {
  explicit Trio(ServerConfig config = {});
  Server server;
  Client alice, bob, carol;
};

// `prefix`, then `n` in decimal zero-padded to at least `width` digits (printf's "%s%0*zu").
std::string numbered(std::string prefix, std::size_t n, std::size_t width);

// Whether `needle` occurs in `text`.
bool contains(std::string_view text, std::string_view needle);
// How often `needle` occurs in `text` (count_of(text, "\n"): its lines).
std::size_t count_of(std::string_view text, std::string_view needle);
// The lines of `text` (a server log, say) that contain every one of `words`.
std::vector<std::string> lines_with(std::string_view text, const std::vector<std::string>& words);

// The whole file ("" if it cannot be read).
std::string read_file(const std::string& path);

// A temporary file holding `content`, removed at scope exit.
struct TempFile {
  explicit TempFile(std::string_view content = "");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path;
};

// Raises this process's descriptor limit (tests open thousands of sockets).
void raise_own_descriptor_limit();

}  // namespace harness
