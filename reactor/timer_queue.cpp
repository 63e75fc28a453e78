// TimerQueue implementation; see timer_queue.h for why a heap with lazy cancellation.
#include "reactor/timer_queue.h"

#include <algorithm>

namespace reactor {

bool TimerQueue::later(const Entry& a, const Entry& b) {
  if (a.deadline != b.deadline) return a.deadline > b.deadline;
  return a.sequence > b.sequence;
}

bool TimerQueue::is_live(const Entry& e) const {
  const Slot& s = slots_[e.slot];
  return s.armed && s.generation == e.generation;
}

TimerId TimerQueue::schedule(Clock::time_point deadline, std::function<void()> callback) {
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.callback = std::move(callback);
  s.armed = true;
  heap_.push_back({deadline, next_sequence_++, slot, s.generation});
  std::push_heap(heap_.begin(), heap_.end(), later);
  ++live_;
  return {slot, s.generation};
}

void TimerQueue::cancel(TimerId& id) {
  if (!id) return;
  Slot& s = slots_[id.slot];
  if (s.armed && s.generation == id.generation) {
    s.armed = false;
    ++s.generation;
    s.callback = nullptr;
    free_slots_.push_back(id.slot);
    --live_;
    compact_if_mostly_stale();
  }
  id = TimerId{};
}

void TimerQueue::drop_stale_top() {
  while (!heap_.empty() && !is_live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

void TimerQueue::compact_if_mostly_stale() {
  if (heap_.size() < 64 || heap_.size() < 2 * live_) return;
  std::erase_if(heap_, [this](const Entry& e) { return !is_live(e); });
  std::make_heap(heap_.begin(), heap_.end(), later);
}

void TimerQueue::run_expired(Clock::time_point now) {
  for (;;) {
    drop_stale_top();
    if (heap_.empty() || heap_.front().deadline > now) return;
    Entry top = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    Slot& s = slots_[top.slot];
    std::function<void()> callback = std::move(s.callback);
    s.callback = nullptr;
    s.armed = false;
    ++s.generation;
    free_slots_.push_back(top.slot);
    --live_;
    callback();  // may schedule or cancel other timers
  }
}

int TimerQueue::milliseconds_until_next(Clock::time_point now) {
  drop_stale_top();
  if (heap_.empty()) return -1;
  auto wait = heap_.front().deadline - now;
  if (wait <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::min<long long>(ms, 60LL * 60 * 1000));  // an hour at most
}

}  // namespace reactor
