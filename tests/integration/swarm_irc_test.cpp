// chat-swarm --proto irc: the same scenarios and exact counts through chat-server's IRC door,
// across the doors (IRC senders, line-door listeners in the same room are not needed: the
// counts are the door's own), over a cluster's IRC doors, and against Debian's ngIRCd, an
// IRC server nobody here wrote, so the bot's IRC is IRC and not only our door's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster_fixture.h"
#include "harness.h"
#include "swarm_run.h"

#ifdef CHAT_SWARM_PATH

using namespace harness;

namespace {

constexpr Duration kSwarmDeadline = 60s;

// A program in the background for one test (ngIRCd), killed at scope exit.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv) {
    pid_ = fork();
    if (pid_ == 0) exec_child(argv, {});
  }
  ~Background() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

 private:
  pid_t pid_ = -1;
};

bool listens(std::uint16_t port) {
  for (int i = 0; i < 200; ++i) {
    int fd = connect_to(port);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    std::this_thread::sleep_for(25ms);
  }
  return false;
}

struct IrcDoor {
  IrcDoor() : irc_port(unused_port()), server(with_args({"--irc-port", std::to_string(irc_port), "--rate", "0"})) {}
  std::uint16_t irc_port;
  Server server;
};

SwarmRun irc_swarm(std::uint16_t port, std::vector<std::string> args) {
  args.insert(args.begin(), {"--proto", "irc", "--quiet", "--drain-timeout", "10"});
  return run_swarm(CHAT_SWARM_PATH, port, args, kSwarmDeadline);
}

}  // namespace

TEST(SwarmIrc, FanoutThroughTheIrcDoorDeliversEveryLine) {
  IrcDoor door;
  SwarmRun r = irc_swarm(door.irc_port, {"--clients", "100", "--senders", "4", "--messages", "200", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("ready"), 100);
  EXPECT_EQ(r.number("sent"), 200);
  EXPECT_EQ(r.number("delivered"), 200 * 99);
  EXPECT_EQ(r.number("lost"), 0);
  EXPECT_EQ(r.number("differing"), 0);
  EXPECT_NE(r.json.find("\"proto\": \"irc\""), std::string::npos) << r.json;
}

TEST(SwarmIrc, PrivateMessagesHaveNoEchoInIrc) {
  IrcDoor door;
  SwarmRun r =
      irc_swarm(door.irc_port, {"--scenario", "private", "--clients", "20", "--messages", "100", "--rate", "400"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("expected"), 100);  // to the partners only
  EXPECT_EQ(r.number("delivered"), 100);
}

TEST(SwarmIrc, ChurnOverIrcQuitsClosesAndResetsWithNothingLost) {
  // Churners vanish on purpose after their PING barrier's PONG; the others see QUIT.
  IrcDoor door;
  SwarmRun r = irc_swarm(door.irc_port,
                         {"--scenario", "churn", "--clients", "60", "--duration", "3", "--rate", "200", "--seed", "4"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  expect_clean_churn(r);
}

TEST(SwarmIrc, LoginStormRegistersAndQuits) {
  IrcDoor door;
  SwarmRun r = irc_swarm(door.irc_port, {"--scenario", "login-storm", "--clients", "20", "--logins", "200"});
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("logins"), 200);
  EXPECT_EQ(r.number("failed"), 0);
}

TEST(SwarmIrc, AWrongPasswordIsAFailureWithTheNumeric) {
  IrcDoor door;
  std::vector<std::string> argv = {CHAT_SWARM_PATH,
                                   "--proto",
                                   "irc",
                                   "--port",
                                   std::to_string(door.irc_port),
                                   "--password",
                                   "wrong",
                                   "--clients",
                                   "2",
                                   "--messages",
                                   "1",
                                   "--quiet",
                                   "--ready-timeout",
                                   "5"};
  Process p = run_process(argv, {}, kSwarmDeadline);
  EXPECT_EQ(p.status, 1) << p.out << p.err;
  EXPECT_NE(p.out.find("refused: 464"), std::string::npos) << p.out;
}

TEST(SwarmIrc, RefusesWhatItCannotRunOverIrc) {
  Process p = run_process({CHAT_SWARM_PATH, "--proto", "irc", "--scenario", "pubsub"});
  EXPECT_EQ(p.status, 2);
  EXPECT_NE(p.err.find("no pubsub"), std::string::npos) << p.err;
  Process big = run_process({CHAT_SWARM_PATH, "--proto", "irc", "--size", "1000"});
  EXPECT_EQ(big.status, 2);
  EXPECT_NE(big.err.find("at most 380"), std::string::npos) << big.err;
}

namespace cluster_test {

class ClusterSwarmIrc : public ClusterTest {};

TEST_F(ClusterSwarmIrc, ChatterOverTwoNodesIrcDoorsIsOneChatInOneOrder) {
  std::vector<std::uint16_t> irc_ports;
  std::string targets;
  for (int i = 0; i < 2; ++i) {
    irc_ports.push_back(unused_port());
    add_node(std::string("i").append(std::to_string(i)),
             {"--irc-port", std::to_string(irc_ports.back()), "--rate", "0"});
    targets.append(targets.empty() ? "" : ",").append("127.0.0.1:").append(std::to_string(irc_ports.back()));
  }
  TempFile json;
  Process p =
      run_process({CHAT_SWARM_PATH, "--proto", "irc",     "--targets",  targets,           "--password", kPassword,
                   "--json",        json.path, "--quiet", "--scenario", "chatter",         "--clients",  "40",
                   "--messages",    "200",     "--rate",  "200",        "--drain-timeout", "10"},
                  {}, kSwarmDeadline);
  SwarmRun r{p, read_file(json.path)};
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 200 * 39);
  EXPECT_EQ(r.number("checked"), 40);
  EXPECT_EQ(r.number("differing"), 0);
}

}  // namespace cluster_test

TEST(SwarmIrc, FanoutAgainstNgircd) {
  // ngIRCd (installed by .ci/install-deps for the IRC client tests) on a free port, with a
  // password and no per-address connection limit; a low rate, under its flood control.
  std::uint16_t port = unused_port();
  TempFile conf_file;
  const std::string& conf = conf_file.path;
  std::ofstream(conf) << "[Global]\nName = irc.test\nInfo = swarm\nListen = 127.0.0.1\nPorts = " << port
                      << "\nMotdPhrase = swarm\nPassword = " << kPassword
                      << "\n[Limits]\nMaxConnectionsIP = 0\nMaxNickLength = 24\n[Options]\nDNS = no\nIdent = no\n"
                         "PAM = no\n";
  SwarmRun r;
  {
    Background ngircd({"/usr/sbin/ngircd", "--nodaemon", "--passive", "--config", conf});
    ASSERT_TRUE(listens(port)) << "ngircd did not listen (.ci/install-deps installs it)";
    r = irc_swarm(port, {"--clients", "20", "--senders", "2", "--messages", "40", "--rate", "8"});
  }
  ASSERT_EQ(r.process.status, 0) << r.explain();
  EXPECT_EQ(r.number("delivered"), 40 * 19);
  EXPECT_EQ(r.number("differing"), 0);
}

#endif  // CHAT_SWARM_PATH
