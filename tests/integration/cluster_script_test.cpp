// `make cluster`'s script: a Redis with the shipped configuration and two nodes on one port
// make one chat; Ctrl-C (SIGINT to the script) stops every one of them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "harness.h"

namespace {

using namespace std::chrono_literals;
using harness::Client;

TEST(ClusterScript, TwoNodesOnOnePortAreOneChatAndCtrlCStopsAll) {
  const std::uint16_t port = harness::unused_port();
  const std::uint16_t redis_port = harness::unused_port();
  const std::string bin = std::filesystem::path(CHAT_SERVER_PATH).parent_path();
  const std::string log = "/tmp/cluster-script-test-" + std::to_string(getpid()) + ".log";
  pid_t script = fork();
  if (script == 0) {
    setpgid(0, 0);  // its own group, as a terminal's Ctrl-C would reach it
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    harness::exec_child({"/bin/bash", std::string(CHAT_SOURCE_DIR) + "/contrib/cluster/run-cluster.sh", bin, "2",
                         std::to_string(port), std::to_string(redis_port)},
                        {{"CHAT_PASSWORD", harness::kPassword}});
  }
  ASSERT_GT(script, 0);
  bool listening = false;
  for (int i = 0; i < 200 && !listening; ++i) {
    listening = harness::read_file(log).find("2 nodes share port") != std::string::npos &&
                harness::read_file(log).find("joined the cluster") != std::string::npos;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(listening) << harness::read_file(log);
  std::this_thread::sleep_for(300ms);  // both nodes' "joined" lines
  Client alice(port);
  alice.login("alice");
  Client bob(port);
  bob.login("bob");
  alice.expect("bob joined");
  bob.send_line("over the cluster");
  alice.expect("<bob> over the cluster");
  kill(-script, SIGINT);
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 200 && !exited; ++i) {
    exited = waitpid(script, &status, WNOHANG) == script;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(exited) << harness::read_file(log);
  EXPECT_TRUE(alice.closed_by_server());
  EXPECT_LT(harness::connect_to(port), 0) << "a node still listens";
  EXPECT_LT(harness::connect_to(redis_port), 0) << "Redis still listens";
  std::remove(log.c_str());
}

}  // namespace
