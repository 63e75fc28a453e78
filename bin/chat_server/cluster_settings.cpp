// --redis, --redis-password-file, --node-name and --redis-timeout, turned into a ClusterNode's options.
#include "bin/chat_server/cluster_settings.h"

#include <unistd.h>

#include <charconv>

#include "bus/bus_keys.h"
#include "reactor/socket.h"

namespace chat_server {

std::optional<RedisAddress> parse_redis_address(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  if (host.find_first_of(" \t\r\n[]") != std::string_view::npos) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
  return RedisAddress{std::string(host), static_cast<std::uint16_t>(value)};
}

std::string default_node_name() {
  char host[256] = {};
  const std::string_view base = gethostname(host, sizeof host - 1) == 0 && host[0] != '\0' ? host : "node";
  std::string name;
  for (char c : base) {
    if (name.size() == 48) break;
    name.push_back(c == '|' || static_cast<unsigned char>(c) < 0x21 || c == 0x7f ? '_' : c);
  }
  name.append(1, '-').append(std::to_string(getpid()));
  return bus::valid_node_name(name) ? name : "node-" + std::to_string(getpid());
}

std::optional<cluster::ClusterOptions> cluster_options(const Options& options, std::string& error) {
  std::optional<RedisAddress> at = parse_redis_address(options.redis);
  if (!at) {
    error = "redis: not HOST:PORT: " + options.redis;
    return std::nullopt;
  }
  cluster::ClusterOptions o;
  o.redis = reactor::resolve_tcp(at->host, at->port, error);
  if (o.redis.empty()) {
    error = "redis: " + error;
    return std::nullopt;
  }
  o.password = options.redis_password;
  o.max_line = options.max_line;
  o.node = options.node_name.empty() ? default_node_name() : options.node_name;
  o.answer_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options.redis_timeout_seconds * 1000));
  return o;
}

}  // namespace chat_server
