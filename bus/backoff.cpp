// Exponential backoff with jitter (see backoff.h); splitmix64 as the random source, seeded
// per node so that tests can repeat a sequence.
#include "bus/backoff.h"

#include <algorithm>

namespace bus {

Backoff::Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, std::uint64_t seed)
    : first_(std::max(first, std::chrono::milliseconds(1))), cap_(std::max(cap, first_)), state_(seed) {}

std::chrono::milliseconds Backoff::next() {
  std::int64_t ceiling = first_.count();
  for (unsigned i = 0; i < attempt_ && ceiling < cap_.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<std::int64_t>(cap_.count()));
  if (attempt_ < 64) ++attempt_;
  state_ += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  const auto half = static_cast<std::uint64_t>(ceiling / 2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(half + z % (half + 1)));
}

}  // namespace bus
