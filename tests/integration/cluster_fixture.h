// Integration tests of a cluster: a real redis-server and several real chat-server nodes,
// all on loopback ports, talked to over real sockets like any client would.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "redis_server.h"

namespace cluster_test {

using namespace std::chrono_literals;

class ClusterTest : public ::testing::Test {
 protected:
  explicit ClusterTest(std::vector<std::string> redis_args = {}) : redis(std::move(redis_args)) {}

  std::string redis_address() const { return "127.0.0.1:" + std::to_string(redis.port()); }

  // A node named `name` on this cluster's Redis, returned once it has joined the cluster.
  harness::Server& add_node(const std::string& name, std::vector<std::string> extra = {},
                            bool expect_clean_exit = true) {
    std::vector<std::string> args = {"--redis", redis_address(), "--node-name", name};
    args.insert(args.end(), extra.begin(), extra.end());
    harness::ServerConfig config = harness::with_args(args);
    config.expect_clean_exit = expect_clean_exit;
    nodes.push_back(std::make_unique<harness::Server>(config));
    EXPECT_TRUE(nodes.back()->wait_for_log("joined the cluster")) << nodes.back()->log();
    return *nodes.back();
  }
  harness::Server& node(std::size_t i) { return *nodes.at(i); }

  // The usual start: alice logged in on `a`, then bob on `b`, and alice has heard bob join.
  struct AliceAndBob {
    harness::Client alice;
    harness::Client bob;
  };
  static AliceAndBob alice_and_bob(const harness::Server& a, const harness::Server& b) {
    AliceAndBob users{harness::Client(a.port()), harness::Client(b.port())};
    users.alice.login("alice");
    users.bob.login("bob");
    users.alice.expect("bob joined");
    return users;
  }

  harness::RedisServer redis;
  std::vector<std::unique_ptr<harness::Server>> nodes;
};

}  // namespace cluster_test
