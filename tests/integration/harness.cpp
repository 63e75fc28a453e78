// Integration-test harness implementation (see harness.h).
#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "reactor/socket.h"

namespace harness {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> to_argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ServerConfig with_args(std::vector<std::string> args) {
  ServerConfig config;
  config.args = std::move(args);
  return config;
}

ServerConfig with_env(std::map<std::string, std::string> env, std::vector<std::string> args) {
  ServerConfig config;
  config.env = std::move(env);
  config.args = std::move(args);
  return config;
}

ServerConfig without_password() { return with_env({}); }

void exec_child(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                std::initializer_list<const char*> unset) {
  for (int fd = 3; fd < 1024; ++fd) close(fd);
  for (const char* name : unset) unsetenv(name);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  auto args = to_argv(argv);
  execv(args[0], args.data());
  _exit(127);
}

std::vector<std::string> at(const Server& server) { return {"127.0.0.1", std::to_string(server.port())}; }

Server::Server(ServerConfig config)
    : log_path_(temp_path("chat-server-log")), expect_clean_exit_(config.expect_clean_exit) {
  std::vector<std::string> args = {CHAT_SERVER_PATH, "--bind", "127.0.0.1", "--port", "0"};
  // ctest runs the suite once more with CHAT_TEST_BACKEND=poll, so both backends see every rule.
  if (const char* backend = std::getenv("CHAT_TEST_BACKEND"); backend && *backend) {
    args.emplace_back("--backend");
    args.emplace_back(backend);
  }
  // Tests open many connections from 127.0.0.1: no per-address limit unless the test sets
  // one (by flag, environment or a config file, which a flag here would override).
  bool sets_per_ip = config.env.contains("CHAT_MAX_PER_IP");
  for (const std::string& arg : config.args)
    sets_per_ip |= arg.rfind("--max-per-ip", 0) == 0 || arg.rfind("--config", 0) == 0;
  if (!sets_per_ip) {
    args.emplace_back("--max-per-ip");
    args.emplace_back("0");
  }
  // Likewise for logins in progress from one address (a test opens dozens at once).
  bool sets_logins_per_ip = config.env.contains("CHAT_MAX_UNAUTHENTICATED_PER_IP");
  for (const std::string& arg : config.args)
    sets_logins_per_ip |= arg.rfind("--max-unauthenticated-per-ip", 0) == 0 || arg.rfind("--config", 0) == 0;
  if (!sets_logins_per_ip) {
    args.emplace_back("--max-unauthenticated-per-ip");
    args.emplace_back("0");
  }
  args.insert(args.end(), config.args.begin(), config.args.end());
  pid_ = fork();
  if (pid_ == 0) {
    int log_fd = open(log_path_.c_str(), O_WRONLY | O_TRUNC);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    if (config.descriptor_limit) {
      rlimit lim{*config.descriptor_limit, *config.descriptor_limit};
      setrlimit(RLIMIT_NOFILE, &lim);
    }
    exec_child(args, config.env, {"CHAT_PASSWORD"});
  }
  // Wait for "listening on ADDRESS:PORT (".
  auto until = Clock::now() + kDeadline;
  while (Clock::now() < until) {
    std::string text = log();
    auto start = text.find("listening on ");
    auto end = start == std::string::npos ? start : text.find(" (", start);
    auto colon = end == std::string::npos ? end : text.rfind(':', end);
    if (colon != std::string::npos && colon > start) {
      std::from_chars(text.data() + colon + 1, text.data() + end, port_);  // leaves 0 if no number
      if (port_ != 0) return;
    }
    if (reap()) break;
    std::this_thread::sleep_for(10ms);
  }
  stopped_ = true;  // the failure below says it all
  ADD_FAILURE() << "chat-server did not start; its log:\n" << log();
}

namespace {

// The last `count` lines of `text`: where a sanitizer's report or the shutdown's trouble shows.
std::string tail(const std::string& text, std::size_t count) {
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines > count) break;
  return text.substr(start);
}

std::string describe(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return std::string("signal ") + strsignal(WTERMSIG(wait_status));
  return "status " + std::to_string(wait_status);
}

}  // namespace

Server::~Server() {
  if (pid_ > 0 && !stopped_ && expect_clean_exit_) stop_and_check();
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!log_path_.empty()) unlink(log_path_.c_str());
}

void Server::stop_and_check() {
  if (stop(SIGTERM, kShutdownDeadline) == 0) return;
  std::string what = pid_ > 0 ? "did not exit within " + std::to_string(kShutdownDeadline.count()) + " ms of SIGTERM"
                              : "ended with " + describe(wait_status_) + " after SIGTERM (a sanitizer's report?)";
  ADD_FAILURE() << "chat-server " << what << " at the end of the test; the end of its log:\n" << tail(log(), 50);
}

bool Server::reap() {
  int status = 0;
  if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) != pid_) return false;
  pid_ = -1;
  wait_status_ = status;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
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
  if (!reap()) return true;
  stopped_ = true;  // the test saw the exit: its own checks decide
  return false;
}

int Server::stop(int signo, Duration deadline) {
  stopped_ = true;
  if (pid_ <= 0) return exit_status_;
  kill(pid_, signo);
  auto until = Clock::now() + deadline;
  while (Clock::now() < until) {
    if (reap()) return exit_status_;
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
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
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

int connect_to(std::uint16_t port, const ConnectOptions& options) {
  std::string error;
  std::vector<reactor::SocketAddress> to = reactor::resolve_tcp(options.host, port, error);
  if (to.empty()) {
    errno = EADDRNOTAVAIL;
    return -1;
  }
  int fd = socket(to.front().storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  auto fail = [fd] {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  };
  if (options.rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.rcvbuf, sizeof options.rcvbuf) != 0)
    return fail();
  int one = 1;
  if (options.nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) return fail();
  if (options.source) {
    reactor::SocketAddress local;
    if (!reactor::resolve_numeric(options.source, local, error)) {
      ::close(fd);
      errno = EADDRNOTAVAIL;
      return -1;
    }
    if (bind(fd, reinterpret_cast<const sockaddr*>(&local.storage), local.length) != 0) return fail();
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.front().storage), to.front().length) != 0) return fail();
  return fd;
}

std::uint16_t local_port(int fd) { return reactor::local_port(fd); }

namespace {

// A loopback socket bound to port (0: the kernel picks one), or -1.
int bound_probe(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

unsigned ephemeral_range_low() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 0;
  range >> low;
  return low;
}

}  // namespace

std::uint16_t unused_port() {
  // Below the kernel's ephemeral range: a port the kernel hands out could become the source
  // port of another test's outgoing connection between this probe and the server's bind
  // (the server then fails with "Address already in use"); one below it cannot. Parallel
  // test processes start at different places so that they rarely probe the same port.
  constexpr unsigned kLowest = 10000;
  static const unsigned below = ephemeral_range_low();
  static unsigned next = static_cast<unsigned>(getpid()) * 7919u;
  for (int tries = 0; below > kLowest + 1000 && tries < 100; ++tries) {
    auto port = static_cast<std::uint16_t>(kLowest + next++ % (below - kLowest));
    if (int fd = bound_probe(port); fd >= 0) {
      ::close(fd);
      return port;
    }
  }
  int fd = bound_probe(0);
  if (fd < 0) {
    ADD_FAILURE() << "binding a probe socket failed: " << std::strerror(errno);
    return 0;
  }
  std::uint16_t port = local_port(fd);
  ::close(fd);  // nobody listens there now
  return port;
}

Client::Client(std::uint16_t port, const char* host) : Client(port, ConnectOptions{.host = host}) {}

Client::Client(std::uint16_t port, const ConnectOptions& options) {
  fd_ = connect_to(port, options);
  if (fd_ < 0) {
    ADD_FAILURE() << "connect to " << options.host << ":" << port
                  << (options.source ? std::string(" from ") + options.source : std::string())
                  << " failed: " << std::strerror(errno);
  }
}

Client::Client(Client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      pos_(std::exchange(other.pos_, 0)),
      eof_(other.eof_),
      skipped_(std::move(other.skipped_)) {}

Client::~Client() { close(); }

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Client::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void Client::reset() {
  linger abort_on_close{1, 0};
  if (setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) != 0)
    ADD_FAILURE() << "SO_LINGER failed: " << std::strerror(errno);
  close();
}

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
    auto nl = buffer_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      if (pos_ == buffer_.size()) {
        buffer_.clear();
        pos_ = 0;
      }
      return line;
    }
    buffer_.erase(0, pos_);  // only the unfinished line stays
    pos_ = 0;
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
  for (const auto& s : seen) got += "  " + s + "\n";
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
    buffer_.clear();  // whatever arrived is read and dropped
    pos_ = 0;
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

void expect_exact(Client& c, const std::string& want) {
  auto line = c.read_line();
  ASSERT_TRUE(line.has_value()) << "expected '" << want << "', got nothing (closed or deadline)";
  EXPECT_EQ(*line, want);
}

void expect_exact_stamped(Client& c, const std::string& want) {
  auto line = c.read_line();
  ASSERT_TRUE(line.has_value()) << "expected '" << want << "', got nothing (closed or deadline)";
  EXPECT_TRUE(has_timestamp(*line)) << line->substr(0, 200);
  EXPECT_EQ(strip_timestamp(*line), want);
}

bool expect_stamped_lines(Client& c, const std::vector<std::string>& want, Duration deadline) {
  for (std::size_t i = 0; i < want.size(); ++i) {
    auto line = c.read_line(deadline);
    if (!line) {
      ADD_FAILURE() << "got only " << i << " of " << want.size() << " lines (closed or deadline); next expected: '"
                    << want[i] << "'";
      return false;
    }
    if (!has_timestamp(*line) || strip_timestamp(*line) != want[i]) {
      ADD_FAILURE() << "line " << i << " of " << want.size() << " is '" << *line << "'; expected '[HH:MM:SS] "
                    << want[i] << "'";
      return false;
    }
  }
  return true;
}

void expect_names_every_command(std::string_view text) {
  EXPECT_EQ(text.rfind("* ", 0), 0u) << text;
  for (const char* word : {"@privado", "@msg", "@usuarios", "@users", "@ajuda", "@help", "@sair", "@quit"})
    EXPECT_NE(text.find(word), std::string_view::npos) << "missing " << word << " in: " << text;
}

std::pair<int, std::vector<std::string>> parse_online(std::string_view line) {
  auto start = line.find("Online (");
  if (start == std::string_view::npos) return {-1, {}};
  line.remove_prefix(start + 8);
  int count = 0;  // stays 0 without digits
  std::from_chars(line.data(), line.data() + line.size(), count);
  auto colon = line.find("): ");
  if (colon == std::string_view::npos) return {count, {}};
  line.remove_prefix(colon + 3);
  std::vector<std::string> names;
  while (!line.empty()) {
    auto comma = line.find(", ");
    names.emplace_back(line.substr(0, comma));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 2);
  }
  std::sort(names.begin(), names.end());
  return {count, names};
}

Pair::Pair(ServerConfig config) : server(std::move(config)), alice(server.port()), bob(server.port()) {
  alice.login("alice");
  bob.login("bob");
  alice.expect_next("* bob joined the chat");
}

Trio::Trio(ServerConfig config)
    : server(std::move(config)), alice(server.port()), bob(server.port()), carol(server.port()) {
  alice.login("alice");
  bob.login("bob");
  carol.login("carol");
  alice.expect_next("* bob joined the chat");
  alice.expect_next("* carol joined the chat");
  bob.expect_next("* carol joined the chat");
}

std::string numbered(std::string prefix, std::size_t n, std::size_t width) {
  std::string digits = std::to_string(n);
  if (digits.size() < width) prefix.append(width - digits.size(), '0');
  return prefix.append(digits);
}

bool contains(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

std::size_t count_of(std::string_view text, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string_view::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

std::vector<std::string> lines_with(std::string_view text, const std::vector<std::string>& words) {
  std::vector<std::string> found;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (std::all_of(words.begin(), words.end(), [&](const std::string& w) { return contains(line, w); }))
      found.emplace_back(line);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return found;
}

TempFile::TempFile(std::string_view content) : path(temp_path("chat-test")) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) ADD_FAILURE() << "writing " << path << " failed";
}

TempFile::~TempFile() { unlink(path.c_str()); }

void raise_own_descriptor_limit() { reactor::raise_descriptor_limit(); }

}  // namespace harness
