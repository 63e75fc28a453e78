// A cluster keeps the server's --max-line: a line longer than the outbox's default bytes
// (4 MiB), from one node to a user on another and back to its author's own node, arrives
// whole and in its place; the chat goes on after it.
#include <gtest/gtest.h>

#include <string>

#include "cluster_fixture.h"

namespace cluster_test {
namespace {

using harness::Client;

TEST_F(ClusterTest, ALineLongerThanTheOutboxsDefaultBytesReachesEveryNodeWhole) {
  const std::vector<std::string> args = {
      "--max-line", std::to_string(8 << 20), "--max-queue", std::to_string(32 << 20), "--rate", "0"};
  harness::Server& a = add_node("a", args);
  harness::Server& b = add_node("b", args);
  Client carol(a.port());
  carol.login("carol");
  auto [alice, bob] = alice_and_bob(a, b);
  carol.expect("bob joined");

  const std::string text = "long:" + std::string(6 << 20, 'x') + ":end";
  alice.send_line(text);
  alice.send_line("after the long one");
  for (Client* c : {&bob, &carol}) {
    const std::string got = c->expect(":end", 30s);
    const std::string_view line = harness::strip_timestamp(got);
    EXPECT_TRUE(line == "<alice> " + text) << line.substr(0, 80) << "... " << line.size() << " bytes";
    EXPECT_EQ(harness::strip_timestamp(c->expect_next("after")), "<alice> after the long one");
  }
}

}  // namespace
}  // namespace cluster_test
