// Leaving a cluster from every door: the goodbye of each (the line door's Bye, IRC's ERROR,
// a browser's Bye and close 1000) comes once the leave is in the chat's log, and the other
// nodes hear the departure in their own door's shape.
#include <gtest/gtest.h>

#include <string>

#include "cluster_fixture.h"
#include "web_client.h"

namespace cluster_test {
namespace {

using harness::Client;

TEST_F(ClusterTest, IrcAndBrowserUsersLeaveWithTheirDoorsGoodbyeAndTheOtherNodeHearsIt) {
  const std::uint16_t irc_port = harness::unused_port();
  const std::uint16_t web_port = harness::unused_port();
  harness::Server& a = add_node("a", {"--irc-port", std::to_string(irc_port), "--web-port", std::to_string(web_port),
                                      "--server-name", "irc.test"});
  harness::Server& b = add_node("b");
  Client watcher(b.port());
  watcher.login("watcher");

  Client irc(irc_port);
  irc.send_raw(std::string("PASS ").append(harness::kPassword).append("\r\nNICK ircy\r\nUSER ircy 0 * :I\r\n"));
  irc.expect(" 366 ");
  watcher.expect("* ircy joined the chat");
  webtest::WebClient web(web_port);
  webtest::browser_login(web, "webby");
  watcher.expect("* webby joined the chat");

  watcher.send_line("last words");
  irc.expect(":watcher!");
  web.expect_text("last words");
  irc.send_raw("QUIT :done\r\n");
  EXPECT_NE(irc.expect("ERROR :Closing Link").find("Quit"), std::string::npos);
  EXPECT_TRUE(irc.closed_by_server());
  EXPECT_EQ(harness::strip_timestamp(watcher.expect("ircy")), "* ircy left the chat");

  web.send_text("@sair");
  web.expect_text("Bye, webby!");
  EXPECT_EQ(web.expect_close(), 1000);
  EXPECT_EQ(harness::strip_timestamp(watcher.expect("webby")), "* webby left the chat");
  watcher.send_line("@usuarios");
  EXPECT_EQ(harness::strip_timestamp(watcher.expect("Online")), "* Online (1): watcher");
  (void)a;
}

}  // namespace
}  // namespace cluster_test
