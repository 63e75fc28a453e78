// Pacer: a heap of send deadlines behind one timerfd where there is one (CHAT_HAVE_TIMERFD,
// Linux), else behind the loop's own timers (see pacer.h).
#include "bin/chat_swarm/pacer.h"

#include <unistd.h>

#include <algorithm>
#include <functional>

#if CHAT_HAVE_TIMERFD
#include <sys/timerfd.h>
#endif

namespace swarm {

Pacer::Pacer(reactor::EventLoop& loop, reactor::Clock::time_point epoch, Due due)
    : loop_(loop), epoch_(epoch), due_(std::move(due)) {
#if CHAT_HAVE_TIMERFD
  // steady_clock is CLOCK_MONOTONIC on Linux, so deadlines convert directly.
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ >= 0 && loop_.watch(timer_fd_, reactor::kReadable, this) != 0) {
    close(timer_fd_);
    timer_fd_ = -1;
  }
#endif
}

Pacer::~Pacer() {
  loop_.cancel_timer(fallback_);
  if (timer_fd_ >= 0) {
    loop_.unwatch(timer_fd_);
    close(timer_fd_);
  }
}

void Pacer::schedule(std::uint32_t key, std::uint32_t generation, std::int64_t at_ns) {
  heap_.push_back({at_ns, key, generation});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
  if (armed_ns_ < 0 || at_ns < armed_ns_) arm();
}

void Pacer::on_io(int fd, std::uint8_t /*events*/) {
  std::uint64_t expirations;
  while (read(fd, &expirations, sizeof expirations) > 0) {
  }
  run_due();
}

void Pacer::run_due() {
  armed_ns_ = -1;
  fallback_ = {};
  for (;;) {
    std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(reactor::Clock::now() - epoch_).count();
    if (heap_.empty() || heap_.front().at_ns > now) break;
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    Entry e = heap_.back();
    heap_.pop_back();
    due_(e.key, e.generation);  // may schedule again
  }
  if (!heap_.empty()) arm();
}

void Pacer::arm() {
  if (heap_.empty()) return;
  std::int64_t at = heap_.front().at_ns;
  armed_ns_ = at;
#if CHAT_HAVE_TIMERFD
  if (timer_fd_ >= 0) {
    std::int64_t abs = std::chrono::duration_cast<std::chrono::nanoseconds>(epoch_.time_since_epoch()).count() + at;
    if (abs < 1) abs = 1;  // zero would disarm
    itimerspec spec{};
    spec.it_value.tv_sec = abs / 1'000'000'000;
    spec.it_value.tv_nsec = abs % 1'000'000'000;
    timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
    return;
  }
#endif
  loop_.cancel_timer(fallback_);
  auto wait = epoch_ + std::chrono::nanoseconds(at) - reactor::Clock::now();
  fallback_ = loop_.add_timer(wait.count() > 0 ? wait : reactor::Clock::duration::zero(), [this] { run_due(); });
}

}  // namespace swarm
