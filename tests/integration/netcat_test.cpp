// The server driven by the real `nc` (Debian netcat-openbsd), as PROTOCOL.md promises a netcat user.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

// nc must be there: a missing nc is a failed test, never a skipped one (.ci/run installs it).
static ::testing::AssertionResult netcat_available() {
  Process which = run_process({"sh", "-c", "command -v nc"});
  if (which.status != 0)
    return ::testing::AssertionFailure() << "`nc` is not installed; install Debian's netcat-openbsd (.ci/run does)";
  Process help = run_process({"nc", "-h"});
  if ((help.out + help.err).find("OpenBSD netcat") == std::string::npos)
    return ::testing::AssertionFailure() << "`nc` at " << which.out
                                         << " is not netcat-openbsd (needs -N and -C); nc -h said:\n"
                                         << help.out << help.err;
  return ::testing::AssertionSuccess();
}

// Pipes `lines` (each followed by '\n') into `nc FLAGS 127.0.0.1 PORT`; nc exits when the server closes.
static Process netcat(std::uint16_t port, const std::string& flags, const std::vector<std::string>& lines) {
  std::string script = "printf '%s\\n'";
  for (const auto& l : lines) script += " '" + l + "'";  // test lines contain no single quotes
  script += " | nc " + flags + " 127.0.0.1 " + std::to_string(port);
  return run_process({"sh", "-c", script});
}

TEST(Netcat, PipedSessionIsDeliveredBeforeTheDisconnect) {
  ASSERT_TRUE(netcat_available());
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Process nc = netcat(server.port(), "-N", {kPassword, "alice", "hi"});
  EXPECT_EQ(nc.status, 0) << "nc stderr: " << nc.err;
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "<alice> hi");
  expect_exact_stamped(bob, "* alice disconnected");
  // What the netcat user saw: the prompts without stamps, then the welcome.
  EXPECT_EQ(nc.out.rfind("Password:\nUsername:\n", 0), 0u) << nc.out;
  EXPECT_NE(nc.out.find("* Welcome, alice! Online (2): "), std::string::npos) << nc.out;
  EXPECT_NE(nc.out.find("@ajuda"), std::string::npos) << "the commands line; got:\n" << nc.out;
  EXPECT_EQ(nc.out.find("<alice> hi"), std::string::npos) << "no echo of one's own message:\n" << nc.out;
}

TEST(Netcat, CrLfLoginAndPrivateMessage) {
  ASSERT_TRUE(netcat_available());
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Process nc = netcat(server.port(), "-C -N", {kPassword, "alice", "@privado:bob psst"});
  EXPECT_EQ(nc.status, 0) << "nc stderr: " << nc.err;
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "[private] <alice> psst");
  expect_exact_stamped(bob, "* alice disconnected");
  EXPECT_NE(nc.out.find("* Welcome, alice!"), std::string::npos) << nc.out;
  EXPECT_NE(nc.out.find("] [private to bob] <alice> psst\n"), std::string::npos) << nc.out;
  EXPECT_EQ(nc.out.find('\r'), std::string::npos) << "the server writes '\\n' line ends only";
}

TEST(Netcat, WrongPasswordIsToldAndClosed) {
  ASSERT_TRUE(netcat_available());
  Server server;
  Process nc = netcat(server.port(), "-N", {"guess", "alice", "hi"});
  EXPECT_EQ(nc.status, 0) << "nc stderr: " << nc.err;
  EXPECT_EQ(nc.out, "Password:\n! Wrong password. Bye.\n");
}

TEST(Netcat, SairEndsTheSession) {
  ASSERT_TRUE(netcat_available());
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Process nc = netcat(server.port(), "-N", {kPassword, "alice", "@sair", "never delivered"});
  EXPECT_EQ(nc.status, 0) << "nc stderr: " << nc.err;
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "* alice left the chat");
  EXPECT_EQ(bob.sync(), std::vector<std::string>{}) << "nothing after @sair is relayed";
  auto bye = nc.out.rfind("* Bye, alice!\n");
  EXPECT_NE(bye, std::string::npos) << nc.out;
  EXPECT_EQ(bye + std::string("* Bye, alice!\n").size(), nc.out.size()) << "the goodbye is the last line:\n" << nc.out;
}
