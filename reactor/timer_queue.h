// TimerQueue: one-shot timers kept in a binary min-heap keyed by deadline.
//
// Why a heap: an idle client costs nothing (no syscall, no scan per tick); arming is
// O(log n) and the loop sleeps exactly until the earliest deadline. Cancelling is lazy
// (the slot's generation moves on and the stale heap entry is skipped when it surfaces),
// and the heap is rebuilt when stale entries outnumber live ones, so memory stays
// proportional to live timers. A timer wheel would make arming O(1), but with one timer per
// connection that is never the bottleneck next to the accept() that created it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace reactor {

using Clock = std::chrono::steady_clock;

struct TimerId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  explicit operator bool() const { return slot != UINT32_MAX; }
};

class TimerQueue {
 public:
  TimerId schedule(Clock::time_point deadline, std::function<void()> callback);
  // Cancelling an expired, cancelled or empty id is a no-op; the id is reset.
  void cancel(TimerId& id);
  // Runs every callback whose deadline is <= now, in deadline order.
  void run_expired(Clock::time_point now);
  // Milliseconds until the earliest live deadline (rounded up), or -1 when none is armed.
  int milliseconds_until_next(Clock::time_point now);
  std::size_t live() const { return live_; }

 private:
  struct Slot {
    std::function<void()> callback;
    std::uint32_t generation = 0;
    bool armed = false;
  };
  struct Entry {
    Clock::time_point deadline;
    std::uint64_t sequence;  // ties broken by arming order
    std::uint32_t slot;
    std::uint32_t generation;
  };
  static bool later(const Entry& a, const Entry& b);
  bool is_live(const Entry& e) const;
  void drop_stale_top();
  void compact_if_mostly_stale();

  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<Entry> heap_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace reactor
