// The servers a run spreads its clients over (--targets, --spread): several nodes of one
// cluster, or one server. Clients are dealt to targets by smooth weighted round robin, so
// any prefix of the clients is spread as evenly as the weights allow (a ramp-up that stops
// early still loads every node).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swarm {

// What a server speaks: chat-server's line protocol, IRC (chat-server's IRC door, or any
// IRC server), the line protocol in WebSocket text frames (the web door), or Redis pub/sub
// (RESP), so the same tool and workload can measure them all.
enum class Proto { Chat, Irc, Ws, Redis };
std::string_view to_string(Proto p);
// "line" (or "chat"), "irc", "ws", "redis".
std::optional<Proto> proto_named(std::string_view name);

struct Target {
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t weight = 1;
  std::optional<Proto> proto;  // from "irc://host:port"; unset: --proto
  std::string text() const;    // [scheme://]host:port, with [ ] around an IPv6 address
};

// "127.0.0.1:5000,127.0.0.1:5001", "[::1]:5000", "irc://127.0.0.1:6667,ws://127.0.0.1:8080";
// false (with `error`) on anything else.
bool parse_targets(std::string_view text, std::vector<Target>& out, std::string& error);
// "2,1": one positive weight per target, in order.
bool parse_spread(std::string_view text, std::vector<std::uint32_t>& out, std::string& error);
// "line=50,irc=25,ws=25": a share per door.
bool parse_mix(std::string_view text, std::vector<std::pair<Proto, std::uint32_t>>& out, std::string& error);

// The target of each of `count` clients, in order.
std::vector<std::uint32_t> deal_clients(const std::vector<Target>& targets, std::uint32_t count);

}  // namespace swarm
