// Plays systemd's side of $NOTIFY_SOCKET against the real chat-server: a datagram socket
// (in a temporary directory, or in the abstract namespace) must receive READY=1 once the
// port accepts, RELOADING=1 then READY=1 around a SIGHUP, and STOPPING=1 on SIGTERM, each
// sent by the main process itself (systemd's NotifyAccess=main checks the sender).
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>

#include "harness.h"

using namespace harness;

namespace {

struct Notification {
  std::string text;
  pid_t sender = -1;  // from the kernel's SCM_CREDENTIALS, not from the message
};

// The manager's end: a bound datagram socket that records who sent each message.
class NotifySocket {
 public:
  explicit NotifySocket(bool abstract) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    int one = 1;
    EXPECT_EQ(setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &one, sizeof one), 0) << std::strerror(errno);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    socklen_t length;
    if (abstract) {
      name_ = "@chat-server-notify-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter_);
      std::memcpy(address.sun_path + 1, name_.data() + 1, name_.size() - 1);
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    } else {
      char dir_template[] = "/tmp/chat-notify-XXXXXX";
      EXPECT_NE(mkdtemp(dir_template), nullptr) << std::strerror(errno);
      dir_ = dir_template;
      name_ = dir_ + "/notify";
      std::memcpy(address.sun_path, name_.c_str(), name_.size() + 1);
      length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size() + 1);
    }
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0) << name_ << ": " << std::strerror(errno);
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    if (!dir_.empty()) {
      unlink(name_.c_str());
      rmdir(dir_.c_str());
    }
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // NOTIFY_SOCKET's value.
  const std::string& name() const { return name_; }

  // The next datagram, or an empty text at the deadline.
  Notification receive(Duration deadline = kDeadline) {
    Notification n;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(deadline.count())) != 1) return n;
    char buffer[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{buffer, sizeof buffer};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t got = recvmsg(fd_, &message, 0);
    if (got < 0) return n;
    n.text.assign(buffer, static_cast<std::size_t>(got));
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred credentials;
        std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
        n.sender = credentials.pid;
      }
    }
    return n;
  }

 private:
  static inline int counter_ = 0;
  int fd_ = -1;
  std::string dir_;
  std::string name_;
};

std::uint64_t monotonic_usec() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

// The value of KEY= in a notification ("" if absent).
std::string value_of(const std::string& text, const std::string& key) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (line.starts_with(key + "=")) return std::string(line.substr(key.size() + 1));
    start = end + 1;
  }
  return "";
}

// READY=1 from the server's main process, naming it, once a client can talk to it.
void expect_ready(NotifySocket& manager, Server& server) {
  Notification ready = manager.receive();
  ASSERT_EQ(value_of(ready.text, "READY"), "1") << "'" << ready.text << "'\n" << server.log();
  EXPECT_EQ(ready.sender, server.pid());
  EXPECT_EQ(value_of(ready.text, "MAINPID"), std::to_string(server.pid()));
  EXPECT_EQ(value_of(ready.text, "STATUS"), "listening on port " + std::to_string(server.port()));
}

void expect_stopping_after_sigterm(NotifySocket& manager, Server& server) {
  ASSERT_EQ(kill(server.pid(), SIGTERM), 0);
  Notification stopping = manager.receive();
  EXPECT_EQ(value_of(stopping.text, "STOPPING"), "1") << "'" << stopping.text << "'";
  EXPECT_EQ(stopping.sender, server.pid());
  // Let the first signal finish its work: a second one would stop without flushing.
  auto until = std::chrono::steady_clock::now() + kDeadline;
  while (server.running() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();  // exited already: just its status
}

}  // namespace

TEST(SystemdNotify, ReadyWhenAcceptingStoppingOnSigterm) {
  NotifySocket manager(false);
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"NOTIFY_SOCKET", manager.name()}}));
  expect_ready(manager, server);
  Client alice(server.port());  // READY meant it: the port accepts and the chat answers
  alice.login("alice");
  expect_stopping_after_sigterm(manager, server);
  EXPECT_FALSE(alice.expect("* Server is shutting down").empty());
  EXPECT_EQ(manager.receive(200ms).text, "") << "nothing after STOPPING=1";
}

TEST(SystemdNotify, AbstractSocketName) {
  NotifySocket manager(true);
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"NOTIFY_SOCKET", manager.name()}}));
  expect_ready(manager, server);
  expect_stopping_after_sigterm(manager, server);
}

TEST(SystemdNotify, ReloadIsBracketedByReloadingAndReady) {
  NotifySocket manager(false);
  TempFile config("# nothing but defaults\n");
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"NOTIFY_SOCKET", manager.name()}}, {"--config", config.path}));
  expect_ready(manager, server);

  std::uint64_t before = monotonic_usec();
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  Notification reloading = manager.receive();
  std::uint64_t after = monotonic_usec();
  ASSERT_EQ(value_of(reloading.text, "RELOADING"), "1") << "'" << reloading.text << "'\n" << server.log();
  EXPECT_EQ(reloading.sender, server.pid());
  // systemd matches the reload to its request by this clock (the same CLOCK_MONOTONIC).
  std::uint64_t stamp = std::strtoull(value_of(reloading.text, "MONOTONIC_USEC").c_str(), nullptr, 10);
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
  expect_ready(manager, server);
  EXPECT_TRUE(server.wait_for_log("reloaded")) << server.log();

  Client alice(server.port());  // still serving after the reload
  alice.login("alice");
  expect_stopping_after_sigterm(manager, server);
}

TEST(SystemdNotify, UnreachableSocketIsIgnored) {
  // A manager that went away: sending fails, the server runs and stops as usual.
  Server server(with_env({{"CHAT_PASSWORD", kPassword}, {"NOTIFY_SOCKET", "/nonexistent/notify"}}));
  Client alice(server.port());
  alice.login("alice");
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}
