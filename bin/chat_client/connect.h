// Connecting to the server: every address a name resolves to is tried in turn, because
// "localhost" is often ::1 first while the server listens on IPv4 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace chat_client {

// Tries every address of host:port in turn, each for at most `per_address`. Returns a
// connected, non-blocking socket with TCP_NODELAY and keepalive on, or -1 with `error` set
// to a message naming the address.
int connect_to_server(const std::string& host, std::uint16_t port, std::chrono::milliseconds per_address,
                      std::string& error);

}  // namespace chat_client
