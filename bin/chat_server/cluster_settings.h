// The cluster's settings: --redis HOST:PORT, the Redis password, the node's name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bin/chat_server/options.h"
#include "cluster/cluster_node.h"

namespace chat_server {

struct RedisAddress {
  std::string host;
  std::uint16_t port = 0;
};
// "host:port", "1.2.3.4:6379", "[::1]:6379"; nullopt when it is none of those.
std::optional<RedisAddress> parse_redis_address(std::string_view text);

// The host name and the process id ("web1-4242"), cut to what a node name may be.
std::string default_node_name();

// The ClusterNode's options from the server's (the address resolved now); nullopt with
// `error` when Redis's name does not resolve.
std::optional<cluster::ClusterOptions> cluster_options(const Options& options, std::string& error);

}  // namespace chat_server
