// Brute force: five wrong passwords from one address lock that address (and only it) out.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include "harness.h"

using namespace harness;

namespace {

using Clock = std::chrono::steady_clock;

// A client connecting from a chosen loopback address (the harness always uses 127.0.0.1).
class ClientFrom {
 public:
  ClientFrom(std::uint16_t port, const char* source) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source, &local.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ADD_FAILURE() << "bind to " << source << " failed: " << std::strerror(errno);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ADD_FAILURE() << "connect from " << source << " failed: " << std::strerror(errno);
    }
  }
  ~ClientFrom() { ::close(fd_); }
  ClientFrom(const ClientFrom&) = delete;
  ClientFrom& operator=(const ClientFrom&) = delete;

  void send_line(std::string_view line) {
    std::string bytes = std::string(line) + "\n";
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }

  std::optional<std::string> read_line(Duration deadline = kDeadline) {
    auto until = Clock::now() + deadline;
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      pollfd p{fd_, POLLIN, 0};
      if (left < 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
      char chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buf_;
};

void fail_password(std::uint16_t port, int attempt) {
  Client c(port);
  c.expect_next("Password:");
  c.send_line("wrong-guess-" + std::to_string(attempt));
  EXPECT_EQ(c.read_line(), "! Wrong password. Bye.") << "attempt " << attempt;
  EXPECT_TRUE(c.closed_by_server()) << "attempt " << attempt;
}

}  // namespace

TEST(LimitsBruteForce, FiveWrongPasswordsLockTheAddressOut) {
  Server server;
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);

  // The sixth connection is told at once, before any prompt, and closed.
  Client locked(server.port());
  EXPECT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(locked.closed_by_server());

  // Still locked for the next one, too.
  Client again(server.port());
  EXPECT_EQ(again.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(again.closed_by_server());

  EXPECT_TRUE(server.wait_for_log("127.0.0.1")) << server.log();
  EXPECT_NE(server.log().find("locking out 127.0.0.1"), std::string::npos) << server.log();
}

TEST(LimitsBruteForce, LockedOutAddressCannotLogInEvenWithTheRightPassword) {
  Server server;
  Client alice(server.port());
  alice.login("alice");
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);
  Client eager(server.port());
  eager.send_raw(std::string(kPassword) + "\nmallory\nhello\n");  // pipelined, before any prompt
  EXPECT_EQ(eager.read_line(), "! Too many failed attempts; try again later.");
  EXPECT_TRUE(eager.closed_by_server());
  EXPECT_TRUE(alice.sync().empty()) << "the locked-out client got into the room";
  // Whoever was already in stays in.
  EXPECT_TRUE(alice.connected());
}

TEST(LimitsBruteForce, OtherAddressIsNotLockedOut) {
  Server server;
  for (int i = 1; i <= 5; ++i) fail_password(server.port(), i);
  Client locked(server.port());
  ASSERT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");

  ClientFrom other(server.port(), "127.0.0.2");
  EXPECT_EQ(other.read_line(), "Password:");
  other.send_line(kPassword);
  EXPECT_EQ(other.read_line(), "Username:");
  other.send_line("dave");
  auto welcome = other.read_line();
  ASSERT_TRUE(welcome);
  EXPECT_NE(welcome->find("* Welcome, dave!"), std::string::npos) << *welcome;
}

TEST(LimitsBruteForce, FourWrongPasswordsDoNotLockOut) {
  Server server;
  for (int i = 1; i <= 4; ++i) fail_password(server.port(), i);
  Client alice(server.port());
  alice.login("alice");
  EXPECT_TRUE(alice.sync().empty());
  EXPECT_EQ(server.log().find("locking out"), std::string::npos) << server.log();
}

TEST(LimitsBruteForce, FailuresFromAnotherAddressDoNotCountAgainstThisOne) {
  Server server;
  for (int i = 1; i <= 5; ++i) {
    ClientFrom c(server.port(), "127.0.0.3");
    ASSERT_EQ(c.read_line(), "Password:");
    c.send_line("wrong-guess");
    EXPECT_EQ(c.read_line(), "! Wrong password. Bye.");
    EXPECT_EQ(c.read_line(), std::nullopt);
  }
  ClientFrom locked(server.port(), "127.0.0.3");
  EXPECT_EQ(locked.read_line(), "! Too many failed attempts; try again later.");
  Client alice(server.port());
  alice.login("alice");
}
