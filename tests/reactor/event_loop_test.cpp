// EventLoop on every backend: dispatch, interest, stale events within a batch, timers, hooks, signals.
#include "reactor/event_loop.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/reactor/backends.h"
#include "tests/reactor/descriptors.h"

using reactor::Clock;
using reactor::EventLoop;
using reactor::IoHandler;
using reactor::kHangup;
using reactor::kReadable;
using reactor::kWritable;
using reactor::Poller;
using reactor::ReadyEvent;
using reactor::TimerId;

namespace {

constexpr int kGenerousMs = 5000;  // an upper bound for waits that end at once when all is well

// Wraps a real backend and records what the loop asks of it.
struct PollerLog {
  int adds = 0, modifies = 0, removes = 0, waits = 0;
  int fail_wait_with = 0;  // when non-zero, wait() reports this errno
  std::vector<ReadyEvent> last_batch;
  std::vector<int> timeouts;  // of every wait, in milliseconds
};

class RecordingPoller final : public Poller {
 public:
  RecordingPoller(std::unique_ptr<Poller> inner, PollerLog& log) : inner_(std::move(inner)), log_(log) {}
  std::string_view name() const override { return inner_->name(); }
  int add(int fd, std::uint8_t interest) override {
    ++log_.adds;
    return inner_->add(fd, interest);
  }
  int modify(int fd, std::uint8_t interest) override {
    ++log_.modifies;
    return inner_->modify(fd, interest);
  }
  int remove(int fd) override {
    ++log_.removes;
    return inner_->remove(fd);
  }
  int wait(std::vector<ReadyEvent>& out, int timeout_ms) override {
    ++log_.waits;
    log_.timeouts.push_back(timeout_ms);
    if (log_.fail_wait_with) return log_.fail_wait_with;
    int rc = inner_->wait(out, timeout_ms);
    log_.last_batch = out;
    return rc;
  }

 private:
  std::unique_ptr<Poller> inner_;
  PollerLog& log_;
};

class FnHandler final : public IoHandler {
 public:
  std::function<void(int, std::uint8_t)> fn;
  int calls = 0;
  std::vector<std::pair<int, std::uint8_t>> seen;
  void on_io(int fd, std::uint8_t events) override {
    ++calls;
    seen.emplace_back(fd, events);
    if (fn) fn(fd, events);
  }
};

struct Pair {
  int fd[2] = {-1, -1};
  Pair() {
    if (!reactor_test::nonblocking_socketpair(fd)) fd[0] = fd[1] = -1;
  }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  bool ok() const { return fd[0] >= 0; }
  // Closes one end now; the destructor then leaves it alone.
  void close_end(int i) {
    close(fd[i]);
    fd[i] = -1;
  }
};

void put(int fd) { ASSERT_EQ(write(fd, "x", 1), 1); }

// Reads until nothing is left, so a level-triggered descriptor goes quiet.
void drain(int fd) {
  char c;
  while (read(fd, &c, 1) > 0) {
  }
}

// A handler that reads its descriptor dry and notes `what` in `order`.
std::function<void(int, std::uint8_t)> reader_noting(std::string what, std::vector<std::string>& order) {
  return [what = std::move(what), &order](int fd, std::uint8_t) {
    drain(fd);
    order.push_back(what);
  };
}

bool batch_has(const std::vector<ReadyEvent>& batch, int fd) {
  return std::any_of(batch.begin(), batch.end(), [fd](const ReadyEvent& e) { return e.fd == fd; });
}

class EventLoopTest : public testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    auto inner = reactor_test::make_tested_poller(GetParam());
    ASSERT_NE(inner, nullptr);
    loop_ = std::make_unique<EventLoop>(std::make_unique<RecordingPoller>(std::move(inner), log_));
  }
  // Runs iterations until `done` or `max_iterations`; true when done.
  bool run_until(const std::function<bool()>& done, int max_iterations = 200, int max_wait_ms = kGenerousMs) {
    for (int i = 0; i < max_iterations && !done(); ++i) {
      if (!loop_->run_once(max_wait_ms)) return false;
    }
    return done();
  }

  PollerLog log_;
  std::unique_ptr<EventLoop> loop_;
};

std::string backend_name(const testing::TestParamInfo<std::string_view>& info) { return std::string(info.param); }

// Exit status 0 when run() returns true after a timer called stop(); SIGALRM if it never does.
[[noreturn]] void run_until_stop_child(std::string_view backend) {
  alarm(20);
  EventLoop loop(reactor_test::make_tested_poller(backend));
  int hooks = 0;
  bool fired = false;
  loop.set_before_sleep([&] { ++hooks; });
  loop.add_timer(std::chrono::milliseconds(1), [&] {
    fired = true;
    loop.stop();
  });
  bool ok = loop.run();
  (void)std::fprintf(stderr, "run() returned %d, fired %d, hooks %d\n", ok, fired, hooks);
  _exit(ok && fired && hooks >= 1 ? 0 : 1);
}

// Exit status 0 when the handler given to the second handle_signals() call sees its signal.
[[noreturn]] void second_handle_signals_child(std::string_view backend) {
  EventLoop loop(reactor_test::make_tested_poller(backend));
  int second = 0;
  if (!loop.handle_signals({SIGUSR1}, [](int) {})) _exit(2);
  if (!loop.handle_signals({SIGUSR2}, [&](int) { ++second; })) _exit(3);
  (void)raise(SIGUSR2);
  // cppcheck-suppress unreachableCode ; raise() returns once the signal is handled
  for (int i = 0; i < 20 && second == 0; ++i) loop.run_once(100);
  (void)std::fprintf(stderr, "second handler saw %d signal(s)\n", second);
  _exit(second == 1 ? 0 : 1);
}

}  // namespace

TEST_P(EventLoopTest, ReportsItsBackend) { EXPECT_EQ(loop_->backend(), GetParam()); }

TEST_P(EventLoopTest, HandlerCalledWithFdAndEvents) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  EXPECT_EQ(loop_->interest(p.fd[0]), kReadable);
  ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(h.calls, 0);
  put(p.fd[1]);
  ASSERT_TRUE(run_until([&] { return h.calls > 0; }));
  ASSERT_EQ(h.seen.size(), 1u);
  EXPECT_EQ(h.seen[0].first, p.fd[0]);
  EXPECT_EQ(h.seen[0].second, kReadable);
}

TEST_P(EventLoopTest, WatchErrors) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  EXPECT_EQ(loop_->watch(-1, kReadable, &h), EINVAL);
  EXPECT_EQ(loop_->watch(p.fd[0], kReadable, nullptr), EINVAL);
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  EXPECT_EQ(loop_->watch(p.fd[0], kWritable, &h), EEXIST);
  EXPECT_EQ(loop_->set_interest(p.fd[1], kReadable), ENOENT);
  EXPECT_EQ(loop_->set_interest(-5, kReadable), ENOENT);
  EXPECT_EQ(loop_->interest(p.fd[1]), 0);
  EXPECT_EQ(loop_->interest(-5), 0);
  loop_->unwatch(p.fd[1]);  // not watched: no-op
  loop_->unwatch(-5);
  EXPECT_EQ(log_.removes, 0);
}

TEST_P(EventLoopTest, UnchangedInterestMakesNoSyscall) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  EXPECT_EQ(loop_->set_interest(p.fd[0], kReadable), 0);
  EXPECT_EQ(log_.modifies, 0);
  EXPECT_EQ(loop_->set_interest(p.fd[0], kReadable | kWritable), 0);
  EXPECT_EQ(log_.modifies, 1);
  EXPECT_EQ(loop_->interest(p.fd[0]), kReadable | kWritable);
  EXPECT_EQ(loop_->set_interest(p.fd[0], kReadable | kWritable), 0);
  EXPECT_EQ(log_.modifies, 1);
}

TEST_P(EventLoopTest, WriteInterestOffStopsWritableEvents) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  h.fn = [&](int fd, std::uint8_t ev) {
    if (ev & kWritable) {
      EXPECT_EQ(loop_->set_interest(fd, kReadable), 0);  // drained: disarm
    }
  };
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable | kWritable, &h), 0);
  ASSERT_TRUE(run_until([&] { return h.calls > 0; }));
  EXPECT_EQ(h.seen.at(0).second, kWritable);
  EXPECT_EQ(loop_->interest(p.fd[0]), kReadable);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(h.calls, 1) << "writable reported after write interest was turned off";
  // Read interest still works.
  put(p.fd[1]);
  ASSERT_TRUE(run_until([&] { return h.calls > 1; }));
  EXPECT_EQ(h.seen.back().second, kReadable);
}

TEST_P(EventLoopTest, InterestRemovedEarlierInTheBatchIsNotDelivered) {
  // Two readable sockets in one batch. Whichever handler runs first pauses reading of the
  // other (backpressure: its output queue is over the limit). The other's readable event,
  // collected before the pause, must not be delivered: interest was withdrawn, the handler
  // would read a client it has just paused. (Redis re-checks the current mask per event.)
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  FnHandler h;
  std::vector<std::pair<int, std::uint8_t>> delivered_while_paused;
  h.fn = [&](int fd, std::uint8_t ev) {
    if (loop_->interest(fd) == 0) delivered_while_paused.emplace_back(fd, ev);
    int other = fd == a.fd[0] ? b.fd[0] : a.fd[0];
    if (h.calls == 1) {
      EXPECT_EQ(loop_->set_interest(other, 0), 0);
    }
  };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable, &h), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable, &h), 0);
  put(a.fd[1]);
  put(b.fd[1]);
  ASSERT_TRUE(loop_->run_once(kGenerousMs));
  ASSERT_TRUE(batch_has(log_.last_batch, a.fd[0]) && batch_has(log_.last_batch, b.fd[0]))
      << "precondition: both in one batch";
  EXPECT_EQ(h.calls, 1) << "an event outside the descriptor's current interest was delivered";
  EXPECT_TRUE(delivered_while_paused.empty());
}

TEST_P(EventLoopTest, WriteInterestRemovedEarlierInTheBatchIsNotDelivered) {
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  FnHandler h;
  h.fn = [&](int fd, std::uint8_t ev) {
    EXPECT_TRUE(loop_->interest(fd) & kWritable)
        << "fd " << fd << " got events " << int(ev) << " after its write interest was withdrawn";
    int other = fd == a.fd[0] ? b.fd[0] : a.fd[0];
    if (h.calls == 1) {
      EXPECT_EQ(loop_->set_interest(other, kReadable), 0);
    }
  };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable | kWritable, &h), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable | kWritable, &h), 0);
  ASSERT_TRUE(loop_->run_once(kGenerousMs));
  ASSERT_TRUE(batch_has(log_.last_batch, a.fd[0]) && batch_has(log_.last_batch, b.fd[0]));
  EXPECT_EQ(h.calls, 1);
}

TEST_P(EventLoopTest, UnwatchInBatchDropsOtherDescriptorsPendingEvent) {
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  FnHandler h;
  h.fn = [&](int fd, std::uint8_t) { loop_->unwatch(fd == a.fd[0] ? b.fd[0] : a.fd[0]); };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable, &h), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable, &h), 0);
  put(a.fd[1]);
  put(b.fd[1]);
  ASSERT_TRUE(loop_->run_once(kGenerousMs));
  ASSERT_TRUE(batch_has(log_.last_batch, a.fd[0]) && batch_has(log_.last_batch, b.fd[0]));
  EXPECT_EQ(h.calls, 1);
  EXPECT_EQ(log_.removes, 1);
}

TEST_P(EventLoopTest, ClosedAndReusedDescriptorGetsNoStaleEvent) {
  // Handler for one descriptor unwatches and closes another that is ready in the same batch;
  // a new socket then takes the same descriptor number and is watched by a new handler, still
  // inside the batch. The old descriptor's event must reach neither handler.
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  FnHandler old_handler, new_handler;
  int reused_fd = -1;
  int new_peer = -1;
  old_handler.fn = [&](int fd, std::uint8_t) {
    if (old_handler.calls > 1) return;
    int victim = fd == a.fd[0] ? b.fd[0] : a.fd[0];
    loop_->unwatch(victim);
    ASSERT_EQ(close(victim), 0);
    (victim == a.fd[0] ? a.fd[0] : b.fd[0]) = -1;
    int fresh[2];
    ASSERT_TRUE(reactor_test::nonblocking_socketpair(fresh));
    // The new socket takes the closed number (as accept() would, the lowest being free);
    // dup2 makes sure of it if some other number was free lower down.
    int mine = fresh[0], peer = fresh[1];
    if (peer == victim) std::swap(mine, peer);
    if (mine != victim) {
      ASSERT_EQ(dup2(mine, victim), victim);
      close(mine);
    }
    new_peer = peer;
    reused_fd = victim;
    put(new_peer);  // the new descriptor is readable too: a stale event would look plausible
    ASSERT_EQ(loop_->watch(reused_fd, kReadable, &new_handler), 0);
  };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable, &old_handler), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable, &old_handler), 0);
  const int fd_a = a.fd[0], fd_b = b.fd[0];
  put(a.fd[1]);
  put(b.fd[1]);
  ASSERT_TRUE(loop_->run_once(kGenerousMs));
  ASSERT_TRUE(batch_has(log_.last_batch, fd_a) && batch_has(log_.last_batch, fd_b))
      << "precondition: both in one batch";
  ASSERT_GE(reused_fd, 0);
  EXPECT_EQ(old_handler.calls, 1) << "the closed descriptor's event reached its old handler";
  EXPECT_EQ(new_handler.calls, 0) << "the closed descriptor's event reached the new watcher";
  // The new descriptor gets its own events from the next batch on.
  ASSERT_TRUE(run_until([&] { return new_handler.calls > 0; }));
  EXPECT_EQ(new_handler.seen[0].first, reused_fd);
  EXPECT_EQ(new_handler.seen[0].second, kReadable);
  loop_->unwatch(reused_fd);
  close(reused_fd);
  close(new_peer);
}

TEST_P(EventLoopTest, HandlerUnwatchingItselfIsCalledOnce) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  h.fn = [&](int fd, std::uint8_t) { loop_->unwatch(fd); };
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  put(p.fd[1]);
  ASSERT_TRUE(run_until([&] { return h.calls > 0; }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(h.calls, 1);
  EXPECT_EQ(loop_->interest(p.fd[0]), 0);
  // Watchable again afterwards.
  FnHandler again;
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &again), 0);
  ASSERT_TRUE(run_until([&] { return again.calls > 0; }));
}

TEST_P(EventLoopTest, WatchingAHighDescriptorFromAHandler) {
  // Growing the watch table inside dispatch must not disturb the rest of the batch.
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  FnHandler h, high_handler;
  int high = -1;
  h.fn = [&](int fd, std::uint8_t) {
    drain(fd);
    if (high < 0) {
      high = fcntl(a.fd[1], F_DUPFD_CLOEXEC, 3000);
      ASSERT_GE(high, 3000);
      ASSERT_EQ(loop_->watch(high, kWritable, &high_handler), 0);
    }
  };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable, &h), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable, &h), 0);
  put(a.fd[1]);
  put(b.fd[1]);
  ASSERT_TRUE(run_until([&] { return h.calls >= 2; }));
  EXPECT_EQ(h.calls, 2);
  ASSERT_TRUE(run_until([&] { return high_handler.calls > 0; }));
  loop_->unwatch(high);
  close(high);
}

TEST_P(EventLoopTest, HangupReachesTheHandler) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  p.close_end(1);
  ASSERT_TRUE(run_until([&] { return h.calls > 0; }));
  EXPECT_TRUE(h.seen[0].second & kHangup) << int(h.seen[0].second);
}

TEST_P(EventLoopTest, TimersFireViaRunOnce) {
  std::vector<int> fired;
  loop_->add_timer(std::chrono::milliseconds(2), [&] { fired.push_back(2); });
  loop_->add_timer(std::chrono::milliseconds(1), [&] { fired.push_back(1); });
  loop_->add_timer(Clock::duration::zero(), [&] { fired.push_back(0); });
  EXPECT_TRUE(fired.empty());  // not inside add_timer
  ASSERT_TRUE(run_until([&] { return fired.size() == 3; }));
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2}));
}

TEST_P(EventLoopTest, TimerBoundsTheWait) {
  // With nothing else to do, the loop sleeps only until the timer is due, not until the cap.
  bool fired = false;
  loop_->add_timer(std::chrono::milliseconds(20), [&] { fired = true; });
  const auto start = Clock::now();
  ASSERT_TRUE(loop_->run_once(20000));
  for (int i = 0; i < 100 && !fired; ++i) ASSERT_TRUE(loop_->run_once(20000));
  EXPECT_TRUE(fired);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));  // an upper bound only
}

TEST_P(EventLoopTest, CancelledTimerDoesNotFire) {
  bool fired = false, other = false;
  TimerId id = loop_->add_timer(Clock::duration::zero(), [&] { fired = true; });
  loop_->add_timer(std::chrono::milliseconds(1), [&] { other = true; });
  loop_->cancel_timer(id);
  EXPECT_FALSE(id);
  ASSERT_TRUE(run_until([&] { return other; }));
  EXPECT_FALSE(fired);
}

TEST_P(EventLoopTest, TimerArmedInHandlerFiresLater) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  bool fired = false;
  h.fn = [&](int fd, std::uint8_t) {
    drain(fd);
    loop_->add_timer(std::chrono::milliseconds(1), [&] { fired = true; });
  };
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  put(p.fd[1]);
  ASSERT_TRUE(run_until([&] { return fired; }));
  EXPECT_EQ(h.calls, 1);
}

TEST_P(EventLoopTest, BeforeSleepRunsEachIteration) {
  Pair p;
  ASSERT_TRUE(p.ok());
  std::vector<std::string> order;
  FnHandler h;
  h.fn = reader_noting("io", order);
  loop_->set_before_sleep([&] { order.emplace_back("hook"); });
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(order, (std::vector<std::string>{"hook", "hook", "hook"}));
  order.clear();
  put(p.fd[1]);
  ASSERT_TRUE(loop_->run_once(kGenerousMs));
  ASSERT_TRUE(loop_->run_once(0));
  // The hook comes before each wait, so what a handler queued is flushed before sleeping.
  EXPECT_EQ(order, (std::vector<std::string>{"hook", "io", "hook"}));
}

// A long before-sleep pass takes the input that arrived meanwhile without waiting for it.
TEST_P(EventLoopTest, DispatchReadyFromBeforeSleepHandlesWhatIsReadyWithoutWaiting) {
  Pair p;
  ASSERT_TRUE(p.ok());
  std::vector<std::string> order;
  FnHandler h;
  h.fn = reader_noting("io", order);
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  bool timer_fired = false;
  loop_->add_timer(std::chrono::milliseconds(0), [&] { timer_fired = true; });
  loop_->set_before_sleep([&] {
    order.emplace_back("pass begins");
    put(p.fd[1]);
    log_.timeouts.clear();
    EXPECT_TRUE(loop_->dispatch_ready());
    order.emplace_back("pass ends");
  });
  ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(order, (std::vector<std::string>{"pass begins", "io", "pass ends"}));
  EXPECT_TRUE(timer_fired);  // due timers run too
  ASSERT_FALSE(log_.timeouts.empty());
  EXPECT_EQ(log_.timeouts.front(), 0);
}

TEST_P(EventLoopTest, DispatchReadyInsideAHandlerDoesNothing) {
  Pair a, b;
  ASSERT_TRUE(a.ok() && b.ok());
  int waits_inside = -1;
  FnHandler h;
  h.fn = [&](int fd, std::uint8_t) {
    drain(fd);
    int before = log_.waits;
    EXPECT_TRUE(loop_->dispatch_ready());  // would clobber the batch being walked
    waits_inside = log_.waits - before;
  };
  ASSERT_EQ(loop_->watch(a.fd[0], kReadable, &h), 0);
  ASSERT_EQ(loop_->watch(b.fd[0], kReadable, &h), 0);
  put(a.fd[1]);
  put(b.fd[1]);
  ASSERT_TRUE(run_until([&] { return h.calls >= 2; }));
  EXPECT_EQ(waits_inside, 0);
  EXPECT_EQ(h.calls, 2);  // both events of the batch delivered, once each
}

TEST_P(EventLoopTest, SkipNextSleepMakesOnlyTheNextWaitReturnAtOnce) {
  bool skip = true;
  loop_->set_before_sleep([&] {
    if (skip) loop_->skip_next_sleep();
  });
  log_.timeouts.clear();
  ASSERT_TRUE(loop_->run_once(kGenerousMs));  // nothing ready, no timer: would wait 5 s
  skip = false;
  ASSERT_TRUE(loop_->run_once(7));
  EXPECT_EQ(log_.timeouts, (std::vector<int>{0, 7}));
}

TEST_P(EventLoopTest, RunUntilStopFromTimer) {
  // In a child with an alarm: if run() ignored the timer it would sleep forever.
  EXPECT_EXIT(run_until_stop_child(GetParam()), testing::ExitedWithCode(0), "");
}

TEST_P(EventLoopTest, StopFromBeforeSleepEndsWithoutWaiting) {
  int hooks = 0;
  loop_->set_before_sleep([&] {
    ++hooks;
    loop_->stop();
  });
  // A safety net only: were run() to wait after stop(), this timer would end the wait.
  loop_->add_timer(std::chrono::seconds(10), [&] { loop_->stop(); });
  const int waits = log_.waits;
  EXPECT_TRUE(loop_->run());
  EXPECT_EQ(hooks, 1);
  EXPECT_EQ(log_.waits, waits);
}

TEST_P(EventLoopTest, RunOnceReportsPollerError) {
  log_.fail_wait_with = EBADF;
  errno = 0;
  EXPECT_FALSE(loop_->run_once(0));
  EXPECT_EQ(errno, EBADF);
  EXPECT_FALSE(loop_->run());
}

TEST_P(EventLoopTest, NowAdvancesPerIteration) {
  const auto before = Clock::now();
  ASSERT_TRUE(loop_->run_once(0));
  EXPECT_GE(loop_->now(), before);
  EXPECT_LE(loop_->now(), Clock::now());
}

TEST_P(EventLoopTest, SignalsAreDeliveredInsideTheLoop) {
  std::vector<int> got;
  ASSERT_TRUE(loop_->handle_signals({SIGUSR1, SIGUSR2}, [&](int sig) { got.push_back(sig); }));
  ASSERT_EQ(raise(SIGUSR1), 0);
  EXPECT_TRUE(got.empty()) << "handler ran in signal context, not in the loop";
  ASSERT_EQ(raise(SIGUSR2), 0);
  ASSERT_EQ(raise(SIGUSR1), 0);
  ASSERT_TRUE(run_until([&] { return got.size() >= 3; }));
  EXPECT_EQ(got, (std::vector<int>{SIGUSR1, SIGUSR2, SIGUSR1}));
  // Quiet afterwards.
  ASSERT_TRUE(loop_->run_once(0));
  EXPECT_EQ(got.size(), 3u);
}

TEST_P(EventLoopTest, SignalsAndIoInTheSameLoop) {
  Pair p;
  ASSERT_TRUE(p.ok());
  FnHandler h;
  int signals = 0;
  ASSERT_TRUE(loop_->handle_signals({SIGUSR1}, [&](int) { ++signals; }));
  ASSERT_EQ(loop_->watch(p.fd[0], kReadable, &h), 0);
  put(p.fd[1]);
  ASSERT_EQ(raise(SIGUSR1), 0);
  ASSERT_TRUE(run_until([&] { return signals > 0 && h.calls > 0; }));
}

TEST_P(EventLoopTest, SecondHandleSignalsCallStillDelivers) {
  // handle_signals may be called again (say, to add a signal). Run in a child: with a broken
  // implementation the signal may be lost, kill the process or spin.
  EXPECT_EXIT(second_handle_signals_child(GetParam()), testing::ExitedWithCode(0), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopTest, testing::ValuesIn(reactor_test::tested_backends()), backend_name);
