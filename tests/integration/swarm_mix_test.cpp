// chat-swarm --mix: one room entered through the line door, the IRC door and the web door at
// once, checked with the same truth accounting (exact counts, one order, per-door figures);
// and the same mixed population spread over two cluster nodes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cluster_fixture.h"
#include "harness.h"
#include "swarm_run.h"

#ifdef CHAT_SWARM_PATH

using namespace harness;

namespace {

constexpr Duration kSwarmDeadline = 60s;

SwarmRun run_with_json(std::vector<std::string> argv) {
  TempFile json;
  argv.insert(argv.begin() + 1, {"--password", kPassword, "--json", json.path, "--quiet", "--drain-timeout", "10"});
  SwarmRun r;
  r.process = run_process(argv, {}, kSwarmDeadline);
  r.json = read_file(json.path);
  return r;
}

}  // namespace

TEST(SwarmMix, ThreeDoorsOneRoomOneOrder) {
  const std::uint16_t irc = unused_port(), web = unused_port();
  Server server(with_args({"--irc-port", std::to_string(irc), "--web-port", std::to_string(web), "--rate", "0"}));
  SwarmRun r = run_with_json({CHAT_SWARM_PATH, "--port", std::to_string(server.port()), "--irc-port",
                              std::to_string(irc), "--web-port", std::to_string(web), "--mix", "line=50,irc=25,ws=25",
                              "--scenario", "chatter", "--clients", "80", "--messages", "200", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 200 * 79);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("checked"), 80);
  EXPECT_EQ(r.number("differing"), 0);
  EXPECT_NE(r.json.find("\"proto\": \"mixed\""), std::string::npos) << r.json;
  EXPECT_NE(r.json.find("\"target\": \"irc://127.0.0.1:" + std::to_string(irc) + "\", \"clients\": 20,"),
            std::string::npos)
      << r.json;
  EXPECT_NE(r.json.find("\"target\": \"ws://127.0.0.1:" + std::to_string(web) + "\", \"clients\": 20,"),
            std::string::npos)
      << r.json;
}

TEST(SwarmMix, PrivatePairsAcrossDoorsOweEchoesOnlyWhereTheDoorEchoes) {
  // Pairs (0,1), (2,3)...: dealt line, irc, line, ws...; line and web senders get echoes,
  // IRC senders none.
  const std::uint16_t irc = unused_port(), web = unused_port();
  Server server(with_args({"--irc-port", std::to_string(irc), "--web-port", std::to_string(web), "--rate", "0"}));
  SwarmRun r = run_with_json({CHAT_SWARM_PATH, "--port", std::to_string(server.port()), "--irc-port",
                              std::to_string(irc), "--web-port", std::to_string(web), "--mix", "line=2,irc=1,ws=1",
                              "--scenario", "private", "--clients", "40", "--messages", "200", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("expected"), r.number("delivered"));
  EXPECT_GT(r.number("expected"), 200);  // the partners, and the echoes of line and web senders
  EXPECT_LT(r.number("expected"), 400);  // but not of IRC senders
}

namespace cluster_test {

class ClusterSwarmMix : public ClusterTest {};

TEST_F(ClusterSwarmMix, LineOnOneNodeIrcAndWebOnTheOther) {
  const std::uint16_t irc = harness::unused_port(), web = harness::unused_port();
  harness::Server& a = add_node("m0", {"--rate", "0"});
  add_node("m1", {"--irc-port", std::to_string(irc), "--web-port", std::to_string(web), "--rate", "0"});
  const std::string targets = "line://127.0.0.1:" + std::to_string(a.port()) +
                              ",irc://127.0.0.1:" + std::to_string(irc) + ",ws://127.0.0.1:" + std::to_string(web);
  harness::SwarmRun r =
      run_with_json({CHAT_SWARM_PATH, "--targets", targets, "--mix", "line=2,irc=1,ws=1", "--scenario", "chatter",
                     "--clients", "40", "--messages", "200", "--rate", "200"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 200 * 39);
  EXPECT_EQ(r.number("differing"), 0);
}

}  // namespace cluster_test

#endif  // CHAT_SWARM_PATH
