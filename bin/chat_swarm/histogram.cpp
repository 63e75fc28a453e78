// Histogram: log-linear bucket arithmetic (see histogram.h).
#include "bin/chat_swarm/histogram.h"

#include <bit>
#include <cmath>

namespace swarm {

std::size_t Histogram::index_of(std::uint64_t value) {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  unsigned magnitude = 63u - static_cast<unsigned>(std::countl_zero(value));  // >= kSubBucketBits
  unsigned shift = magnitude - (kSubBucketBits - 1);
  std::uint64_t sub = value >> shift;  // in [kHalf, kSubBuckets)
  return static_cast<std::size_t>(kSubBuckets + (magnitude - kSubBucketBits) * kHalf + (sub - kHalf));
}

std::uint64_t Histogram::lowest_in(std::size_t index) {
  if (index < kSubBuckets) return index;
  std::size_t above = index - kSubBuckets;
  unsigned magnitude = static_cast<unsigned>(above / kHalf) + kSubBucketBits;
  std::uint64_t sub = kHalf + above % kHalf;
  return sub << (magnitude - (kSubBucketBits - 1));
}

std::uint64_t Histogram::highest_in(std::size_t index) {
  if (index < kSubBuckets) return index;
  std::size_t above = index - kSubBuckets;
  unsigned shift = static_cast<unsigned>(above / kHalf) + 1;
  return lowest_in(index) + ((std::uint64_t{1} << shift) - 1);
}

void Histogram::record(std::uint64_t value, std::uint64_t times) {
  if (times == 0) return;
  counts_[index_of(value)] += times;
  count_ += times;
  if (value < min_) min_ = value;
  if (value > max_) max_ = value;
  sum_ += static_cast<double>(value) * static_cast<double>(times);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
  sum_ += other.sum_;
}

std::uint64_t Histogram::percentile(double percent) const {
  if (count_ == 0) return 0;
  if (percent >= 100) return max_;
  if (percent < 0) percent = 0;
  // Rounded as HdrHistogram does, so 99.9 % of 10000 is 9990, not 9991 by a rounding error.
  auto target = static_cast<std::uint64_t>(std::llround(percent / 100.0 * static_cast<double>(count_)));
  if (target == 0) target = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= target) {
      std::uint64_t v = highest_in(i);
      return v < max_ ? v : max_;
    }
  }
  return max_;
}

HistogramSummary Histogram::summary() const {
  HistogramSummary s;
  s.count = count_;
  s.min = min();
  s.mean = mean();
  s.p50 = percentile(50);
  s.p90 = percentile(90);
  s.p99 = percentile(99);
  s.p999 = percentile(99.9);
  s.max = max_;
  if (count_)
    for (double p : kCurvePercents) s.curve.emplace_back(p, p == 0 ? min() : percentile(p));
  return s;
}

}  // namespace swarm
