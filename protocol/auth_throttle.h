// AuthThrottle: the brute-force lock-out (PROTOCOL.md "Brute force"). Too many wrong
// passwords from one address within a window lock that address out for a while.
// Memory stays bounded: addresses with nothing recent are forgotten.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace chat {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  AuthThrottle(std::size_t max_failures = 5, Clock::duration window = std::chrono::seconds(60),
               Clock::duration lockout = std::chrono::seconds(60))
      : max_failures_(max_failures), window_(window), lockout_(lockout) {}

  bool is_locked(std::string_view address, Clock::time_point now) const;
  // Returns true when this failure starts a lock-out.
  bool record_failure(std::string_view address, Clock::time_point now);
  std::size_t tracked() const { return by_address_.size(); }

 private:
  struct Record {
    std::vector<Clock::time_point> failures;  // the most recent ones, oldest first
    Clock::time_point locked_until{};
  };
  void forget_stale(Clock::time_point now);

  std::size_t max_failures_;
  Clock::duration window_;
  Clock::duration lockout_;
  std::unordered_map<std::string, Record> by_address_;
  Clock::time_point last_sweep_{};
};

}  // namespace chat
