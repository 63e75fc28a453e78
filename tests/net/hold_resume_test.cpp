// The door's Hold (an asynchronous name claim): a held frame and every frame after it wait,
// in order, with reading stopped, until resume_input(); then they are offered again in
// order, an EOF that came meanwhile is reported only after them, and flood control charges
// a held frame once. Real loopback sockets, the layer driven one loop iteration at a time.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/connection_layer.h"
#include "net/log.h"
#include "reactor/event_loop.h"
#include "reactor/poller.h"
#include "recording_door.h"

namespace {

using net_test::RecordingDoor;

int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_text(int fd, const std::string& text) {
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

class HoldResume : public testing::Test {
 protected:
  void start(double rate, double burst, double auth_timeout = 30) {
    (void)std::signal(SIGPIPE, SIG_IGN);
    net::set_log_level(net::LogLevel::Error);
    auto poller = reactor::make_poller(reactor::available_backends().front());
    ASSERT_NE(poller, nullptr);
    loop_ = std::make_unique<reactor::EventLoop>(std::move(poller));
    net::Limits limits;
    limits.rate = rate;
    limits.burst = burst;
    limits.max_unauthenticated_per_ip = 0;
    limits.auth_timeout_seconds = auth_timeout;
    layer_ = std::make_unique<net::ConnectionLayer>(*loop_, limits);
    std::string error;
    listener_ = layer_->listen("127.0.0.1", 0, 512, door_, error);
    ASSERT_GE(listener_, 0) << error;
    loop_->set_before_sleep([this] { layer_->end_iteration(); });
    client_ = connect_loopback(layer_->port(listener_));
    ASSERT_GE(client_, 0);
    ASSERT_TRUE(run_until([this] { return !door_.opened.empty(); }));
  }
  void TearDown() override {
    if (client_ >= 0) close(client_);
    net::set_log_level(net::LogLevel::Info);
  }
  // Runs loop iterations until `done` holds (false after many: the test fails, never hangs).
  bool run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 2000 && !done(); ++i) loop_->run_once(5);
    return done();
  }
  // A few iterations, for what must NOT happen: the bytes are in the kernel already.
  void run_a_little() {
    for (int i = 0; i < 10; ++i) loop_->run_once(1);
  }
  chat::ClientId id() const { return door_.opened.front(); }

  RecordingDoor door_;
  std::unique_ptr<reactor::EventLoop> loop_;
  std::unique_ptr<net::ConnectionLayer> layer_;
  int listener_ = -1;
  int client_ = -1;
};

// The lines a door took, as one string ("a b c"): easy to read in a failure.
std::string taken(const RecordingDoor& door) {
  std::string out;
  for (const std::string& line : door.lines) out += (out.empty() ? "" : " ") + line;
  return out;
}

TEST_F(HoldResume, HeldFramesWaitInOrderAndAreReleasedInOrder) {
  start(0, 0);
  door_.hold_on = std::string("b");
  send_text(client_, "a\nb\nc\n");
  ASSERT_TRUE(run_until([this] { return door_.holds == 1; }));
  run_a_little();
  EXPECT_EQ(taken(door_), "a");
  // Pipelined behind the held line: not read, not offered.
  send_text(client_, "d\n");
  run_a_little();
  EXPECT_EQ(taken(door_), "a");

  layer_->resume_input(id());
  ASSERT_TRUE(run_until([this] { return door_.lines.size() == 4; }));
  EXPECT_EQ(taken(door_), "a b c d");
  // Reading is on again.
  send_text(client_, "e\n");
  ASSERT_TRUE(run_until([this] { return door_.lines.size() == 5; }));
  EXPECT_EQ(door_.lines.back(), "e");
}

TEST_F(HoldResume, HoldingAgainAfterAResumeKeepsTheRestWaiting) {
  start(0, 0);
  door_.hold_on = std::string("a");
  send_text(client_, "a\nb\nc\n");
  ASSERT_TRUE(run_until([this] { return door_.holds == 1; }));
  door_.hold_on = std::string("b");  // the next claim is pending too
  layer_->resume_input(id());
  ASSERT_TRUE(run_until([this] { return door_.holds == 2; }));
  run_a_little();
  EXPECT_EQ(taken(door_), "a");
  layer_->resume_input(id());
  ASSERT_TRUE(run_until([this] { return door_.lines.size() == 3; }));
  EXPECT_EQ(taken(door_), "a b c");
}

TEST_F(HoldResume, EndOfInputWhileHeldComesAfterTheHeldLines) {
  start(0, 0);
  door_.hold_on = std::string("x");
  send_text(client_, "x\ny\n");
  ASSERT_TRUE(run_until([this] { return door_.holds == 1; }));
  ASSERT_EQ(shutdown(client_, SHUT_WR), 0);
  run_a_little();
  EXPECT_TRUE(door_.lines.empty());
  EXPECT_FALSE(door_.input_ended);
  EXPECT_TRUE(door_.closed.empty());

  layer_->resume_input(id());
  ASSERT_TRUE(run_until([this] { return door_.input_ended; }));
  EXPECT_EQ(taken(door_), "x y");
  EXPECT_TRUE(door_.lines_after_end.empty());
  ASSERT_TRUE(run_until([this] { return !door_.closed.empty(); }));
  EXPECT_EQ(layer_->open_count(), 0u);
}

TEST_F(HoldResume, AResumeForAConnectionThatLeftDoesNothing) {
  start(0, 0);
  door_.hold_on = std::string("x");
  send_text(client_, "x\n");
  ASSERT_TRUE(run_until([this] { return door_.holds == 1; }));
  // A reset while held: the peer is gone both ways; the held line is still processed.
  linger l{1, 0};
  ASSERT_EQ(setsockopt(client_, SOL_SOCKET, SO_LINGER, &l, sizeof l), 0);
  close(client_);
  client_ = -1;
  run_a_little();
  chat::ClientId gone = id();
  layer_->resume_input(gone);
  ASSERT_TRUE(run_until([this] { return !door_.closed.empty(); }));
  EXPECT_EQ(taken(door_), "x");
  EXPECT_EQ(layer_->find(gone), nullptr);
  layer_->resume_input(gone);  // late (a reply after the departure): ignored
  run_a_little();
  EXPECT_EQ(taken(door_), "x");
}

TEST_F(HoldResume, AHeldFrameIsChargedToFloodControlOnce) {
  // Two tokens, and the next one a quarter of an hour away.
  start(0.001, 2);
  door_.hold_on = std::string("a");
  send_text(client_, "a\nb\nc\n");
  ASSERT_TRUE(run_until([this] { return door_.holds == 1; }));
  layer_->resume_input(id());
  ASSERT_TRUE(run_until([this] { return door_.lines.size() == 2; }));
  run_a_little();
  // "a" took the first token when it was held, "b" the second; "c" waits for a third.
  EXPECT_EQ(taken(door_), "a b");
}

// Not Hold, but the same one-connection layer: a client whose name was taken away logs in
// again under a new deadline (ChatDoors::name_lost).
TEST_F(HoldResume, TheLoginDeadlineStartsAgainWhenALoggedInClientMustLogInAgain) {
  start(0, 0, 0.2);
  net::Connection* c = layer_->find(id());
  ASSERT_NE(c, nullptr);
  layer_->logged_in(*c);
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  while (std::chrono::steady_clock::now() < until) loop_->run_once(5);
  EXPECT_EQ(door_.login_timeouts, 0);  // logged in: no deadline
  layer_->restart_login_deadline(*c);
  ASSERT_TRUE(run_until([this] { return door_.login_timeouts == 1; }));
}

}  // namespace
