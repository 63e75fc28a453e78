// AuthThrottle implementation.
#include "protocol/auth_throttle.h"

#include <algorithm>

namespace chat {

bool AuthThrottle::is_locked(std::string_view address, Clock::time_point now) const {
  auto it = by_address_.find(std::string(address));
  return it != by_address_.end() && now < it->second.locked_until;
}

bool AuthThrottle::record_failure(std::string_view address, Clock::time_point now) {
  forget_stale(now);
  Record& r = by_address_[std::string(address)];
  std::erase_if(r.failures, [&](Clock::time_point t) { return now - t >= window_; });
  r.failures.push_back(now);
  if (r.failures.size() < max_failures_) return false;
  r.failures.clear();
  bool starts = now >= r.locked_until;
  r.locked_until = now + lockout_;
  return starts;
}

void AuthThrottle::forget_stale(Clock::time_point now) {
  // At most one sweep per window: O(addresses) amortised over many failures.
  if (now - last_sweep_ < window_) return;
  last_sweep_ = now;
  std::erase_if(by_address_, [&](const auto& entry) {
    const Record& r = entry.second;
    bool recent = !r.failures.empty() && now - r.failures.back() < window_;
    return !recent && now >= r.locked_until;
  });
}

}  // namespace chat
