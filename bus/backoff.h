// Reconnect delays: exponential from `first` to `cap`, each with full jitter in its upper
// half (so nodes that lost Redis together do not come back in step); reset on success.
#pragma once

#include <chrono>
#include <cstdint>

namespace bus {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, std::uint64_t seed);

  // The delay before the next attempt; grows with each call until reset().
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  unsigned attempts() const { return attempt_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds cap_;
  std::uint64_t state_;
  unsigned attempt_ = 0;
};

}  // namespace bus
