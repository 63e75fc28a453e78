// Histogram: bucket arithmetic, exactness for small values, bounded relative error,
// percentiles on crafted input, merging.
#include "bin/chat_swarm/histogram.h"

#include <gtest/gtest.h>

#include <random>

using swarm::Histogram;

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.mean(), 0);
}

TEST(Histogram, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < Histogram::kSubBuckets; ++v) {
    EXPECT_EQ(Histogram::index_of(v), v);
    EXPECT_EQ(Histogram::lowest_in(v), v);
    EXPECT_EQ(Histogram::highest_in(v), v);
  }
}

TEST(Histogram, BucketsTileTheWholeRangeWithoutGaps) {
  for (std::size_t i = 0; i + 1 < Histogram::kBuckets; ++i) {
    ASSERT_EQ(Histogram::highest_in(i) + 1, Histogram::lowest_in(i + 1)) << "bucket " << i;
    ASSERT_EQ(Histogram::index_of(Histogram::lowest_in(i)), i);
    ASSERT_EQ(Histogram::index_of(Histogram::highest_in(i)), i);
  }
  EXPECT_EQ(Histogram::index_of(UINT64_MAX), Histogram::kBuckets - 1);
  EXPECT_EQ(Histogram::highest_in(Histogram::kBuckets - 1), UINT64_MAX);
}

TEST(Histogram, RelativeErrorBelowOnePercent) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t v = rng() >> (rng() % 60);
    std::size_t b = Histogram::index_of(v);
    ASSERT_LE(Histogram::lowest_in(b), v);
    ASSERT_GE(Histogram::highest_in(b), v);
    double width = static_cast<double>(Histogram::highest_in(b) - Histogram::lowest_in(b));
    ASSERT_LE(width, static_cast<double>(v) / 128.0 + 1) << v;
  }
}

TEST(Histogram, PercentilesOfOneToOneHundred) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(90), 90u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(99.9), 100u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.percentile(0), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(Histogram, PercentilesOfLargeValuesWithinBucketPrecision) {
  Histogram h;
  // 1 ms .. 1000 ms in 1 ms steps: p50 is 500 ms, p99 990 ms, up to 1/128 above.
  for (std::uint64_t ms = 1; ms <= 1000; ++ms) h.record(ms * 1'000'000);
  auto near = [](std::uint64_t got, std::uint64_t want) {
    return got >= want && static_cast<double>(got - want) <= static_cast<double>(want) / 128.0;
  };
  EXPECT_PRED2(near, h.percentile(50), 500'000'000u);
  EXPECT_PRED2(near, h.percentile(90), 900'000'000u);
  EXPECT_PRED2(near, h.percentile(99), 990'000'000u);
  EXPECT_PRED2(near, h.percentile(99.9), 999'000'000u);
  EXPECT_EQ(h.percentile(100), 1'000'000'000u);
  EXPECT_EQ(h.max(), 1'000'000'000u);
}

TEST(Histogram, OneOutlierShowsOnlyAtTheTail) {
  Histogram h;
  h.record(100'000, 9990);      // 100 us, 9990 times
  h.record(2'000'000'000, 10);  // a 2 s stall, 10 times (0.1 %)
  EXPECT_LE(h.percentile(99), 100'000u + 100'000u / 128);
  EXPECT_LE(h.percentile(99.9), 100'000u + 100'000u / 128);
  EXPECT_GE(h.percentile(99.91), 2'000'000'000u);
  EXPECT_EQ(h.max(), 2'000'000'000u);
}

TEST(Histogram, PercentileNeverExceedsMax) {
  Histogram h;
  h.record(1'000'001);
  EXPECT_EQ(h.percentile(50), 1'000'001u);
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Histogram a, b, all;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    std::uint64_t v = rng() % 10'000'000;
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(a.percentile(p), all.percentile(p)) << p;
  Histogram empty;
  a.merge(empty);
  EXPECT_EQ(a.count(), all.count());
}

TEST(Histogram, SummaryMatchesQueries) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);
  swarm::HistogramSummary s = h.summary();
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.min, 1000u);
  EXPECT_EQ(s.max, 1'000'000u);
  EXPECT_EQ(s.p50, h.percentile(50));
  EXPECT_EQ(s.p999, h.percentile(99.9));
}
