// Integration-test harness: starts the real chat-server on an ephemeral port and talks to it
// over real sockets. Deadlines are generous limits for waiting, never speed measurements.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness {

using namespace std::chrono_literals;
using Duration = std::chrono::milliseconds;

inline constexpr const char* kPassword = "s3cret";
// A generous deadline for anything that should happen "at once".
inline constexpr Duration kDeadline = 10s;

struct ServerConfig {
  std::vector<std::string> args;                  // extra flags
  std::map<std::string, std::string> env = {{"CHAT_PASSWORD", kPassword}};
  std::optional<std::uint64_t> descriptor_limit;  // RLIMIT_NOFILE (soft and hard) for the server
};

class Server {
 public:
  explicit Server(ServerConfig config = {});
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
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
  int exit_status_ = -1;
};

// Runs a command to completion (no shell); returns its exit status or -1.
struct Process {
  int status;
  std::string out;
  std::string err;
};
Process run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                    Duration deadline = kDeadline);

class Client {
 public:
  explicit Client(std::uint16_t port, const char* host = "127.0.0.1");
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
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  bool fill(std::chrono::steady_clock::time_point until);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
  std::vector<std::string> skipped_;
};

// "[HH:MM:SS] " prefix check.
bool has_timestamp(std::string_view line);
// The line with its "[HH:MM:SS] " prefix removed (unchanged if it has none).
std::string_view strip_timestamp(std::string_view line);

// Raises this process's descriptor limit (tests open thousands of sockets).
void raise_own_descriptor_limit();

}  // namespace harness
