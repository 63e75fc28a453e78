// Integration-test harness implementation (see harness.h).
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace harness {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> to_argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

std::string temp_path(const char* stem) {
  std::string path = std::string("/tmp/") + stem + "-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd >= 0) close(fd);
  return path;
}

}  // namespace

Server::Server(ServerConfig config) {
  log_path_ = temp_path("chat-server-log");
  std::vector<std::string> args = {CHAT_SERVER_PATH, "--bind", "127.0.0.1", "--port", "0"};
  args.insert(args.end(), config.args.begin(), config.args.end());
  pid_ = fork();
  if (pid_ == 0) {
    int log_fd = open(log_path_.c_str(), O_WRONLY | O_TRUNC);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    unsetenv("CHAT_PASSWORD");
    for (auto& [k, v] : config.env) setenv(k.c_str(), v.c_str(), 1);
    if (config.descriptor_limit) {
      rlimit lim{*config.descriptor_limit, *config.descriptor_limit};
      setrlimit(RLIMIT_NOFILE, &lim);
    }
    auto argv = to_argv(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Wait for "listening on 127.0.0.1:PORT".
  auto until = Clock::now() + kDeadline;
  while (Clock::now() < until) {
    std::string text = log();
    auto at = text.find("listening on 127.0.0.1:");
    if (at != std::string::npos) {
      port_ = static_cast<std::uint16_t>(std::atoi(text.c_str() + at + std::strlen("listening on 127.0.0.1:")));
      if (port_ != 0) return;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  ADD_FAILURE() << "chat-server did not start; its log:\n" << log();
}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

std::string Server::log() const { return read_file(log_path_); }

bool Server::wait_for_log(std::string_view text, Duration deadline) const {
  auto until = Clock::now() + deadline;
  do {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(10ms);
  } while (Clock::now() < until);
  return false;
}

bool Server::running() {
  if (pid_ <= 0) return false;
  int status;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return false;
  }
  return true;
}

int Server::stop(int signo, Duration deadline) {
  if (pid_ <= 0) return exit_status_;
  kill(pid_, signo);
  auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return exit_status_;
    }
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

Process run_process(const std::vector<std::string>& argv_in, const std::map<std::string, std::string>& env,
                    Duration deadline) {
  std::string out_path = temp_path("chat-proc-out"), err_path = temp_path("chat-proc-err");
  std::vector<std::string> args = argv_in;
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_TRUNC), err = open(err_path.c_str(), O_WRONLY | O_TRUNC);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    auto argv = to_argv(args);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = -1;
  auto until = Clock::now() + deadline;
  bool done = false;
  while (Clock::now() < until) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      done = true;
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  if (!done) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  Process p{done && WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out_path), read_file(err_path)};
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return p;
}

Client::Client(std::uint16_t port, const char* host) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, host, &addr.sin_addr);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ADD_FAILURE() << "connect to " << host << ":" << port << " failed: " << std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
  }
}

Client::Client(Client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      eof_(other.eof_),
      skipped_(std::move(other.skipped_)) {}

Client::~Client() { close(); }

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void Client::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      ADD_FAILURE() << "send failed: " << std::strerror(errno);
      return;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool Client::fill(Clock::time_point until) {
  if (eof_ || fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  if (left < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> Client::read_line(Duration deadline) {
  auto until = Clock::now() + deadline;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    if (!fill(until)) return std::nullopt;
  }
}

std::string Client::expect(std::string_view needle, Duration deadline) {
  auto until = Clock::now() + deadline;
  std::vector<std::string> seen;
  for (;;) {
    auto left = std::chrono::duration_cast<Duration>(until - Clock::now());
    auto line = read_line(left.count() > 0 ? left : Duration(0));
    if (!line) break;
    if (line->find(needle) != std::string::npos) return *line;
    skipped_.push_back(*line);
    seen.push_back(*line);
  }
  std::string got;
  for (auto& s : seen) got += "  " + s + "\n";
  ADD_FAILURE() << "no line containing '" << needle << "'" << (eof_ ? " (connection closed)" : " (deadline)")
                << "; saw:\n"
                << got;
  return "";
}

std::string Client::expect_next(std::string_view needle, Duration deadline) {
  auto line = read_line(deadline);
  if (!line) {
    ADD_FAILURE() << "expected a line containing '" << needle << "', got " << (eof_ ? "EOF" : "nothing");
    return "";
  }
  EXPECT_NE(line->find(needle), std::string::npos) << "line: " << *line << "\nexpected to contain: " << needle;
  return *line;
}

std::vector<std::string> Client::read_until_closed(Duration deadline) {
  auto until = Clock::now() + deadline;
  std::vector<std::string> lines;
  for (;;) {
    auto left = std::chrono::duration_cast<Duration>(until - Clock::now());
    auto line = read_line(left.count() > 0 ? left : Duration(0));
    if (line) {
      lines.push_back(*line);
      continue;
    }
    if (!eof_) ADD_FAILURE() << "server did not close the connection in time";
    return lines;
  }
}

bool Client::closed_by_server(Duration deadline) {
  auto until = Clock::now() + deadline;
  while (!eof_) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      buffer_.erase(0, nl + 1);
      continue;
    }
    if (!fill(until) && !eof_) return false;
  }
  return true;
}

std::vector<std::string> Client::sync(Duration deadline) {
  send_line("@usuarios");
  std::vector<std::string> before;
  auto until = Clock::now() + deadline;
  for (;;) {
    auto left = std::chrono::duration_cast<Duration>(until - Clock::now());
    auto line = read_line(left.count() > 0 ? left : Duration(0));
    if (!line) {
      ADD_FAILURE() << "no reply to @usuarios";
      return before;
    }
    if (line->find("* Online (") != std::string::npos) return before;
    before.push_back(*line);
  }
}

void Client::login(std::string_view name, std::string_view password) {
  expect_next("Password:");
  send_line(password);
  expect_next("Username:");
  send_line(name);
  expect_next("* Welcome, " + std::string(name) + "!");
  expect_next("* Commands:");
}

bool has_timestamp(std::string_view l) {
  return l.size() >= 11 && l[0] == '[' && isdigit(l[1]) && isdigit(l[2]) && l[3] == ':' && isdigit(l[4]) &&
         isdigit(l[5]) && l[6] == ':' && isdigit(l[7]) && isdigit(l[8]) && l[9] == ']' && l[10] == ' ';
}

std::string_view strip_timestamp(std::string_view line) { return has_timestamp(line) ? line.substr(11) : line; }

void raise_own_descriptor_limit() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
}

}  // namespace harness
