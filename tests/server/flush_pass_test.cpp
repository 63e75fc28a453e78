// The server's flush pass, over real loopback sockets, driven one loop iteration at a time:
// a line that arrives while a long fan-out is being written joins the writes of the
// connections not yet written in that pass (fewer, larger writes), and every line still
// reaches everyone else exactly once, in the order the server read them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <string>
#include <vector>

#include "bin/chat_server/server.h"
#include "net/log.h"
#include "reactor/poller.h"

namespace {

// More than two of the pass's polling intervals (net/output.cpp
// kFlushesBetweenPolls, 32): the pass polls input several times before it ends.
constexpr std::size_t kClients = 300;

int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Everything readable now.
std::string take(int fd) {
  std::string got;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<std::size_t>(n));
  return got;
}

void send_text(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

class FlushPass : public testing::Test {
 protected:
  void SetUp() override {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < 2 * kClients + 64) {
      lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 2 * kClients + 64);
      setrlimit(RLIMIT_NOFILE, &lim);
      getrlimit(RLIMIT_NOFILE, &lim);
      if (lim.rlim_cur < 2 * kClients + 64) GTEST_SKIP() << "needs " << 2 * kClients + 64 << " descriptors";
    }
    (void)std::signal(SIGPIPE, SIG_IGN);
    chat_server::Options options;
    options.log_level = chat_server::LogLevel::Error;  // not 900 connect and login lines
    options.bind = "127.0.0.1";
    options.port = 0;
    options.password = "secret";
    options.default_password = false;
    options.rate = 0;
    options.max_per_ip = 0;
    options.backend = std::string(reactor::available_backends().front());
    server_ = std::make_unique<chat_server::Server>(options);
    ASSERT_EQ(server_->open(), 0);
    for (std::size_t i = 0; i < kClients; ++i) {
      int fd = connect_loopback(server_->port());
      ASSERT_GE(fd, 0);
      clients_.push_back(fd);
      std::string login = std::string("secret\nuser").append(std::to_string(i)).append("\n");
      send_text(fd, login);
      // One at a time, so that the room's order (the pass's order) is the clients' order.
      for (int spins = 0; spins < 100 && server_->stats().logins < i + 1; ++spins) run(1);
      ASSERT_EQ(server_->stats().logins, i + 1);
    }
    // Every join notice written and read: the next lines start from empty queues.
    int quiet = 0;
    while (quiet < 3) {
      run(0);
      bool any = false;
      for (int fd : clients_) any |= !take(fd).empty();
      quiet = any ? 0 : quiet + 1;
    }
    ASSERT_EQ(server_->stats().logins, kClients);
  }
  void TearDown() override {
    for (int fd : clients_) close(fd);
    server_.reset();
    net::set_log_level(chat_server::LogLevel::Info);
  }
  void run(int times) {
    for (int i = 0; i < std::max(times, 1); ++i) ASSERT_TRUE(server_->loop().run_once(times == 0 ? 0 : 20));
  }

  std::unique_ptr<chat_server::Server> server_;
  std::vector<int> clients_;
};

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_F(FlushPass, LineArrivingDuringAPassJoinsTheWritesNotYetMade) {
  int alice = clients_[0], bob = clients_[1];
  send_text(alice, "alpha\n");
  ASSERT_TRUE(server_->loop().run_once(1000));  // reads alpha: queued for everyone else
  // Bob's line is written by a timer that is already due, so it fires at the pass's first
  // poll for input; the second poll reads it, and the connections after that get both
  // lines in one write.
  server_->loop().add_timer(std::chrono::milliseconds(0), [&] { send_text(bob, "beta\n"); });
  ASSERT_TRUE(server_->loop().run_once(0));  // the pass that writes alpha

  std::vector<std::string> got(kClients);
  std::size_t alpha_only = 0, both = 0;
  for (std::size_t i = 2; i < kClients; ++i) {
    got[i] = take(clients_[i]);
    bool has_alpha = got[i].find("<user0> alpha\n") != std::string::npos;
    bool has_beta = got[i].find("<user1> beta\n") != std::string::npos;
    EXPECT_TRUE(has_alpha) << "client " << i << " got " << got[i];
    if (has_alpha && has_beta) ++both;
    if (has_alpha && !has_beta) ++alpha_only;
  }
  EXPECT_GT(both, 0u) << "beta waited for the next pass everywhere";
  EXPECT_GT(alpha_only, 0u) << "beta cannot have reached those written before it arrived";

  // The next passes write beta to those already written; then everyone has had each line
  // once, alpha before beta.
  for (int i = 0; i < 5; ++i) {
    run(0);
    for (std::size_t c = 0; c < kClients; ++c) got[c] += take(clients_[c]);
  }
  for (std::size_t i = 2; i < kClients; ++i) {
    std::string& text = got[i];
    ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "client " << i << ": " << text;
    EXPECT_LT(text.find("<user0> alpha\n"), text.find("<user1> beta\n")) << "client " << i;
  }
  EXPECT_TRUE(ends_with(got[0], "<user1> beta\n")) << got[0];  // alice: bob's line only
  EXPECT_EQ(std::count(got[0].begin(), got[0].end(), '\n'), 1) << got[0];
  EXPECT_TRUE(ends_with(got[1], "<user0> alpha\n")) << got[1];  // bob: alice's line only
  EXPECT_EQ(std::count(got[1].begin(), got[1].end(), '\n'), 1) << got[1];
}

// When the queues are already deep (here about 2 KiB each, above the server's 1 KiB mark),
// the pass is bound by output: new input stays in the kernel until the pass ends instead of
// deepening every queue.
TEST_F(FlushPass, DeepQueuesLeaveInputForTheNextPass) {
  int alice = clients_[0], bob = clients_[1];
  std::string burst;
  for (int i = 0; i < 80; ++i) burst.append("line ").append(std::to_string(100 + i)).append("\n");
  send_text(alice, burst);
  ASSERT_TRUE(server_->loop().run_once(1000));  // reads the 80 lines: queued for everyone else
  server_->loop().add_timer(std::chrono::milliseconds(0), [&] { send_text(bob, "beta\n"); });
  ASSERT_TRUE(server_->loop().run_once(0));  // the pass that writes the burst
  for (std::size_t i = 2; i < kClients; ++i) {
    std::string got = take(clients_[i]);
    EXPECT_NE(got.find("<user0> line 179\n"), std::string::npos) << "client " << i;
    EXPECT_EQ(got.find("beta"), std::string::npos) << "client " << i << " got beta in the deep pass";
  }
  // Beta is read and written in the next iterations.
  std::vector<std::string> got(kClients);
  for (int i = 0; i < 5; ++i) {
    run(0);
    for (std::size_t c = 2; c < kClients; ++c) got[c] += take(clients_[c]);
  }
  for (std::size_t c = 2; c < kClients; ++c) EXPECT_TRUE(ends_with(got[c], "<user1> beta\n")) << "client " << c;
}
