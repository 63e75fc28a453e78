// AuthThrottle: PROTOCOL.md "Brute force" lock-out, driven with explicit time points only.
#include "net/auth_throttle.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

using net::AuthThrottle;
using namespace std::chrono_literals;

namespace {

// A fixed, arbitrary origin far from the clock's epoch; never the real clock.
const AuthThrottle::Clock::time_point T0 = AuthThrottle::Clock::time_point{} + 1000h;

// Records `n` failures for `address`, one second apart starting at `start`; returns how
// many of them reported the start of a lock-out.
int fail(AuthThrottle& t, const std::string& address, int n, AuthThrottle::Clock::time_point start,
         AuthThrottle::Clock::duration step = 1s) {
  int starts = 0;
  for (int i = 0; i < n; ++i) starts += t.record_failure(address, start + i * step) ? 1 : 0;
  return starts;
}

}  // namespace

TEST(AuthThrottle, UnknownAddressIsNotLocked) {
  AuthThrottle t;
  EXPECT_FALSE(t.is_locked("10.0.0.1", T0));
  EXPECT_EQ(t.tracked(), 0u);
}

TEST(AuthThrottle, FourFailuresDoNotLock) {
  AuthThrottle t;
  EXPECT_EQ(fail(t, "10.0.0.1", 4, T0), 0);
  EXPECT_FALSE(t.is_locked("10.0.0.1", T0 + 4s));
}

TEST(AuthThrottle, FiveFailuresWithinWindowLock) {
  AuthThrottle t;
  EXPECT_EQ(fail(t, "10.0.0.1", 4, T0), 0);
  EXPECT_TRUE(t.record_failure("10.0.0.1", T0 + 4s));  // the fifth starts the lock-out
  EXPECT_TRUE(t.is_locked("10.0.0.1", T0 + 4s));
  EXPECT_TRUE(t.is_locked("10.0.0.1", T0 + 30s));
}

TEST(AuthThrottle, FiveFailuresAtTheSameInstantLock) {
  AuthThrottle t;
  EXPECT_EQ(fail(t, "a", 5, T0, 0s), 1);
  EXPECT_TRUE(t.is_locked("a", T0));
}

TEST(AuthThrottle, FiveFailuresSpreadJustInsideTheWindowLock) {
  AuthThrottle t;
  // First at T0, fifth at T0 + 59.999 s: all within 60 s.
  EXPECT_EQ(fail(t, "a", 4, T0, 14s), 0);
  EXPECT_TRUE(t.record_failure("a", T0 + 59999ms));
}

TEST(AuthThrottle, FailuresOlderThanWindowDoNotCount) {
  AuthThrottle t;
  EXPECT_EQ(fail(t, "a", 4, T0), 0);  // T0 .. T0+3s
  // At T0+60.5s the failure at T0 is more than 60 s old: only 4 count (T0+1..3, T0+60.5).
  EXPECT_FALSE(t.record_failure("a", T0 + 60500ms));
  EXPECT_FALSE(t.is_locked("a", T0 + 60500ms));
  // One more while T0+1s is still inside the window: now 5 within 60 s.
  EXPECT_TRUE(t.record_failure("a", T0 + 60900ms));
  EXPECT_TRUE(t.is_locked("a", T0 + 61s));
}

TEST(AuthThrottle, SlowSteadyFailuresNeverLock) {
  AuthThrottle t;
  // One failure every 15 s: never 5 within 60 s.
  EXPECT_EQ(fail(t, "a", 40, T0, 15s), 0);
  EXPECT_FALSE(t.is_locked("a", T0 + 600s));
}

TEST(AuthThrottle, LockExpires) {
  AuthThrottle t;
  ASSERT_EQ(fail(t, "a", 5, T0), 1);  // locked at T0+4s for 60 s
  EXPECT_TRUE(t.is_locked("a", T0 + 4s));
  EXPECT_TRUE(t.is_locked("a", T0 + 63s));
  EXPECT_TRUE(t.is_locked("a", T0 + 63999ms));
  EXPECT_FALSE(t.is_locked("a", T0 + 64s));
  EXPECT_FALSE(t.is_locked("a", T0 + 1000s));
}

TEST(AuthThrottle, AfterLockExpiresCountingStartsAfresh) {
  AuthThrottle t;
  ASSERT_EQ(fail(t, "a", 5, T0), 1);
  AuthThrottle::Clock::time_point later = T0 + 70s;
  ASSERT_FALSE(t.is_locked("a", later));
  EXPECT_EQ(fail(t, "a", 4, later), 0);  // the earlier five do not linger
  EXPECT_FALSE(t.is_locked("a", later + 4s));
  EXPECT_TRUE(t.record_failure("a", later + 4s));
  EXPECT_TRUE(t.is_locked("a", later + 5s));
}

TEST(AuthThrottle, FailuresWhileLockedDoNotStartANewLock) {
  AuthThrottle t;
  ASSERT_EQ(fail(t, "a", 5, T0), 1);
  // Connections opened before the lock may still fail; that is not a new lock-out.
  EXPECT_EQ(fail(t, "a", 5, T0 + 10s), 0);
  EXPECT_TRUE(t.is_locked("a", T0 + 20s));
}

TEST(AuthThrottle, DifferentAddressesAreIndependent) {
  AuthThrottle t;
  ASSERT_EQ(fail(t, "10.0.0.1", 5, T0), 1);
  EXPECT_TRUE(t.is_locked("10.0.0.1", T0 + 5s));
  EXPECT_FALSE(t.is_locked("10.0.0.2", T0 + 5s));
  EXPECT_FALSE(t.is_locked("::1", T0 + 5s));
  EXPECT_EQ(fail(t, "10.0.0.2", 4, T0 + 5s), 0);
  EXPECT_FALSE(t.is_locked("10.0.0.2", T0 + 9s));
  EXPECT_EQ(t.tracked(), 2u);
}

TEST(AuthThrottle, InterleavedAddressesCountSeparately) {
  AuthThrottle t;
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(t.record_failure("a", T0 + i * 2s));
    EXPECT_FALSE(t.record_failure("b", T0 + i * 2s + 1s));
  }
  EXPECT_FALSE(t.is_locked("a", T0 + 9s));
  EXPECT_FALSE(t.is_locked("b", T0 + 9s));
  EXPECT_TRUE(t.record_failure("b", T0 + 9s));
  EXPECT_TRUE(t.is_locked("b", T0 + 9s));
  EXPECT_FALSE(t.is_locked("a", T0 + 9s));
}

TEST(AuthThrottle, CustomLimits) {
  AuthThrottle t(3, 10s, 5min);
  EXPECT_EQ(fail(t, "a", 2, T0), 0);
  EXPECT_TRUE(t.record_failure("a", T0 + 2s));
  EXPECT_TRUE(t.is_locked("a", T0 + 2s + 5min - 1s));
  EXPECT_FALSE(t.is_locked("a", T0 + 2s + 5min));
  // With a 10 s window, three failures 6 s apart never lock.
  EXPECT_EQ(fail(t, "b", 10, T0, 6s), 0);
}

TEST(AuthThrottle, StaleEntriesAreForgotten) {
  AuthThrottle t;
  for (int i = 0; i < 100; ++i) t.record_failure(std::string("10.1.0.") + std::to_string(i), T0 + 1s);
  EXPECT_EQ(t.tracked(), 100u);
  // Long after the window, the next failure sweeps the stale records away.
  t.record_failure("10.2.0.1", T0 + 5min);
  EXPECT_EQ(t.tracked(), 1u);
  EXPECT_FALSE(t.is_locked("10.1.0.7", T0 + 5min));
}

TEST(AuthThrottle, RecentEntriesAreNotForgotten) {
  AuthThrottle t;
  t.record_failure("old", T0);
  t.record_failure("recent", T0 + 100s);
  // A sweep has dropped "old" (no failure within 60 s) but keeps "recent" (30 s ago).
  t.record_failure("new", T0 + 130s);
  EXPECT_EQ(t.tracked(), 2u);
  // "recent" still counts its earlier failure: 4 more within the window lock it.
  EXPECT_EQ(fail(t, "recent", 3, T0 + 131s), 0);
  EXPECT_TRUE(t.record_failure("recent", T0 + 135s));
}

TEST(AuthThrottle, LockedEntriesAreNotForgotten) {
  AuthThrottle t(5, 60s, 10min);
  ASSERT_EQ(fail(t, "bad", 5, T0), 1);  // locked until T0+4s+10min
  t.record_failure("x", T0 + 3min);     // sweep: "bad" has no recent failures but is locked
  EXPECT_EQ(t.tracked(), 2u);
  EXPECT_TRUE(t.is_locked("bad", T0 + 3min));
  EXPECT_TRUE(t.is_locked("bad", T0 + 10min));
  // After the lock-out the entry goes at the next sweep.
  t.record_failure("y", T0 + 20min);
  EXPECT_FALSE(t.is_locked("bad", T0 + 20min));
  EXPECT_EQ(t.tracked(), 1u);
}

TEST(AuthThrottle, MemoryStaysBoundedUnderManyAddresses) {
  AuthThrottle t;
  // A new address every second for an hour: at most a couple of windows' worth are kept.
  for (int i = 0; i < 3600; ++i) {
    t.record_failure(std::string("addr") + std::to_string(i), T0 + i * 1s);
    ASSERT_LE(t.tracked(), 121u) << "at second " << i;
  }
}

TEST(AuthThrottle, Ipv6SourcesAreTheirSlash64) {
  EXPECT_EQ(AuthThrottle::source_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(AuthThrottle::source_of("2001:db8::1"), "2001:db8:0:0::/64");
  EXPECT_EQ(AuthThrottle::source_of("::1"), "0:0:0:0::/64");
  EXPECT_EQ(AuthThrottle::source_of("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
  EXPECT_EQ(AuthThrottle::source_of("10.0.0.1"), "10.0.0.1");
}

TEST(AuthThrottle, RotatingAddressesWithinOneSlash64AreLockedTogether) {
  AuthThrottle t;
  int starts = 0;
  for (int i = 0; i < 5; ++i) starts += t.record_failure("2001:db8:1:2::" + std::to_string(i + 1), T0 + i * 1s) ? 1 : 0;
  EXPECT_EQ(starts, 1);
  EXPECT_TRUE(t.is_locked("2001:db8:1:2:ffff::9", T0 + 5s));
  EXPECT_FALSE(t.is_locked("2001:db8:1:3::1", T0 + 5s));  // the neighbouring /64 is not
  EXPECT_EQ(t.tracked(), 1u);
}

TEST(AuthThrottle, TableNeverGrowsBeyondItsCap) {
  AuthThrottle t(5, 60s, 60s, /*max_sources=*/100);
  for (int i = 0; i < 1000; ++i)
    t.record_failure("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), T0);
  EXPECT_EQ(t.tracked(), 100u);
}

TEST(AuthThrottle, AFullTableMakesRoomOnceOldRecordsAreStale) {
  AuthThrottle t(5, 60s, 60s, /*max_sources=*/10);
  for (int i = 0; i < 10; ++i) t.record_failure("10.0.0." + std::to_string(i), T0);
  EXPECT_EQ(t.tracked(), 10u);
  // A minute later those single failures are stale: the next new source gets a slot and can
  // be locked out.
  EXPECT_EQ(fail(t, "10.9.9.9", 5, T0 + 61s, 0s), 1);
  EXPECT_TRUE(t.is_locked("10.9.9.9", T0 + 61s));
  EXPECT_EQ(t.tracked(), 1u);
}

TEST(AuthThrottle, LocksSurviveAFullTable) {
  AuthThrottle t(5, 60s, 60s, /*max_sources=*/10);
  EXPECT_EQ(fail(t, "10.0.0.1", 5, T0, 0s), 1);
  for (int i = 0; i < 100; ++i) t.record_failure("10.2.0." + std::to_string(i), T0 + 2s);
  EXPECT_TRUE(t.is_locked("10.0.0.1", T0 + 30s));
}
