// chat-swarm --proto ws: the line protocol in WebSocket frames through chat-server's web
// door, every scenario with exact counts, and a cluster's web doors in one order.
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

struct WebDoor {
  WebDoor() : web_port(unused_port()), server(with_args({"--web-port", std::to_string(web_port), "--rate", "0"})) {}
  std::uint16_t web_port;
  Server server;
};

SwarmRun ws_swarm(std::uint16_t port, std::vector<std::string> args) {
  args.insert(args.begin(), {"--proto", "ws", "--quiet", "--drain-timeout", "10"});
  return run_swarm(CHAT_SWARM_PATH, port, args, kSwarmDeadline);
}

}  // namespace

TEST(SwarmWs, FanoutThroughTheWebDoorDeliversEveryLine) {
  WebDoor door;
  SwarmRun r = ws_swarm(door.web_port, {"--clients", "100", "--senders", "4", "--messages", "200", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("ready"), 100);
  EXPECT_EQ(r.number("delivered"), 200 * 99);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_NE(r.json.find("\"proto\": \"ws\""), std::string::npos) << r.json;
}

TEST(SwarmWs, PrivatePairsGetEachMessageAndItsEcho) {
  WebDoor door;
  SwarmRun r =
      ws_swarm(door.web_port, {"--scenario", "private", "--clients", "20", "--messages", "100", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 200);  // the line protocol echoes private lines
}

TEST(SwarmWs, ChurnLosesNothingThroughTheWebDoor) {
  WebDoor door;
  SwarmRun r = ws_swarm(door.web_port, {"--scenario", "churn", "--clients", "60", "--duration", "2", "--rate", "100"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_GT(r.number("churn_bots"), 0);
}

TEST(SwarmWs, PipelinedLoginStorm) {
  WebDoor door;
  SwarmRun r =
      ws_swarm(door.web_port, {"--scenario", "login-storm", "--clients", "20", "--logins", "200", "--pipeline"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("logins"), 200);
}

TEST(SwarmWs, AServerThatIsNoWebDoorIsAFailure) {
  // The line port: the server takes the upgrade request for a wrong password and closes.
  Server plain(with_args({}));
  std::vector<std::string> argv = {CHAT_SWARM_PATH,
                                   "--proto",
                                   "ws",
                                   "--port",
                                   std::to_string(plain.port()),
                                   "--password",
                                   kPassword,
                                   "--clients",
                                   "1",
                                   "--messages",
                                   "1",
                                   "--quiet",
                                   "--ready-timeout",
                                   "3"};
  Process p = run_process(argv, {}, kSwarmDeadline);
  EXPECT_EQ(p.status, 1) << p.out << p.err;
  EXPECT_NE(p.out.find("connection closed by the server while logging in"), std::string::npos) << p.out;
}

namespace cluster_test {

class ClusterSwarmWs : public ClusterTest {};

TEST_F(ClusterSwarmWs, ChatterOverTwoNodesWebDoorsIsOneChatInOneOrder) {
  std::string targets;
  for (int i = 0; i < 2; ++i) {
    std::uint16_t port = unused_port();
    add_node(std::string("w").append(std::to_string(i)), {"--web-port", std::to_string(port), "--rate", "0"});
    targets.append(targets.empty() ? "" : ",").append("127.0.0.1:").append(std::to_string(port));
  }
  TempFile json;
  Process p =
      run_process({CHAT_SWARM_PATH, "--proto", "ws",      "--targets",  targets,           "--password", kPassword,
                   "--json",        json.path, "--quiet", "--scenario", "chatter",         "--clients",  "40",
                   "--messages",    "200",     "--rate",  "200",        "--drain-timeout", "10"},
                  {}, kSwarmDeadline);
  SwarmRun r{p, read_file(json.path)};
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 200 * 39);
  EXPECT_EQ(r.number("differing"), 0);
}

}  // namespace cluster_test

#endif  // CHAT_SWARM_PATH
