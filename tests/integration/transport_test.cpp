// Transport rules of PROTOCOL.md not covered elsewhere: keepalive on every connection, --bind ::.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "harness.h"

using namespace harness;

namespace {

// The server side of established connections on `port`, as `ss -tno` shows them (timers included).
std::string server_sockets(std::uint16_t port) {
  Process p = run_process({"ss", "-tnoH", "state", "established", "( sport = :" + std::to_string(port) + " )"});
  EXPECT_EQ(p.status, 0) << "ss (Debian package iproute2) failed: " << p.err;
  return p.out;
}

}  // namespace

TEST(Transport, KeepaliveIsOnForEveryConnection) {
  Server server;
  Client waiting(server.port());  // still at Password:
  Client chatting(server.port());
  waiting.expect_next("Password:");
  chatting.login("alice");
  // ss shows one timer per socket: keepalive once nothing waits for an ACK, so look again
  // until both sockets are idle (or the deadline passes).
  std::string sockets;
  std::size_t connections = 0, with_keepalive = 0;
  auto until = std::chrono::steady_clock::now() + kDeadline;
  do {
    sockets = server_sockets(server.port());
    connections = count_of(sockets, "\n");
    with_keepalive = count_of(sockets, "timer:(keepalive");
    if (connections == 2 && with_keepalive == 2) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < until);
  EXPECT_EQ(connections, 2u) << sockets;
  EXPECT_EQ(with_keepalive, 2u) << sockets;
}

TEST(Transport, BracketedBindAddressServesIPv6) {
  Server server(with_args({"--bind", "[::1]"}));
  EXPECT_TRUE(contains(server.log(), "listening on [::1]:")) << server.log();
  EXPECT_FALSE(contains(server.log(), "[[")) << server.log();
  Client over_v6(server.port(), ConnectOptions{.host = "::1"});
  over_v6.login("six");
  EXPECT_TRUE(contains(server.log(), "connect [::1]:")) << server.log();
}

TEST(Transport, BindAnyIPv6ServesIPv6AndIPv4Clients) {
  Server server(with_args({"--bind", "::"}));
  ASSERT_TRUE(contains(server.log(), "listening on [::]:")) << server.log();
  Client over_v6(server.port(), ConnectOptions{.host = "::1"});
  Client over_v4(server.port(), ConnectOptions{.host = "127.0.0.1"});
  over_v6.login("six");
  over_v4.login("four");
  over_v6.expect("* four joined the chat");
  over_v4.send_line("hello over IPv4");
  over_v6.expect("<four> hello over IPv4");
  over_v6.send_line("hello over IPv6");
  over_v4.expect("<six> hello over IPv6");
  // The log names IPv4 peers plainly, not as IPv4-mapped IPv6 addresses.
  EXPECT_TRUE(contains(server.log(), "connect [::1]:")) << server.log();
  EXPECT_TRUE(contains(server.log(), "connect 127.0.0.1:")) << server.log();
  EXPECT_FALSE(contains(server.log(), "::ffff:")) << server.log();
}
