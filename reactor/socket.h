// Thin wrappers over the socket calls a TCP line server and its clients need; each reports
// errno, none throws.
#pragma once

#include <sys/socket.h>

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

namespace reactor {

struct PeerAddress {
  std::string ip;  // textual, IPv4-mapped IPv6 shown as plain IPv4
  std::uint16_t port = 0;
  std::string to_string() const;
};

// A non-blocking, close-on-exec listening socket bound to host:port (port 0: any free port).
// Returns the descriptor, or -1 with `error` set to a message naming the address.
// `reuse_port`: SO_REUSEPORT, so several processes share the port (the kernel spreads the
// connections); where the platform has no such option, listen_tcp fails saying so.
int listen_tcp(const std::string& host, std::uint16_t port, int backlog, std::string& error, bool reuse_port = false);

// One address resolved for connect() or bind(), kept so that a name is looked up once, not
// once per connection.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "ip:port" for messages ("[::1]:7000"; a source is "127.0.0.2:0")
};

// Every TCP address of host:port (a name or a numeric address), in getaddrinfo's order: a
// client should try them all, since "localhost" is often ::1 first while a server listens
// on IPv4 only. Empty, with `error` set to a message naming the host, on failure.
std::vector<SocketAddress> resolve_tcp(const std::string& host, std::uint16_t port, std::string& error);
// A numeric source address (no name lookup; port 0, so the kernel picks one) to bind before
// connecting; false with `error` set on failure.
bool resolve_numeric(const std::string& ip, SocketAddress& out, std::string& error);

// Starts a non-blocking, close-on-exec TCP connection to `to`, first bound to `from` if given
// (to spread load tests over 127.0.0.x). Returns the descriptor, which may still be
// connecting (wait for writability, then check connect_result()), or -errno. A descriptor
// numbered `max_fd` or above is closed before connecting and reported as -EMFILE, so that a
// caller can keep the descriptors above it for itself.
int start_connect(const SocketAddress& to, const SocketAddress* from = nullptr, int max_fd = INT_MAX);
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
// TCP_NODELAY (lines are small and latency matters) and keepalive so vanished peers are
// noticed; where the platform has TCP_USER_TIMEOUT, also a bound on unacknowledged output
// (user_timeout_ms), so a peer that vanishes while we send is noticed as soon as a silent one.
void tune_connection(int fd, const KeepaliveSettings& keepalive);
// What keepalive takes to give up on a silent peer, in ms: idle + probes * interval.
unsigned user_timeout_ms(const KeepaliveSettings& keepalive);

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the resulting soft limit.
std::uint64_t raise_descriptor_limit();

// write() retrying EINTR; returns bytes written or -1 (errno). Never blocks on a non-blocking fd.
long write_some(int fd, const void* data, std::size_t size);

}  // namespace reactor
