// SourceBudgets: one byte budget per source (an IPv4 address or an IPv6 /64), shared by all of
// its connections, so that one address cannot fill another client's queue however many
// connections it opens (docs/PROTOCOL.md, "Flood control").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/auth_throttle.h"
#include "reactor/token_bucket.h"

namespace net {

struct SourceBudget {
  SourceBudget(double rate, double burst) : bytes(rate, burst) {}
  reactor::TokenBucket bytes;  // what this source's lines may still have relayed
  std::size_t connections = 0;
};

class SourceBudgets {
 public:
  // The budget of `ip`'s source, created with this rate and burst if it has none yet. The
  // pointer stays valid until the last detach() of that source.
  SourceBudget* attach(std::string_view ip, double rate, double burst) {
    std::string source = AuthThrottle::source_of(ip);
    auto it = by_source_.try_emplace(std::move(source), rate, burst).first;
    ++it->second.connections;
    return &it->second;
  }
  // A connection of `ip` is gone; its source's entry dies with the last one.
  void detach(std::string_view ip) {
    auto it = by_source_.find(AuthThrottle::source_of(ip));
    if (it != by_source_.end() && --it->second.connections == 0) by_source_.erase(it);
  }
  std::size_t size() const { return by_source_.size(); }

 private:
  std::unordered_map<std::string, SourceBudget> by_source_;  // node-based: pointers stay valid
};

}  // namespace net
