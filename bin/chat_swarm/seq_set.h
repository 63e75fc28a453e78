// SeqSet: a set of sequence numbers kept as sorted, disjoint, non-adjacent closed intervals.
// A stream received in order is a single interval, so memory grows only with gaps.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace swarm {

struct SeqRange {
  std::uint32_t lo;
  std::uint32_t hi;  // inclusive
  std::uint64_t size() const { return std::uint64_t{hi} - lo + 1; }
};

class SeqSet {
 public:
  // False when q was already present.
  bool insert(std::uint32_t q) {
    if (ranges_.empty() || q > std::uint64_t{ranges_.back().hi} + 1) {
      ranges_.push_back({q, q});
      return true;
    }
    if (q == std::uint64_t{ranges_.back().hi} + 1) {  // the common case: the next in order
      ranges_.back().hi = q;
      return true;
    }
    // The first range that contains q or ends right before it.
    auto it = std::lower_bound(ranges_.begin(), ranges_.end(), q,
                               [](const SeqRange& r, std::uint32_t v) { return std::uint64_t{r.hi} + 1 < v; });
    if (it->lo <= q && q <= it->hi) return false;
    if (q == std::uint64_t{it->hi} + 1) {
      it->hi = q;
      auto next = it + 1;
      if (next != ranges_.end() && next->lo == std::uint64_t{q} + 1) {
        it->hi = next->hi;
        ranges_.erase(next);
      }
      return true;
    }
    if (std::uint64_t{q} + 1 == it->lo) {
      it->lo = q;
      return true;
    }
    ranges_.insert(it, {q, q});
    return true;
  }

  bool contains(std::uint32_t q) const {
    auto it = std::lower_bound(ranges_.begin(), ranges_.end(), q,
                               [](const SeqRange& r, std::uint32_t v) { return r.hi < v; });
    return it != ranges_.end() && it->lo <= q;
  }

  bool empty() const { return ranges_.empty(); }
  std::uint32_t min() const { return ranges_.front().lo; }
  std::uint32_t max() const { return ranges_.back().hi; }
  std::uint64_t size() const {
    std::uint64_t n = 0;
    for (const SeqRange& r : ranges_) n += r.size();
    return n;
  }

  // How many members lie in [lo, hi].
  std::uint64_t count_in(std::uint32_t lo, std::uint32_t hi) const {
    if (lo > hi) return 0;
    std::uint64_t n = 0;
    for (const SeqRange& r : ranges_) {
      std::uint32_t a = std::max(r.lo, lo), b = std::min(r.hi, hi);
      if (a <= b) n += std::uint64_t{b} - a + 1;
    }
    return n;
  }

  // The numbers of [lo, hi] that are missing, as ranges (at most `limit` of them).
  std::vector<SeqRange> missing_in(std::uint32_t lo, std::uint32_t hi, std::size_t limit) const {
    std::vector<SeqRange> out;
    if (lo > hi) return out;
    std::uint64_t next = lo;  // first number not yet accounted for
    for (const SeqRange& r : ranges_) {
      if (out.size() >= limit || next > hi) return out;
      if (r.hi < next) continue;
      if (r.lo > next) out.push_back({static_cast<std::uint32_t>(next), std::min<std::uint32_t>(r.lo - 1, hi)});
      next = std::uint64_t{r.hi} + 1;
    }
    if (next <= hi && out.size() < limit) out.push_back({static_cast<std::uint32_t>(next), hi});
    return out;
  }

  const std::vector<SeqRange>& ranges() const { return ranges_; }

 private:
  std::vector<SeqRange> ranges_;
};

}  // namespace swarm
