// chat-swarm --proto redis against a real redis-server (a dependency of `make test`: the test
// fails, saying why, when none is on PATH), and the same pubsub workload against chat-server:
// one tool, one definition of a delivery, identical counts on both sides. Deadlines are generous limits, never speed
// checks.
#include <gtest/gtest.h>

#include "harness.h"
#include "redis_server.h"
#include "swarm_run.h"

#ifdef CHAT_SWARM_PATH

using namespace harness;

namespace {

SwarmRun swarm(std::uint16_t port, std::vector<std::string> args) {
  args.insert(args.begin(), {"--quiet", "--scenario", "pubsub"});
  return run_swarm(CHAT_SWARM_PATH, port, args, 60s);
}

void expect_exact(const SwarmRun& r, long long listeners, long long messages) {
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("listeners"), listeners);
  EXPECT_EQ(r.number("sent"), messages);
  EXPECT_EQ(r.number("expected"), listeners * messages);
  EXPECT_EQ(r.number("delivered"), listeners * messages);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("duplicates"), 0);
  EXPECT_EQ(r.number("reordered"), 0);
  EXPECT_EQ(r.number("unexpected"), 0);
  EXPECT_EQ(r.number("corrupted"), 0);
  EXPECT_EQ(r.number("error_total"), 0);
}

}  // namespace

TEST(SwarmRedis, PubSubDeliversEveryMessageToEveryListener) {
  raise_own_descriptor_limit();
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  SwarmRun r = swarm(redis.port(),
                     {"--proto", "redis", "--clients", "200", "--senders", "4", "--messages", "200", "--rate", "400"});
  expect_exact(r, 200, 200);
  EXPECT_EQ(r.number("clients"), 204);  // the senders publish on connections of their own
  EXPECT_NE(r.json.find("\"proto\": \"redis\""), std::string::npos);
}

TEST(SwarmRedis, ClosedLoopWaitsForEveryListenerAndLosesNothing) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  SwarmRun r = swarm(redis.port(),
                     {"--proto", "redis", "--clients", "50", "--senders", "3", "--closed-loop", "--messages", "600"});
  expect_exact(r, 50, 600);
  EXPECT_NE(r.json.find("\"closed_loop\": true"), std::string::npos);
}

TEST(SwarmRedis, HoldSaysWhenAllAreInAndWhenDrained) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok());
  SwarmRun r = swarm(redis.port(),
                     {"--proto", "redis", "--clients", "10", "--messages", "10", "--rate", "100", "--hold", "0.2"});
  expect_exact(r, 10, 10);
  EXPECT_NE(r.process.err.find("chat-swarm: holding (in the room)"), std::string::npos) << r.process.err;
  EXPECT_NE(r.process.err.find("chat-swarm: holding (drained)"), std::string::npos) << r.process.err;
}

// The other half of the side by side: the same workload against chat-server counts the same
// deliveries, although there the senders also receive each other's lines.
TEST(SwarmRedis, SameWorkloadAgainstChatServerCountsTheSame) {
  raise_own_descriptor_limit();
  Server server(with_args({"--rate", "0"}));
  SwarmRun open = swarm(server.port(), {"--clients", "200", "--senders", "4", "--messages", "200", "--rate", "400"});
  expect_exact(open, 200, 200);
  EXPECT_EQ(open.number("clients"), 204);
  SwarmRun closed = swarm(server.port(), {"--clients", "50", "--senders", "3", "--closed-loop", "--messages", "600"});
  expect_exact(closed, 50, 600);
}

// Closed loop in plain fanout, where the senders are listeners too: each waits for everyone
// else, not for itself.
TEST(SwarmRedis, ClosedLoopFanoutWaitsForEveryoneElse) {
  Server server(with_args({"--rate", "0"}));
  TempFile json;
  Process p = run_process(
      {CHAT_SWARM_PATH, "--port", std::to_string(server.port()), "--password", kPassword, "--json", json.path,
       "--quiet", "--scenario", "fanout", "--clients", "60", "--senders", "4", "--closed-loop", "--messages", "400"},
      {}, 60s);
  SwarmRun r{p, read_file(json.path)};
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("expected"), 400 * 59);
  EXPECT_EQ(r.number("delivered"), 400 * 59);
  EXPECT_EQ(r.number("lost"), 0);
}

TEST(SwarmRedis, RedisModeAgainstAChatServerFailsSayingWhy) {
  Server server(with_args({"--rate", "0"}));
  SwarmRun r = swarm(server.port(), {"--proto", "redis", "--clients", "3", "--messages", "3", "--ready-timeout", "5"});
  EXPECT_EQ(r.process.status, 1) << r.explain();
  EXPECT_NE(r.process.out.find("not RESP"), std::string::npos) << r.explain();
}

#endif  // CHAT_SWARM_PATH
