// Pacer: send deadlines with sub-millisecond precision. The reactor's timers round every
// wait up to a whole millisecond, which is fine for timeouts but would add up to 1 ms of
// the swarm's own lateness to every open-loop send on loopback, where a line takes ~100 us.
// On Linux a timerfd wakes the loop at the due nanosecond; elsewhere (macOS, the BSDs, the
// no-epoll CI build) the loop's timers do, to the millisecond. Cancelling is lazy: an entry
// whose generation is stale is dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "reactor/event_loop.h"

namespace swarm {

class Pacer final : public reactor::IoHandler {
 public:
  // `due(key, generation)` runs inside the loop at or after the scheduled time.
  using Due = std::function<void(std::uint32_t key, std::uint32_t generation)>;

  Pacer(reactor::EventLoop& loop, reactor::Clock::time_point epoch, Due due);
  ~Pacer() override;
  Pacer(const Pacer&) = delete;
  Pacer& operator=(const Pacer&) = delete;

  // `at_ns` counts from `epoch`.
  void schedule(std::uint32_t key, std::uint32_t generation, std::int64_t at_ns);
  void on_io(int fd, std::uint8_t events) override;

 private:
  struct Entry {
    std::int64_t at_ns;
    std::uint32_t key;
    std::uint32_t generation;
    bool operator>(const Entry& o) const { return at_ns > o.at_ns; }
  };
  void run_due();
  void arm();

  reactor::EventLoop& loop_;
  reactor::Clock::time_point epoch_;
  Due due_;
  std::vector<Entry> heap_;  // min-heap on at_ns
  int timer_fd_ = -1;
  std::int64_t armed_ns_ = -1;
  reactor::TimerId fallback_;
};

}  // namespace swarm
