// TokenBucket: `rate` tokens per second up to `burst`, full at the first take. Used to pace
// how fast a connection's lines are processed, and how many bytes one source address may
// have relayed; callers pause reading rather than drop input.
#pragma once

#include <algorithm>
#include <chrono>

#include "reactor/timer_queue.h"

namespace reactor {

class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst) {}

  bool unlimited() const { return rate_ <= 0; }

  // Takes one token if there is one.
  bool try_take(Clock::time_point now) {
    if (unlimited()) return true;
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // For costs in units (bytes, say): true while the balance is above zero. spend() may take it
  // below zero, a debt the refill pays off first, so that one cost larger than the burst still
  // goes through and the long-run rate still holds.
  bool can_spend(Clock::time_point now) {
    if (unlimited()) return true;
    refill(now);
    return tokens_ > 0;
  }
  void spend(double amount) {
    if (!unlimited()) tokens_ -= amount;
  }

  // How long until a token is available (zero if one is).
  Clock::duration wait_for_token(Clock::time_point now) {
    if (unlimited()) return Clock::duration::zero();
    refill(now);
    if (tokens_ >= 1.0) return Clock::duration::zero();
    // Rounded up, so that waiting this long is always enough; capped at an hour so a tiny
    // rate cannot overflow the clock's representation.
    double seconds = std::min((1.0 - tokens_) / rate_, 3600.0);
    return std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
  }

 private:
  void refill(Clock::time_point now) {
    if (!started_) {
      started_ = true;
      tokens_ = burst_;
    } else {
      std::chrono::duration<double> elapsed = now - last_;
      tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    }
    last_ = now;
  }

  double rate_ = 0;
  double burst_ = 0;
  double tokens_ = 0;
  Clock::time_point last_{};
  bool started_ = false;
};

}  // namespace reactor
