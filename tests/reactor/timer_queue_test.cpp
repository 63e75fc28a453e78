// TimerQueue: deadline order, ties, cancellation, re-entrant callbacks and bounded stale entries.
#include "reactor/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

using reactor::Clock;
using reactor::TimerId;
using reactor::TimerQueue;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

namespace {

// An arbitrary fixed origin: the queue never reads the clock itself.
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1000);

std::size_t heap_bytes_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;  // small chunks plus mmap()ed large ones (a big vector)
#endif
}

}  // namespace

TEST(TimerQueue, EmptyQueue) {
  TimerQueue q;
  EXPECT_EQ(q.live(), 0u);
  EXPECT_EQ(q.milliseconds_until_next(t0), -1);
  q.run_expired(t0 + std::chrono::hours(1));  // nothing to do
}

TEST(TimerQueue, FiresInDeadlineOrder) {
  TimerQueue q;
  std::vector<int> fired;
  for (int ms : {50, 10, 40, 20, 30, 0}) q.schedule(t0 + milliseconds(ms), [&fired, ms] { fired.push_back(ms); });
  EXPECT_EQ(q.live(), 6u);
  q.run_expired(t0 + milliseconds(25));
  EXPECT_EQ(fired, (std::vector<int>{0, 10, 20}));
  EXPECT_EQ(q.live(), 3u);
  q.run_expired(t0 + milliseconds(100));
  EXPECT_EQ(fired, (std::vector<int>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(q.live(), 0u);
}

TEST(TimerQueue, DeadlineEqualToNowFires) {
  TimerQueue q;
  int fired = 0;
  q.schedule(t0 + milliseconds(5), [&] { ++fired; });
  q.run_expired(t0 + milliseconds(5) - nanoseconds(1));
  EXPECT_EQ(fired, 0);
  q.run_expired(t0 + milliseconds(5));
  EXPECT_EQ(fired, 1);
}

TEST(TimerQueue, TiesFireInArmingOrder) {
  TimerQueue q;
  std::vector<int> fired;
  for (int i = 0; i < 100; ++i) q.schedule(t0 + milliseconds(i % 3), [&fired, i] { fired.push_back(i); });
  q.run_expired(t0 + milliseconds(10));
  ASSERT_EQ(fired.size(), 100u);
  std::vector<int> want;
  for (int r = 0; r < 3; ++r)
    for (int i = r; i < 100; i += 3) want.push_back(i);
  EXPECT_EQ(fired, want);
}

TEST(TimerQueue, RandomDeadlinesFireSorted) {
  TimerQueue q;
  std::mt19937 rng(7);
  std::vector<std::pair<long, int>> armed;  // (deadline, arming order)
  std::vector<std::pair<long, int>> fired;
  for (int i = 0; i < 2000; ++i) {
    long ms = static_cast<long>(rng() % 500);
    armed.emplace_back(ms, i);
    q.schedule(t0 + milliseconds(ms), [&fired, ms, i] { fired.emplace_back(ms, i); });
  }
  for (long now = 0; now < 500 + 37; now += 37) q.run_expired(t0 + milliseconds(now));
  EXPECT_EQ(q.live(), 0u);
  std::sort(armed.begin(), armed.end());
  EXPECT_EQ(fired, armed);
}

TEST(TimerQueue, CancelPreventsFiring) {
  TimerQueue q;
  std::vector<int> fired;
  TimerId a = q.schedule(t0 + milliseconds(1), [&] { fired.push_back(1); });
  TimerId b = q.schedule(t0 + milliseconds(2), [&] { fired.push_back(2); });
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  q.cancel(a);
  EXPECT_FALSE(a);  // the id is reset
  EXPECT_EQ(q.live(), 1u);
  q.run_expired(t0 + milliseconds(10));
  EXPECT_EQ(fired, std::vector<int>{2});
  EXPECT_EQ(q.live(), 0u);
}

TEST(TimerQueue, DoubleCancelAndEmptyIdAreNoOps) {
  TimerQueue q;
  TimerId a = q.schedule(t0, [] {});
  TimerId copy = a;
  q.cancel(a);
  q.cancel(a);     // already reset
  q.cancel(copy);  // stale copy of a cancelled id
  EXPECT_FALSE(copy);
  TimerId none;
  EXPECT_FALSE(none);
  q.cancel(none);
  EXPECT_EQ(q.live(), 0u);
}

TEST(TimerQueue, CancelAfterFireIsNoOpEvenWhenTheSlotIsReused) {
  TimerQueue q;
  int first = 0, second = 0;
  TimerId a = q.schedule(t0, [&] { ++first; });
  q.run_expired(t0);
  EXPECT_EQ(first, 1);
  // The fired timer's slot is reused by the next one; the old id must not cancel it.
  TimerId b = q.schedule(t0 + milliseconds(1), [&] { ++second; });
  EXPECT_EQ(b.slot, a.slot) << "slot not reused; the check below is weaker than intended";
  q.cancel(a);
  EXPECT_FALSE(a);
  EXPECT_EQ(q.live(), 1u);
  q.run_expired(t0 + milliseconds(1));
  EXPECT_EQ(second, 1);
}

TEST(TimerQueue, StaleIdOfCancelledTimerDoesNotCancelSuccessor) {
  TimerQueue q;
  int fired = 0;
  TimerId a = q.schedule(t0, [] {});
  TimerId old = a;
  q.cancel(a);
  TimerId b = q.schedule(t0, [&] { ++fired; });
  EXPECT_EQ(b.slot, old.slot);
  q.cancel(old);
  EXPECT_EQ(q.live(), 1u);
  q.run_expired(t0);
  EXPECT_EQ(fired, 1);
}

TEST(TimerQueue, CallbackSchedulesAnother) {
  TimerQueue q;
  std::vector<std::string> fired;
  q.schedule(t0 + milliseconds(1), [&] {
    fired.emplace_back("first");
    q.schedule(t0 + milliseconds(5), [&] { fired.emplace_back("later"); });
    q.schedule(t0 + milliseconds(1), [&] { fired.emplace_back("due now"); });
  });
  q.run_expired(t0 + milliseconds(2));
  // A timer armed by a callback and already due (deadline <= now) runs in the same pass.
  EXPECT_EQ(fired, (std::vector<std::string>{"first", "due now"}));
  EXPECT_EQ(q.live(), 1u);
  EXPECT_EQ(q.milliseconds_until_next(t0 + milliseconds(2)), 3);
  q.run_expired(t0 + milliseconds(5));
  EXPECT_EQ(fired, (std::vector<std::string>{"first", "due now", "later"}));
}

TEST(TimerQueue, CallbackCancelsAnotherDueInTheSamePass) {
  TimerQueue q;
  std::vector<int> fired;
  TimerId victim;
  q.schedule(t0 + milliseconds(1), [&] {
    fired.push_back(1);
    q.cancel(victim);
  });
  victim = q.schedule(t0 + milliseconds(2), [&] { fired.push_back(2); });
  q.schedule(t0 + milliseconds(3), [&] { fired.push_back(3); });
  q.run_expired(t0 + milliseconds(10));
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_FALSE(victim);
  EXPECT_EQ(q.live(), 0u);
}

TEST(TimerQueue, CallbackCancellingItselfIsHarmless) {
  TimerQueue q;
  int fired = 0, other = 0;
  TimerId self;
  self = q.schedule(t0, [&] {
    ++fired;
    TimerId next = q.schedule(t0 + milliseconds(1), [&] { ++other; });  // may reuse self's slot
    (void)next;
    q.cancel(self);  // already fired: must not cancel `next`
  });
  q.run_expired(t0);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(q.live(), 1u);
  q.run_expired(t0 + milliseconds(1));
  EXPECT_EQ(other, 1);
}

TEST(TimerQueue, CallbackCancelsManyTriggeringCompaction) {
  // Cancelling from inside a callback may rebuild the heap while run_expired walks it.
  TimerQueue q;
  std::vector<TimerId> ids;
  ids.reserve(200);
  std::vector<int> fired;
  for (int i = 0; i < 200; ++i)
    ids.push_back(q.schedule(t0 + milliseconds(10 + i), [&fired, i] { fired.push_back(i); }));
  q.schedule(t0 + milliseconds(5), [&] {
    for (int i = 0; i < 200; ++i)
      if (i % 10 != 0) q.cancel(ids[i]);
  });
  q.run_expired(t0 + milliseconds(1000));
  std::vector<int> want;
  for (int i = 0; i < 200; i += 10) want.push_back(i);
  EXPECT_EQ(fired, want);
  EXPECT_EQ(q.live(), 0u);
}

TEST(TimerQueue, MillisecondsUntilNextRoundsUp) {
  TimerQueue q;
  TimerId a = q.schedule(t0 + milliseconds(10), [] {});
  EXPECT_EQ(q.milliseconds_until_next(t0), 10);
  EXPECT_EQ(q.milliseconds_until_next(t0 + nanoseconds(1)), 10);  // 9.999999 ms -> 10
  EXPECT_EQ(q.milliseconds_until_next(t0 + milliseconds(9) + nanoseconds(1)), 1);
  EXPECT_EQ(q.milliseconds_until_next(t0 + milliseconds(10)), 0);
  EXPECT_EQ(q.milliseconds_until_next(t0 + milliseconds(20)), 0);  // overdue
  TimerId b = q.schedule(t0 + milliseconds(3), [] {});
  EXPECT_EQ(q.milliseconds_until_next(t0), 3);
  q.cancel(b);
  EXPECT_EQ(q.milliseconds_until_next(t0), 10);  // the cancelled earlier one is skipped
  q.cancel(a);
  EXPECT_EQ(q.milliseconds_until_next(t0), -1);
}

TEST(TimerQueue, MillisecondsUntilNextIsCappedNotOverflowed) {
  TimerQueue q;
  q.schedule(t0 + std::chrono::hours(24 * 365), [] {});
  int ms = q.milliseconds_until_next(t0);
  EXPECT_GT(ms, 0);
  EXPECT_LE(ms, 60 * 60 * 1000);
}

TEST(TimerQueue, LiveCountsArmedTimers) {
  TimerQueue q;
  std::vector<TimerId> ids;
  ids.reserve(100);
  for (int i = 0; i < 100; ++i) ids.push_back(q.schedule(t0 + milliseconds(i), [] {}));
  EXPECT_EQ(q.live(), 100u);
  for (int i = 0; i < 100; i += 2) q.cancel(ids[i]);
  EXPECT_EQ(q.live(), 50u);
  q.run_expired(t0 + milliseconds(49));  // fires 1, 3, ..., 49
  EXPECT_EQ(q.live(), 25u);
  for (TimerId& id : ids) q.cancel(id);  // mixes live, fired and cancelled ids
  EXPECT_EQ(q.live(), 0u);
  EXPECT_EQ(q.milliseconds_until_next(t0), -1);
}

TEST(TimerQueue, OrderSurvivesCompaction) {
  TimerQueue q;
  std::mt19937 rng(99);
  std::vector<TimerId> ids;
  std::vector<std::pair<long, int>> kept, fired;
  for (int i = 0; i < 5000; ++i) {
    long ms = static_cast<long>(rng() % 1000);
    ids.push_back(q.schedule(t0 + milliseconds(ms), [&fired, ms, i] { fired.emplace_back(ms, i); }));
    if (i % 7 == 0) kept.emplace_back(ms, i);
  }
  // Cancel six in seven: stale entries soon outnumber live ones and the heap is rebuilt.
  for (int i = 0; i < 5000; ++i)
    if (i % 7 != 0) q.cancel(ids[i]);
  EXPECT_EQ(q.live(), kept.size());
  q.run_expired(t0 + milliseconds(1000));
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(fired, kept);
}

TEST(TimerQueue, ArmCancelChurnKeepsMemoryBounded) {
  // One idle timer per connection, re-armed on each line: a million arm/cancel pairs must not
  // leave a million stale heap entries behind (32 MB and more if they were kept).
  TimerQueue q;
  std::vector<TimerId> ids;
  ids.reserve(100);
  for (int i = 0; i < 100; ++i) ids.push_back(q.schedule(t0 + std::chrono::seconds(60 + i), [] {}));
  // Warm up so the vectors reach their steady size before measuring.
  for (int i = 0; i < 10000; ++i) {
    TimerId& id = ids[static_cast<std::size_t>(i) % ids.size()];
    q.cancel(id);
    id = q.schedule(t0 + std::chrono::seconds(60 + i), [] {});
  }
  std::size_t before = heap_bytes_in_use();
  for (int i = 0; i < 1000000; ++i) {
    TimerId& id = ids[static_cast<std::size_t>(i) % ids.size()];
    q.cancel(id);
    id = q.schedule(t0 + std::chrono::seconds(60 + i), [] {});
  }
  std::size_t after = heap_bytes_in_use();
  EXPECT_EQ(q.live(), 100u);
  EXPECT_LT(after, before + (1u << 20)) << "before " << before << " after " << after;
  int fired = 0;
  q.schedule(t0, [&] { ++fired; });
  q.run_expired(t0 + std::chrono::hours(24 * 30));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(q.live(), 0u);
  EXPECT_EQ(q.milliseconds_until_next(t0), -1);
}

TEST(TimerQueue, CancelledCallbackIsDestroyedAtOnce) {
  // A cancelled timer must not keep what its callback captured alive until its deadline.
  TimerQueue q;
  auto token = std::make_shared<int>(1);
  TimerId id = q.schedule(t0 + std::chrono::hours(1), [token] {});
  EXPECT_EQ(token.use_count(), 2);
  q.cancel(id);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(TimerQueue, FiredCallbackIsDestroyedAfterRunning) {
  TimerQueue q;
  auto token = std::make_shared<int>(1);
  q.schedule(t0, [token] {});
  q.run_expired(t0);
  EXPECT_EQ(token.use_count(), 1);
}
