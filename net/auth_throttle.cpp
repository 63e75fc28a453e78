// AuthThrottle implementation.
#include "net/auth_throttle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace net {

std::string AuthThrottle::source_of(std::string_view address) {
  std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return text;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(bytes, bytes + 12, kMappedPrefix)) return text;
  char prefix[48];
  (void)std::snprintf(prefix, sizeof prefix, "%x:%x:%x:%x::/64", bytes[0] << 8 | bytes[1], bytes[2] << 8 | bytes[3],
                      bytes[4] << 8 | bytes[5], bytes[6] << 8 | bytes[7]);
  return prefix;
}

bool AuthThrottle::is_locked(std::string_view address, Clock::time_point now) const {
  auto it = by_address_.find(source_of(address));
  return it != by_address_.end() && now < it->second.locked_until;
}

bool AuthThrottle::record_failure(std::string_view address, Clock::time_point now) {
  forget_stale(now, by_address_.size() >= max_sources_);
  std::string source = source_of(address);
  auto it = by_address_.find(source);
  if (it == by_address_.end()) {
    // Still full of live records: an attack from more sources than we track. New sources go
    // unthrottled rather than unbounded memory; those already locked stay locked.
    if (by_address_.size() >= max_sources_) return false;
    it = by_address_.emplace(std::move(source), Record{}).first;
  }
  Record& r = it->second;
  std::erase_if(r.failures, [&](Clock::time_point t) { return now - t >= window_; });
  r.failures.push_back(now);
  if (r.failures.size() < max_failures_) return false;
  r.failures.clear();
  bool starts = now >= r.locked_until;
  r.locked_until = now + lockout_;
  return starts;
}

void AuthThrottle::forget_stale(Clock::time_point now, bool force) {
  // At most one sweep per window (O(sources), amortised over many failures), unless the
  // table is full; even then at most one per second, so a flood cannot make every failure
  // a full sweep.
  auto since = now - last_sweep_;
  if (since < (force ? std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) : window_)) return;
  last_sweep_ = now;
  std::erase_if(by_address_, [&](const auto& entry) {
    const Record& r = entry.second;
    bool recent = !r.failures.empty() && now - r.failures.back() < window_;
    return !recent && now >= r.locked_until;
  });
}

}  // namespace net
