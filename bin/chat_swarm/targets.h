// The servers a run spreads its clients over (--targets, --spread): several nodes of one
// cluster, or one server. Clients are dealt to targets by smooth weighted round robin, so
// any prefix of the clients is spread as evenly as the weights allow (a ramp-up that stops
// early still loads every node).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace swarm {

struct Target {
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t weight = 1;
  std::string text() const;  // host:port, with [ ] around an IPv6 address
};

// "127.0.0.1:5000,127.0.0.1:5001" and "[::1]:5000"; false (with `error`) on anything else.
bool parse_targets(std::string_view text, std::vector<Target>& out, std::string& error);
// "2,1": one positive weight per target, in order.
bool parse_spread(std::string_view text, std::vector<std::uint32_t>& out, std::string& error);

// The target of each of `count` clients, in order.
std::vector<std::uint32_t> deal_clients(const std::vector<Target>& targets, std::uint32_t count);

}  // namespace swarm
