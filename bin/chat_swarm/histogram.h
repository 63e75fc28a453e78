// Histogram: HDR-style log-linear buckets for latencies in nanoseconds. Constant memory,
// relative error below 1/128 (better than two significant digits), mergeable, and answers
// percentile queries the way HdrHistogram does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace swarm {

struct HistogramSummary {
  std::uint64_t count = 0;
  std::uint64_t min = 0;
  double mean = 0;
  std::uint64_t p50 = 0;
  std::uint64_t p90 = 0;
  std::uint64_t p99 = 0;
  std::uint64_t p999 = 0;
  std::uint64_t max = 0;
  // The percentile curve, for charts: (percent, value) at kCurvePercents.
  std::vector<std::pair<double, std::uint64_t>> curve;
};

inline constexpr double kCurvePercents[] = {0,  10, 20, 25, 30, 40,   50,   60,    70,    75,     80,
                                            90, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100};

class Histogram {
 public:
  // Values below 2^kSubBucketBits are kept exactly; above, each power of two is split into
  // 2^(kSubBucketBits-1) equal buckets.
  static constexpr unsigned kSubBucketBits = 8;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;  // 256
  static constexpr std::uint64_t kHalf = kSubBuckets / 2;                           // 128
  static constexpr std::size_t kBuckets = kSubBuckets + (64 - kSubBucketBits) * kHalf;

  Histogram() : counts_(kBuckets, 0) {}

  void record(std::uint64_t value, std::uint64_t times = 1);
  // Adds every value recorded in `other`.
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }
  // The value at or below which `percent`% of the values lie (their count rounded to the
  // nearest whole value, at least one): the highest value of the bucket where that count is
  // reached, never above the true maximum. 0 when empty.
  std::uint64_t percentile(double percent) const;
  HistogramSummary summary() const;

  // The bucket a value falls in, and the range of values that bucket stands for.
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_in(std::size_t index);
  static std::uint64_t highest_in(std::size_t index);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace swarm
