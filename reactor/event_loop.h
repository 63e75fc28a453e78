// EventLoop: one thread, one Poller, timers, signals and a hook that runs once per iteration
// before sleeping (where servers flush coalesced output and free closed connections).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "reactor/poller.h"
#include "reactor/signal_pipe.h"
#include "reactor/timer_queue.h"

namespace reactor {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // `events` is a mix of kReadable, kWritable, kHangup.
  virtual void on_io(int fd, std::uint8_t events) = 0;
};

class EventLoop {
 public:
  explicit EventLoop(std::unique_ptr<Poller> poller);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  std::string_view backend() const { return poller_->name(); }

  // Returns 0 or an errno value. One handler per descriptor.
  int watch(int fd, std::uint8_t interest, IoHandler* handler);
  // Changes interest; no syscall when it is unchanged.
  int set_interest(int fd, std::uint8_t interest);
  std::uint8_t interest(int fd) const;
  // Stops delivering events for fd, including events already collected in this batch, so a
  // descriptor closed and reused within one batch never sees its predecessor's events.
  void unwatch(int fd);

  TimerId add_timer(Clock::duration after, std::function<void()> callback);
  void cancel_timer(TimerId& id) { timers_.cancel(id); }

  // Calls `handler` inside the loop when one of `signals` arrives.
  bool handle_signals(std::initializer_list<int> signals, std::function<void(int)> handler);

  // Runs after each batch of events and timers, before the loop sleeps again.
  void set_before_sleep(std::function<void()> hook) { before_sleep_ = std::move(hook); }
  // For a before-sleep hook with a long pass of work (a fan-out's writes): handles the events
  // and timers that are ready now, without waiting, so input that arrived meanwhile joins
  // the pass instead of waiting for the next one. Does nothing inside a handler or timer.
  // False on a poller error.
  bool dispatch_ready();
  // The next wait returns at once: the hook left work for the next iteration.
  void skip_next_sleep() { skip_sleep_ = true; }

  // Time at the start of the current iteration (one clock read per iteration).
  Clock::time_point now() const { return now_; }

  // Runs until stop(); false when the poller failed (errno says why).
  bool run();
  void stop() { running_ = false; }
  // One iteration with a cap on the wait; for tests and embedders. Returns false on a poller error.
  bool run_once(int max_wait_ms);

 private:
  struct Watch {
    IoHandler* handler = nullptr;
    std::uint8_t interest = 0;
    std::uint64_t unwatched_in_batch = 0;
  };
  class SignalHandler;

  Watch* find(int fd);
  bool poll_and_dispatch(int max_wait_ms);

  std::unique_ptr<Poller> poller_;
  std::vector<Watch> watches_;
  std::vector<ReadyEvent> ready_;
  TimerQueue timers_;
  std::function<void()> before_sleep_;
  std::unique_ptr<SignalPipe> signal_pipe_;
  std::unique_ptr<SignalHandler> signal_handler_;
  Clock::time_point now_ = Clock::now();
  std::uint64_t batch_ = 1;
  bool running_ = false;
  bool dispatching_ = false;  // inside poll_and_dispatch: handlers and timers are running
  bool skip_sleep_ = false;
};

}  // namespace reactor
