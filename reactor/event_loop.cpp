// EventLoop implementation.
#include "reactor/event_loop.h"

#include <cerrno>

namespace reactor {

class EventLoop::SignalHandler final : public IoHandler {
 public:
  SignalHandler(SignalPipe& pipe, std::function<void(int)> handler) : pipe_(pipe), handler_(std::move(handler)) {}
  void on_io(int /*fd*/, std::uint8_t /*events*/) override {
    for (int sig : pipe_.take()) handler_(sig);
  }

 private:
  SignalPipe& pipe_;
  std::function<void(int)> handler_;
};

EventLoop::EventLoop(std::unique_ptr<Poller> poller) : poller_(std::move(poller)) {}

EventLoop::~EventLoop() {
  if (signal_pipe_) unwatch(signal_pipe_->read_fd());
}

EventLoop::Watch* EventLoop::find(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) return nullptr;
  Watch& w = watches_[fd];
  return w.handler ? &w : nullptr;
}

int EventLoop::watch(int fd, std::uint8_t interest, IoHandler* handler) {
  if (fd < 0 || handler == nullptr) return EINVAL;
  if (static_cast<std::size_t>(fd) >= watches_.size()) watches_.resize(fd + 1);
  Watch& w = watches_[fd];
  if (w.handler) return EEXIST;
  if (int err = poller_->add(fd, interest)) return err;
  w.handler = handler;
  w.interest = interest;
  return 0;
}

int EventLoop::set_interest(int fd, std::uint8_t interest) {
  Watch* w = find(fd);
  if (!w) return ENOENT;
  if (w->interest == interest) return 0;
  if (int err = poller_->modify(fd, interest)) return err;
  w->interest = interest;
  return 0;
}

std::uint8_t EventLoop::interest(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= watches_.size()) return 0;
  return watches_[fd].interest;
}

void EventLoop::unwatch(int fd) {
  Watch* w = find(fd);
  if (!w) return;
  poller_->remove(fd);
  w->handler = nullptr;
  w->interest = 0;
  w->unwatched_in_batch = batch_;
}

TimerId EventLoop::add_timer(Clock::duration after, std::function<void()> callback) {
  return timers_.schedule(Clock::now() + after, std::move(callback));
}

bool EventLoop::handle_signals(std::initializer_list<int> signals, std::function<void(int)> handler) {
  if (signal_pipe_) {  // replacing: retire the old pipe completely before the new one exists
    unwatch(signal_pipe_->read_fd());
    signal_pipe_.reset();
    signal_handler_.reset();
  }
  signal_pipe_ = std::make_unique<SignalPipe>(signals);
  if (!signal_pipe_->ok()) return false;
  signal_handler_ = std::make_unique<SignalHandler>(*signal_pipe_, std::move(handler));
  return watch(signal_pipe_->read_fd(), kReadable, signal_handler_.get()) == 0;
}

bool EventLoop::run_once(int max_wait_ms) {
  if (before_sleep_) before_sleep_();
  return poll_and_dispatch(max_wait_ms);
}

bool EventLoop::dispatch_ready() {
  if (dispatching_) return true;
  return poll_and_dispatch(0);
}

bool EventLoop::poll_and_dispatch(int max_wait_ms) {
  // A wait of 0 (a flush pass's look for input, every few dozen writes) needs no timer lookup.
  int timeout = max_wait_ms == 0 ? 0 : timers_.milliseconds_until_next(Clock::now());
  if (max_wait_ms >= 0 && (timeout < 0 || timeout > max_wait_ms)) timeout = max_wait_ms;
  if (skip_sleep_) timeout = 0;
  skip_sleep_ = false;
  if (int err = poller_->wait(ready_, timeout)) {
    errno = err;
    return false;
  }
  now_ = Clock::now();
  ++batch_;
  dispatching_ = true;
  for (const ReadyEvent& ev : ready_) {
    Watch& w = watches_[ev.fd];
    if (w.unwatched_in_batch == batch_ || !w.handler) continue;  // stale: closed in this batch
    // Interest may have changed earlier in this batch: deliver only what is still wanted
    // (hang-ups always, so a paused descriptor's failure is still noticed).
    std::uint8_t events = ev.events & (w.interest | kHangup);
    if (events) w.handler->on_io(ev.fd, events);
  }
  timers_.run_expired(Clock::now());
  dispatching_ = false;
  return true;
}

bool EventLoop::run() {
  running_ = true;
  while (running_) {
    if (before_sleep_) before_sleep_();
    if (!running_) break;
    if (!poll_and_dispatch(-1)) return false;
  }
  return true;
}

}  // namespace reactor
