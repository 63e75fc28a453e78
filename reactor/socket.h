// Thin wrappers over the socket calls a TCP line server needs; each reports errno, none throws.
#pragma once

#include <cstdint>
#include <string>

namespace reactor {

struct PeerAddress {
  std::string ip;  // textual, IPv4-mapped IPv6 shown as plain IPv4
  std::uint16_t port = 0;
  std::string to_string() const;
};

// A non-blocking, close-on-exec listening socket bound to host:port (port 0: any free port).
// Returns the descriptor, or -1 with `error` set to a message naming the address.
int listen_tcp(const std::string& host, std::uint16_t port, int backlog, std::string& error);

// Starts a non-blocking TCP connection to host:port, optionally from `source_ip` (to spread
// load tests over 127.0.0.x). Returns the descriptor (the connection may still be in
// progress: wait for writability, then check connect_result()), or -1 with `error` set.
int connect_tcp(const std::string& host, std::uint16_t port, const std::string& source_ip, std::string& error);
// 0 when a non-blocking connect succeeded, else its errno.
int connect_result(int fd);

// The port a bound socket actually got.
std::uint16_t local_port(int fd);

// Accepts one connection as a non-blocking, close-on-exec descriptor; -1 with errno set.
int accept_connection(int listen_fd, PeerAddress& peer);

struct KeepaliveSettings {
  int idle_seconds = 30;
  int interval_seconds = 10;
  int probes = 3;
};
// TCP_NODELAY (lines are small and latency matters) and keepalive so vanished peers are noticed.
void tune_connection(int fd, const KeepaliveSettings& keepalive);

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the resulting soft limit.
std::uint64_t raise_descriptor_limit();

// write() retrying EINTR; returns bytes written or -1 (errno). Never blocks on a non-blocking fd.
long write_some(int fd, const void* data, std::size_t size);

}  // namespace reactor
