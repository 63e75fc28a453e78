// Socket helpers: listen on an ephemeral port, non-blocking accept, errors naming the address,
// resolving and starting non-blocking connects.
#include "reactor/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tests/reactor/descriptors.h"

using reactor::accept_connection;
using reactor::connect_result;
using reactor::listen_tcp;
using reactor::local_port;
using reactor::PeerAddress;
using reactor::resolve_numeric;
using reactor::resolve_tcp;
using reactor::SocketAddress;
using reactor::start_connect;

namespace {

constexpr int kGenerousMs = 5000;

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// A blocking IPv4 client connected to 127.0.0.1:port, or -1.
int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t port_of(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, kGenerousMs) == 1;
}

bool wait_writable(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, kGenerousMs) == 1;
}

std::uint16_t port_in(const SocketAddress& address) {
  if (address.storage.ss_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_port);
  return ntohs(reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_port);
}

// The only address of a numeric host, or a failed test.
SocketAddress only_address(const std::string& host, std::uint16_t port) {
  std::string error;
  std::vector<SocketAddress> found = resolve_tcp(host, port, error);
  EXPECT_EQ(found.size(), 1u) << error;
  return found.empty() ? SocketAddress{} : found.front();
}

// 0 once a connect started by start_connect() has finished, else its errno.
int finish_connect(int fd) {
  if (!wait_writable(fd)) return ETIMEDOUT;
  return connect_result(fd);
}

// Accepts the connection waiting on `listener` into `conn`; returns its peer's address.
PeerAddress accept_waiting(int listener, Fd& conn) {
  PeerAddress peer;
  EXPECT_TRUE(wait_readable(listener));
  conn.fd = accept_connection(listener, peer);
  EXPECT_GE(conn.fd, 0) << std::strerror(errno);
  return peer;
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof value;
  if (getsockopt(fd, level, name, &value, &len) != 0) return -1;
  return value;
}

}  // namespace

TEST(Socket, ListenOnPortZeroGetsAPort) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  EXPECT_TRUE(error.empty());
  EXPECT_NE(local_port(listener.fd), 0);
  EXPECT_TRUE(fcntl(listener.fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(listener.fd, F_GETFD) & FD_CLOEXEC);
}

TEST(Socket, LocalPortOfABadDescriptorIsZero) { EXPECT_EQ(local_port(-1), 0); }

TEST(Socket, AcceptOnEmptyListenerIsEagain) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  PeerAddress peer;
  errno = 0;
  EXPECT_EQ(accept_connection(listener.fd, peer), -1);
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
}

TEST(Socket, AcceptGivesNonBlockingConnectionAndPeerAddress) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  Fd client(connect_loopback(local_port(listener.fd)));
  ASSERT_GE(client.fd, 0) << std::strerror(errno);
  ASSERT_TRUE(wait_readable(listener.fd));
  PeerAddress peer;
  Fd conn(accept_connection(listener.fd, peer));
  ASSERT_GE(conn.fd, 0) << std::strerror(errno);
  EXPECT_EQ(peer.ip, "127.0.0.1");
  EXPECT_EQ(peer.port, port_of(client.fd));
  EXPECT_EQ(peer.to_string(), "127.0.0.1:" + std::to_string(port_of(client.fd)));
  EXPECT_TRUE(fcntl(conn.fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(conn.fd, F_GETFD) & FD_CLOEXEC);
  // The connection carries bytes both ways.
  ASSERT_EQ(write(client.fd, "ping", 4), 4);
  ASSERT_TRUE(wait_readable(conn.fd));
  char buf[8];
  EXPECT_EQ(read(conn.fd, buf, sizeof buf), 4);
  EXPECT_EQ(reactor::write_some(conn.fd, "pong", 4), 4);
  EXPECT_EQ(read(client.fd, buf, sizeof buf), 4);
  // Only one was waiting.
  EXPECT_EQ(accept_connection(listener.fd, peer), -1);
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
}

TEST(Socket, ListenOnPortInUseFailsNamingTheAddress) {
  std::string error;
  Fd first(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(first.fd, 0) << error;
  std::uint16_t port = local_port(first.fd);
  error.clear();
  Fd second(listen_tcp("127.0.0.1", port, 16, error));
  EXPECT_EQ(second.fd, -1);
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
  EXPECT_NE(error.find(std::strerror(EADDRINUSE)), std::string::npos) << error;
}

TEST(Socket, ListenOnAnAddressNotOnThisHostFails) {
  // 192.0.2.0/24 is TEST-NET-1: never assigned, and numeric so no name lookup happens.
  std::string error;
  Fd fd(listen_tcp("192.0.2.1", 0, 16, error));
  EXPECT_EQ(fd.fd, -1);
  EXPECT_NE(error.find("192.0.2.1:0"), std::string::npos) << error;
}

TEST(Socket, Ipv4MappedPeerShownAsPlainIpv4) {
  std::string error;
  Fd listener(listen_tcp("::", 0, 16, error));
  if (listener.fd < 0) GTEST_SKIP() << "no IPv6 here: " << error;
  Fd client(connect_loopback(local_port(listener.fd)));
  ASSERT_GE(client.fd, 0) << std::strerror(errno);
  ASSERT_TRUE(wait_readable(listener.fd));
  PeerAddress peer;
  Fd conn(accept_connection(listener.fd, peer));
  ASSERT_GE(conn.fd, 0) << std::strerror(errno);
  EXPECT_EQ(peer.ip, "127.0.0.1");
  EXPECT_EQ(peer.port, port_of(client.fd));
}

TEST(Socket, PeerAddressToString) {
  EXPECT_EQ((PeerAddress{"10.1.2.3", 4567}).to_string(), "10.1.2.3:4567");
  EXPECT_EQ((PeerAddress{"::1", 80}).to_string(), "[::1]:80");
  EXPECT_EQ((PeerAddress{"2001:db8::7", 0}).to_string(), "[2001:db8::7]:0");
}

TEST(Socket, TuneConnectionSetsNoDelayAndKeepalive) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  Fd client(connect_loopback(local_port(listener.fd)));
  ASSERT_GE(client.fd, 0);
  reactor::KeepaliveSettings ka;
  ka.idle_seconds = 77;
  ka.interval_seconds = 11;
  ka.probes = 4;
  reactor::tune_connection(client.fd, ka);
  EXPECT_NE(int_option(client.fd, IPPROTO_TCP, TCP_NODELAY), 0);
  EXPECT_NE(int_option(client.fd, SOL_SOCKET, SO_KEEPALIVE), 0);
#if CHAT_HAVE_TCP_KEEPIDLE
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_KEEPIDLE), 77);
#elif CHAT_HAVE_TCP_KEEPALIVE
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_KEEPALIVE), 77);  // macOS's name for it
#endif
#ifdef TCP_KEEPINTVL
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_KEEPINTVL), 11);
#endif
#ifdef TCP_KEEPCNT
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
#endif
}

// Keepalive does not probe while output is unacknowledged: TCP_USER_TIMEOUT bounds that case
// by the same time keepalive takes for a silent peer (77 s idle + 4 probes 11 s apart).
TEST(Socket, TuneConnectionBoundsUnacknowledgedOutputLikeKeepalive) {
  reactor::KeepaliveSettings ka;
  ka.idle_seconds = 77;
  ka.interval_seconds = 11;
  ka.probes = 4;
  EXPECT_EQ(reactor::user_timeout_ms(ka), 121000u);
#if CHAT_HAVE_TCP_USER_TIMEOUT
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  Fd client(connect_loopback(local_port(listener.fd)));
  ASSERT_GE(client.fd, 0);
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 0);  // the kernel's default: none
  reactor::tune_connection(client.fd, ka);
  EXPECT_EQ(int_option(client.fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 121000);
#else
  GTEST_SKIP() << "no TCP_USER_TIMEOUT on this platform";
#endif
}

TEST(Socket, WriteSomeOnFullNonBlockingDescriptorIsEagain) {
  int fds[2];
  ASSERT_TRUE(reactor_test::nonblocking_pipe(fds));
  Fd r(fds[0]), w(fds[1]);
  std::string chunk(65536, 'w');
  long total = 0;
  for (int i = 0; i < 1000; ++i) {
    long n = reactor::write_some(w.fd, chunk.data(), chunk.size());
    if (n < 0) break;
    total += n;
  }
  EXPECT_GT(total, 0);
  errno = 0;
  EXPECT_EQ(reactor::write_some(w.fd, "x", 1), -1);
  EXPECT_EQ(errno, EAGAIN);
}

TEST(Socket, RaiseDescriptorLimitReachesTheHardLimit) {
  // In a child, so the test process keeps its limits.
  EXPECT_EXIT(
      {
        rlimit lim{};
        getrlimit(RLIMIT_NOFILE, &lim);
        if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max > 64) {
          rlimit low = lim;
          low.rlim_cur = 64;
          if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(2);
        }
        std::uint64_t got = reactor::raise_descriptor_limit();
        getrlimit(RLIMIT_NOFILE, &lim);
        bool ok = lim.rlim_cur == lim.rlim_max &&
                  (lim.rlim_cur == RLIM_INFINITY || got == static_cast<std::uint64_t>(lim.rlim_cur));
        _exit(ok ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST(Socket, ResolveNumericHostsGivesOneAddressEach) {
  SocketAddress v4 = only_address("127.0.0.1", 7000);
  EXPECT_EQ(v4.storage.ss_family, AF_INET);
  EXPECT_EQ(v4.length, sizeof(sockaddr_in));
  EXPECT_EQ(port_in(v4), 7000);
  EXPECT_EQ(v4.text, "127.0.0.1:7000");

  SocketAddress v6 = only_address("::1", 7000);
  EXPECT_EQ(v6.storage.ss_family, AF_INET6);
  EXPECT_EQ(v6.length, sizeof(sockaddr_in6));
  EXPECT_EQ(port_in(v6), 7000);
  EXPECT_EQ(v6.text, "[::1]:7000");
}

TEST(Socket, ResolveLocalhostGivesLoopbackAddresses) {
  std::string error;
  std::vector<SocketAddress> found = resolve_tcp("localhost", 7001, error);
  ASSERT_FALSE(found.empty()) << error;
  for (const SocketAddress& a : found) {
    EXPECT_TRUE(a.text == "127.0.0.1:7001" || a.text == "[::1]:7001") << a.text;
    EXPECT_EQ(port_in(a), 7001);
  }
}

TEST(Socket, ResolveUnknownHostFailsNamingIt) {
  // .invalid never resolves (RFC 6761).
  std::string error;
  EXPECT_TRUE(resolve_tcp("no-such-host.invalid", 7000, error).empty());
  EXPECT_NE(error.find("cannot resolve no-such-host.invalid: "), std::string::npos) << error;
}

TEST(Socket, ResolveNumericSourceAddresses) {
  std::string error;
  SocketAddress v4;
  ASSERT_TRUE(resolve_numeric("127.0.0.2", v4, error)) << error;
  EXPECT_EQ(v4.storage.ss_family, AF_INET);
  EXPECT_EQ(port_in(v4), 0);
  EXPECT_EQ(v4.text, "127.0.0.2:0");
  SocketAddress v6;
  ASSERT_TRUE(resolve_numeric("::1", v6, error)) << error;
  EXPECT_EQ(v6.storage.ss_family, AF_INET6);
  EXPECT_EQ(v6.text, "[::1]:0");
}

TEST(Socket, ResolveNumericRefusesNamesAndNonsense) {
  for (const char* bad : {"localhost", "300.1.2.3", "127.0.0.1:80"}) {
    std::string error;
    SocketAddress out;
    EXPECT_FALSE(resolve_numeric(bad, out, error)) << bad;
    EXPECT_NE(error.find(std::string("bad source address ") + bad + ": "), std::string::npos) << error;
  }
}

TEST(Socket, StartConnectToAListenerSucceeds) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  Fd client(start_connect(only_address("127.0.0.1", local_port(listener.fd))));
  ASSERT_GE(client.fd, 0) << std::strerror(-client.fd);
  EXPECT_TRUE(fcntl(client.fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(fcntl(client.fd, F_GETFD) & FD_CLOEXEC);
  EXPECT_EQ(finish_connect(client.fd), 0);
  Fd conn;
  PeerAddress peer = accept_waiting(listener.fd, conn);
  EXPECT_EQ(peer.ip, "127.0.0.1");
  EXPECT_EQ(peer.port, port_of(client.fd));
}

TEST(Socket, StartConnectOverIpv6WhereAvailable) {
  std::string error;
  Fd listener(listen_tcp("::1", 0, 16, error));
  if (listener.fd < 0) GTEST_SKIP() << "no IPv6 loopback here: " << error;
  Fd client(start_connect(only_address("::1", local_port(listener.fd))));
  ASSERT_GE(client.fd, 0) << std::strerror(-client.fd);
  EXPECT_EQ(finish_connect(client.fd), 0);
  Fd conn;
  PeerAddress peer = accept_waiting(listener.fd, conn);
  EXPECT_EQ(peer.ip, "::1");
}

TEST(Socket, StartConnectToAClosedPortIsRefused) {
  // A socket bound but not listening holds the port, so nothing else can take it meanwhile.
  Fd bound(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_GE(bound.fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(bound.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  Fd client(start_connect(only_address("127.0.0.1", port_of(bound.fd))));
  // Refused at once or, more usually, once the connect completes.
  if (client.fd < 0) {
    EXPECT_EQ(-client.fd, ECONNREFUSED) << std::strerror(-client.fd);
  } else {
    EXPECT_EQ(finish_connect(client.fd), ECONNREFUSED);
  }
}

TEST(Socket, StartConnectFromASourceAddress) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  SocketAddress source;
  ASSERT_TRUE(resolve_numeric("127.0.0.2", source, error)) << error;
  Fd client(start_connect(only_address("127.0.0.1", local_port(listener.fd)), &source));
  if (client.fd == -EADDRNOTAVAIL) GTEST_SKIP() << "127.0.0.2 is not a local address here";
  ASSERT_GE(client.fd, 0) << std::strerror(-client.fd);
  EXPECT_EQ(finish_connect(client.fd), 0);
  Fd conn;
  PeerAddress peer = accept_waiting(listener.fd, conn);
  EXPECT_EQ(peer.ip, "127.0.0.2");
  EXPECT_NE(peer.port, 0);
}

TEST(Socket, StartConnectFromTheWrongFamilyFails) {
  std::string error;
  SocketAddress source;
  ASSERT_TRUE(resolve_numeric("::1", source, error)) << error;
  int fd = start_connect(only_address("127.0.0.1", 9), &source);
  if (fd >= 0) close(fd);
  EXPECT_LT(fd, 0);
}

TEST(Socket, StartConnectAtTheDescriptorCeilingIsEmfileAndSendsNothing) {
  std::string error;
  Fd listener(listen_tcp("127.0.0.1", 0, 16, error));
  ASSERT_GE(listener.fd, 0) << error;
  SocketAddress server = only_address("127.0.0.1", local_port(listener.fd));
  EXPECT_EQ(start_connect(server, nullptr, 0), -EMFILE);
  // Closed before connect(): the listener never hears of it.
  pollfd p{listener.fd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 100), 0);
  // A ceiling above the next descriptor does not get in the way.
  Fd client(start_connect(server, nullptr, 1 << 20));
  ASSERT_GE(client.fd, 0) << std::strerror(-client.fd);
  EXPECT_EQ(finish_connect(client.fd), 0);
}
