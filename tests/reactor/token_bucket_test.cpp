// TokenBucket: full burst at first use, refill at `rate`, cap at `burst`, and the unlimited case.
#include "reactor/token_bucket.h"

#include <gtest/gtest.h>

#include <chrono>

using reactor::Clock;
using reactor::TokenBucket;
using std::chrono::milliseconds;

namespace {
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1000);
}

TEST(TokenBucket, DefaultIsUnlimited) {
  TokenBucket b;
  EXPECT_TRUE(b.unlimited());
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(b.try_take(t0));
  EXPECT_EQ(b.wait_for_token(t0), Clock::duration::zero());
}

TEST(TokenBucket, RateZeroIsUnlimited) {
  TokenBucket b(0, 5);
  EXPECT_TRUE(b.unlimited());
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(b.try_take(t0));
  EXPECT_EQ(b.wait_for_token(t0), Clock::duration::zero());
}

TEST(TokenBucket, BurstThenRate) {
  TokenBucket b(4, 3);  // 4 per second, bursts of 3
  EXPECT_FALSE(b.unlimited());
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_FALSE(b.try_take(t0));
  EXPECT_EQ(b.wait_for_token(t0), milliseconds(250));
  EXPECT_FALSE(b.try_take(t0 + milliseconds(125)));  // half a token
  EXPECT_EQ(b.wait_for_token(t0 + milliseconds(125)), milliseconds(125));
  EXPECT_TRUE(b.try_take(t0 + milliseconds(250)));
  EXPECT_FALSE(b.try_take(t0 + milliseconds(250)));
  // Two seconds at 4/s would be 8 tokens, but the bucket holds only 3.
  const auto later = t0 + milliseconds(2250);
  EXPECT_EQ(b.wait_for_token(later), Clock::duration::zero());
  EXPECT_TRUE(b.try_take(later));
  EXPECT_TRUE(b.try_take(later));
  EXPECT_TRUE(b.try_take(later));
  EXPECT_FALSE(b.try_take(later));
}

TEST(TokenBucket, FirstUseStartsFullWhateverTheTime) {
  TokenBucket b(1, 2);
  const auto first = t0 + std::chrono::hours(5);
  EXPECT_TRUE(b.try_take(first));
  EXPECT_TRUE(b.try_take(first));
  EXPECT_FALSE(b.try_take(first));
  EXPECT_EQ(b.wait_for_token(first), std::chrono::seconds(1));
}

TEST(TokenBucket, WaitForTokenOnFreshBucketIsZero) {
  TokenBucket b(1, 1);
  EXPECT_EQ(b.wait_for_token(t0), Clock::duration::zero());
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_GT(b.wait_for_token(t0), Clock::duration::zero());
}

TEST(TokenBucket, SteadyRateOverManySeconds) {
  TokenBucket b(2, 1);
  int taken = 0;
  // Poll every 125 ms (a quarter token, exact in binary) for 10 s: 1 (burst) + 2/s * 10 s.
  for (int ms = 0; ms <= 10000; ms += 125) {
    while (b.try_take(t0 + milliseconds(ms))) ++taken;
  }
  EXPECT_EQ(taken, 21);
}

TEST(TokenBucket, WaitingWaitForTokenIsEnough) {
  // The documented use: on refusal, sleep wait_for_token() and try again. That must succeed,
  // whatever the rate; and a zero wait must mean a token is there ("zero if one is").
  for (double rate : {1.0, 2.0, 3.0, 7.0, 10.0, 0.3, 1000.0 / 7}) {
    TokenBucket b(rate, 1);
    ASSERT_TRUE(b.try_take(t0));
    ASSERT_FALSE(b.try_take(t0));
    Clock::duration wait = b.wait_for_token(t0);
    EXPECT_GT(wait, Clock::duration::zero()) << "rate " << rate;
    const auto then = t0 + wait;
    const Clock::duration again = b.wait_for_token(then);
    EXPECT_TRUE(b.try_take(then)) << "rate " << rate << ": no token after waiting "
                                  << std::chrono::nanoseconds(wait).count() << " ns; wait_for_token now says "
                                  << std::chrono::nanoseconds(again).count() << " ns";
  }
}

TEST(TokenBucket, ZeroWaitMeansATokenIsThere) {
  for (double rate : {3.0, 7.0, 0.3}) {
    TokenBucket b(rate, 1);
    ASSERT_TRUE(b.try_take(t0));
    auto now = t0;
    // Follow wait_for_token until it says zero; then a token must be there.
    for (int step = 0; step < 5 && b.wait_for_token(now) != Clock::duration::zero(); ++step)
      now += b.wait_for_token(now);
    ASSERT_EQ(b.wait_for_token(now), Clock::duration::zero()) << "rate " << rate;
    EXPECT_TRUE(b.try_take(now)) << "rate " << rate << ": wait_for_token is zero but try_take refuses";
  }
}

TEST(TokenBucket, TinyRateWaitIsCappedNotOverflowed) {
  // 1e-12 lines/s would be a wait of 1e12 s, beyond the clock's range; the wait is capped.
  reactor::TokenBucket b(1e-12, 1);
  auto t0 = reactor::Clock::time_point{} + std::chrono::hours(1);
  ASSERT_TRUE(b.try_take(t0));
  auto wait = b.wait_for_token(t0);
  EXPECT_GT(wait, std::chrono::minutes(59));
  EXPECT_LE(wait, std::chrono::hours(1));
}

TEST(TokenBucket, SpendingUnitsMayGoIntoDebtThatTheRefillPaysFirst) {
  TokenBucket b(1000, 500);  // 1000 bytes per second, bursts of 500
  ASSERT_TRUE(b.can_spend(t0));
  b.spend(4000);  // one cost far beyond the burst still goes through...
  EXPECT_FALSE(b.can_spend(t0));
  // ...and then the balance stays at or below zero until 3.5 s have paid the debt off.
  EXPECT_FALSE(b.can_spend(t0 + milliseconds(3400)));
  EXPECT_EQ(b.wait_for_token(t0 + milliseconds(3400)), milliseconds(101));
  EXPECT_TRUE(b.can_spend(t0 + milliseconds(3501)));
}

TEST(TokenBucket, SpendingIsFreeWhenUnlimited) {
  TokenBucket b(0, 500);
  b.spend(1e12);
  EXPECT_TRUE(b.can_spend(t0));
}
