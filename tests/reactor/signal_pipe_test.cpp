// SignalPipe: signals become readable bytes, in order; SIGPIPE ignored; dispositions restored.
#include "reactor/signal_pipe.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <memory>
#include <vector>

using reactor::SignalPipe;

namespace {

void (*disposition(int sig))(int) {
  struct sigaction sa {};
  sigaction(sig, nullptr, &sa);
  return sa.sa_handler;
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

}  // namespace

TEST(SignalPipe, NothingBeforeASignal) {
  SignalPipe pipe({SIGUSR1});
  ASSERT_TRUE(pipe.ok());
  EXPECT_GE(pipe.read_fd(), 0);
  EXPECT_FALSE(readable(pipe.read_fd()));
  EXPECT_TRUE(pipe.take().empty());
}

TEST(SignalPipe, SignalsArriveInOrder) {
  SignalPipe pipe({SIGUSR1, SIGUSR2});
  ASSERT_TRUE(pipe.ok());
  ASSERT_EQ(raise(SIGUSR2), 0);
  EXPECT_TRUE(readable(pipe.read_fd()));
  ASSERT_EQ(raise(SIGUSR1), 0);
  ASSERT_EQ(raise(SIGUSR2), 0);
  EXPECT_EQ(pipe.take(), (std::vector<int>{SIGUSR2, SIGUSR1, SIGUSR2}));
  EXPECT_TRUE(pipe.take().empty());
  EXPECT_FALSE(readable(pipe.read_fd()));
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_EQ(pipe.take(), std::vector<int>{SIGUSR1});
}

TEST(SignalPipe, ReadEndIsNonBlockingAndCloseOnExec) {
  SignalPipe pipe({SIGUSR1});
  ASSERT_TRUE(pipe.ok());
  EXPECT_TRUE(fcntl(pipe.read_fd(), F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(pipe.read_fd(), F_GETFD) & FD_CLOEXEC);
}

TEST(SignalPipe, IgnoresSigpipe) {
  struct sigaction old {};
  sigaction(SIGPIPE, nullptr, &old);
  (void)signal(SIGPIPE, SIG_DFL);
  {
    SignalPipe pipe({SIGUSR1});
    EXPECT_EQ(disposition(SIGPIPE), SIG_IGN);
  }
  sigaction(SIGPIPE, &old, nullptr);
}

TEST(SignalPipe, DestructorRestoresDefaultDisposition) {
  {
    SignalPipe pipe({SIGUSR1});
    EXPECT_NE(disposition(SIGUSR1), SIG_DFL);
    EXPECT_NE(disposition(SIGUSR1), SIG_IGN);
  }
  EXPECT_EQ(disposition(SIGUSR1), SIG_DFL);
}

TEST(SignalPipe, FloodOfSignalsNeitherBlocksNorClobbersErrno) {
  // More signals than the pipe holds: the handler's write must fail quietly (non-blocking),
  // and must leave errno as the interrupted code had it.
  SignalPipe pipe({SIGUSR1});
  ASSERT_TRUE(pipe.ok());
  for (int i = 0; i < 70000; ++i) {
    errno = EDOM;
    ASSERT_EQ(raise(SIGUSR1), 0);
    ASSERT_EQ(errno, EDOM) << "signal " << i;
  }
  std::vector<int> got = pipe.take();
  EXPECT_GT(got.size(), 0u);
  EXPECT_LE(got.size(), 70000u);
  for (int sig : got) ASSERT_EQ(sig, SIGUSR1);
  // Working again once drained.
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_EQ(pipe.take(), std::vector<int>{SIGUSR1});
}

TEST(SignalPipe, LaterPipeSurvivesDestructionOfAnEarlierOne) {
  // EventLoop::handle_signals replaces its pipe this way: the new one is built before the
  // old one is destroyed. Destroying the old one must not disable the new one.
  auto first = std::make_unique<SignalPipe>(std::initializer_list<int>{SIGUSR1});
  SignalPipe second({SIGUSR2});
  ASSERT_TRUE(first->ok());
  ASSERT_TRUE(second.ok());
  first.reset();
  ASSERT_EQ(raise(SIGUSR2), 0);
  EXPECT_EQ(second.take(), std::vector<int>{SIGUSR2}) << "signal lost after an earlier SignalPipe was destroyed";
}

TEST(SignalPipe, TwoLivePipesEachGetTheirOwnSignals) {
  SignalPipe first({SIGUSR1});
  SignalPipe second({SIGUSR2});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_EQ(first.take(), std::vector<int>{SIGUSR1}) << "SIGUSR1 did not reach the pipe that asked for it";
  EXPECT_TRUE(second.take().empty()) << "a pipe received a signal it did not ask for";
}
