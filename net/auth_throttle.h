// AuthThrottle: the brute-force lock-out (PROTOCOL.md "Brute force"). Too many wrong
// passwords from one source within a window lock that source out for a while. A source is
// an IPv4 address, or an IPv6 /64: one host usually owns a whole /64 and could otherwise
// rotate addresses within it forever. Memory stays bounded: sources with nothing recent are
// forgotten, and at most `max_sources` are tracked at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace net {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AuthThrottle(std::size_t max_failures = 5, Clock::duration window = std::chrono::seconds(60),
                        Clock::duration lockout = std::chrono::seconds(60), std::size_t max_sources = 65536)
      : max_failures_(max_failures), window_(window), lockout_(lockout), max_sources_(max_sources) {}

  bool is_locked(std::string_view address, Clock::time_point now) const;
  // Returns true when this failure starts a lock-out.
  bool record_failure(std::string_view address, Clock::time_point now);
  std::size_t tracked() const { return by_address_.size(); }

  // The key an address is tracked under: IPv6 addresses become their /64 ("2001:db8:1:2::/64"),
  // everything else (IPv4, IPv4-mapped IPv6, unparsable text) stays as it is.
  static std::string source_of(std::string_view address);

 private:
  struct Record {
    std::vector<Clock::time_point> failures;  // the most recent ones, oldest first
    Clock::time_point locked_until{};
  };
  void forget_stale(Clock::time_point now, bool force);

  std::size_t max_failures_;
  Clock::duration window_;
  Clock::duration lockout_;
  std::size_t max_sources_;
  std::unordered_map<std::string, Record> by_address_;
  Clock::time_point last_sweep_{};
};

}  // namespace net
