// Test helpers for bus/: one event loop, a real redis-server, a side connection for the
// test's own commands, and waiting on the loop until a condition holds (never a sleep).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/node_lease.h"
#include "reactor/poller.h"
#include "resp/client.h"
#include "tests/integration/redis_server.h"

namespace bus_test {

// A node as the tests need it: its command link and a granted lease.
struct TestNode {
  std::unique_ptr<bus::BusLink> link;
  std::unique_ptr<bus::NodeLease> lease;
  std::string name;
  std::uint64_t fence = 0;
  std::uint64_t last_seq = 0;
  bool lost = false;
};

inline std::vector<reactor::SocketAddress> loopback(std::uint16_t port) {
  std::string error;
  auto addresses = reactor::resolve_tcp("127.0.0.1", port, error);
  EXPECT_FALSE(addresses.empty()) << error;
  return addresses;
}

class BusTest : public ::testing::Test {
 protected:
  harness::RedisServer redis;
  reactor::EventLoop loop{reactor::make_poller(reactor::available_backends().front())};
  bus::BusKeys keys{"test:"};

  // Runs the loop until `done` holds; false at the deadline (a limit, not a speed check).
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      if (!loop.run_once(10)) return false;
    }
    return true;
  }
  // Runs the loop for a while (only where the test checks that nothing happens).
  void run_for(std::chrono::milliseconds span) {
    auto until = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < until) loop.run_once(10);
  }

  std::unique_ptr<bus::BusLink> link(std::uint64_t seed = 1) {
    bus::BusLinkOptions o;
    o.seed = seed;
    o.backoff_first = std::chrono::milliseconds(10);
    o.backoff_cap = std::chrono::milliseconds(200);
    auto l = std::make_unique<bus::BusLink>(loop, loopback(redis.port()), o);
    l->start();
    EXPECT_TRUE(run_until([&] { return l->up(); }));
    return l;
  }

  // A node with its lease granted (short leases keep the fence tests quick).
  TestNode node(const std::string& name, std::chrono::milliseconds lease = std::chrono::milliseconds(5000),
                std::uint64_t seed = 1) {
    TestNode n;
    n.name = name;
    n.link = link(seed);
    bus::NodeLeaseOptions o;
    o.lease = lease;
    o.renew_every = std::max(std::chrono::milliseconds(10), lease / 5);
    n.lease = std::make_unique<bus::NodeLease>(loop, *n.link, keys, name, o);
    auto fence = std::make_shared<std::uint64_t>(0);
    n.lease->set_on_granted([fence](std::uint64_t f, std::uint64_t) { *fence = f; });
    n.lease->start();
    EXPECT_TRUE(run_until([&] { return *fence != 0; }));
    n.fence = *fence;
    return n;
  }

  // One command on the test's own link; the reply's elements as text, nested arrays
  // flattened without their headers ("-ERR" for errors).
  std::vector<std::string> call(std::initializer_list<std::string_view> args) {
    if (!side_) side_ = link(99);
    std::vector<std::string> got;
    bool done = false;
    side_->client().command(args, [&](const resp::RespResult& r) {
      done = true;
      if (r.status != resp::RespStatus::Ok) return got.push_back("status");
      if (r.reply->is_error()) return got.push_back(std::string("-").append(r.reply->top.text));
      if (r.reply->top.type == resp::RespType::Integer) return got.push_back(std::to_string(r.reply->top.integer));
      if (r.reply->top.type != resp::RespType::Array) return got.push_back(std::string(r.reply->top.text));
      for (const auto& item : r.reply->items)
        if (item.type != resp::RespType::Array)
          got.push_back(item.type == resp::RespType::Integer ? std::to_string(item.integer) : std::string(item.text));
    });
    EXPECT_TRUE(run_until([&] { return done; }));
    return got;
  }

 private:
  std::unique_ptr<bus::BusLink> side_;
};

}  // namespace bus_test
