// Transport and framing (PROTOCOL.md): line ends, the 4096-byte limit, and pipelined input however it is split.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

static const char* const kTooLong = "! line too long (max 4096 bytes)";
static const char* const kTooLongBye = "! line too long (max 4096 bytes). Bye.";

// Sends everything it can; the server may legitimately close while we are still sending, so
// a failed send is not an error here. Returns whether all bytes went out.
static bool send_tolerant(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

TEST(Framing, CrLfLineEndsAreAccepted) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port());
  expect_exact(alice, "Password:");
  alice.send_raw(std::string(kPassword) + "\r\n");  // the \r must not be part of the password...
  expect_exact(alice, "Username:");
  alice.send_raw("alice\r\n");  // ...nor of the name
  alice.expect_next("* Welcome, alice!");
  alice.expect_next("* Commands");
  bob.expect_next("* alice joined the chat");
  alice.send_raw("hello over telnet\r\n");
  expect_exact_stamped(bob, "<alice> hello over telnet");
  alice.send_raw("@msg bob psst\r\n");
  expect_exact_stamped(bob, "[private] <alice> psst");
  alice.send_raw("@sair\r\n");
  alice.expect("* Bye, alice!");
  expect_exact_stamped(bob, "* alice left the chat");
}

TEST(Framing, LineOfExactlyTheMaximumIsRelayed) {
  Pair p;
  std::string longest(4096, 'm');
  p.alice.send_line(longest);
  expect_exact_stamped(p.bob, "<alice> " + longest);
  p.alice.send_raw(longest + "\r\n");  // the terminator does not count
  expect_exact_stamped(p.bob, "<alice> " + longest);
  EXPECT_EQ(p.alice.sync(), std::vector<std::string>{}) << "no error for a line at the limit";
}

TEST(Framing, OverlongLineInChattingIsRefusedAndTheConnectionStays) {
  Pair p;
  p.alice.send_line(std::string(4097, 'x'));
  expect_exact_stamped(p.alice, kTooLong);
  EXPECT_EQ(p.bob.sync(), std::vector<std::string>{}) << "no part of the long line is relayed";
  p.alice.send_line("still here");
  expect_exact_stamped(p.bob, "<alice> still here");
  // Overlong and normal lines in one segment: only the long one is dropped.
  p.alice.send_raw(std::string(10000, 'y') + "\nnext line\n");
  expect_exact_stamped(p.alice, kTooLong);
  expect_exact_stamped(p.bob, "<alice> next line");
}

TEST(Framing, OverlongPasswordEndsTheConnection) {
  Server server;
  Client c(server.port());
  expect_exact(c, "Password:");
  c.send_line(std::string(4097, 'p'));
  expect_exact(c, kTooLongBye);
  EXPECT_EQ(c.read_until_closed(), std::vector<std::string>{});
}

TEST(Framing, OverlongNameEndsTheConnection) {
  Server server;
  Client c(server.port());
  expect_exact(c, "Password:");
  c.send_line(kPassword);
  expect_exact(c, "Username:");
  c.send_line(std::string(5000, 'n'));
  expect_exact(c, kTooLongBye);
  EXPECT_EQ(c.read_until_closed(), std::vector<std::string>{});
}

TEST(Framing, MegabyteWithoutNewlineBeforeChattingEndsTheConnection) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client c(server.port());
  expect_exact(c, "Password:");
  send_tolerant(c.fd(), std::string(1 << 20, 'z'));  // no '\n' at all
  expect_exact(c, kTooLongBye);
  EXPECT_TRUE(c.closed_by_server());
  // The others were never held up.
  bob.send_line("@usuarios");
  expect_exact_stamped(bob, "* Online (1): bob");
}

TEST(Framing, MegabyteWithoutNewlineInChattingIsRefusedWhileOthersChat) {
  Trio r;
  std::string half(std::size_t{512} * 1024, 'z');
  r.alice.send_raw(half);  // the line is already too long, and still unfinished
  expect_exact_stamped(r.alice, kTooLong);
  // Mid-line, the server keeps serving the others.
  r.bob.send_line("@msg carol are you there?");
  expect_exact_stamped(r.carol, "[private] <bob> are you there?");
  expect_exact_stamped(r.bob, "[private to carol] <bob> are you there?");
  r.alice.send_raw(half);
  r.alice.send_raw("\nafter the flood\n");
  expect_exact_stamped(r.bob, "<alice> after the flood");
  expect_exact_stamped(r.carol, "<alice> after the flood");
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{}) << "one error per over-long line";
}

TEST(Framing, PipelinedLoginAndMessagesInOneSegment) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port());
  alice.send_raw(std::string(kPassword) + "\nbad name\nalice\nhello\n@msg bob psst\n@users\n");
  expect_exact(alice, "Password:");
  expect_exact(alice, "Username:");
  expect_exact(alice, "! names are 1-24 letters, digits, _ or -");
  expect_exact(alice, "Username:");
  alice.expect_next("* Welcome, alice!");
  alice.expect_next("* Commands");
  expect_exact_stamped(alice, "[private to bob] <alice> psst");
  expect_exact_stamped(alice, "* Online (2): alice, bob");
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "<alice> hello");
  expect_exact_stamped(bob, "[private] <alice> psst");
}

TEST(Framing, PipelinedInputOneBytePerSegment) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port(), {.nodelay = true});
  ASSERT_TRUE(alice.connected());
  std::string input = std::string(kPassword) + "\nalice\nhello byte by byte\n@msg bob psst\r\n@users\n";
  for (char byte : input) alice.send_raw(std::string_view(&byte, 1));
  expect_exact(alice, "Password:");
  expect_exact(alice, "Username:");
  alice.expect_next("* Welcome, alice!");
  alice.expect_next("* Commands");
  expect_exact_stamped(alice, "[private to bob] <alice> psst");
  expect_exact_stamped(alice, "* Online (2): alice, bob");
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "<alice> hello byte by byte");
  expect_exact_stamped(bob, "[private] <alice> psst");
}

TEST(Framing, PipelinedThenShutdownStillDeliversBeforeTheDeparture) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port());
  alice.send_raw(std::string(kPassword) + "\nalice\nhi\n");
  alice.shutdown_write();
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "<alice> hi");
  expect_exact_stamped(bob, "* alice disconnected");
  auto to_alice = alice.read_until_closed();
  ASSERT_EQ(to_alice.size(), 4u);
  EXPECT_EQ(to_alice[0], "Password:");
  EXPECT_EQ(to_alice[1], "Username:");
  EXPECT_EQ(strip_timestamp(to_alice[2]).rfind("* Welcome, alice!", 0), 0u) << to_alice[2];
}

TEST(Framing, PipelinedThenCloseStillDeliversBeforeTheDeparture) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port());
  expect_exact(alice, "Password:");  // nothing left unread, so close() sends a FIN
  alice.send_raw(std::string(kPassword) + "\nalice\nhi\nsecond line\n");
  alice.close();
  expect_exact_stamped(bob, "* alice joined the chat");
  expect_exact_stamped(bob, "<alice> hi");
  expect_exact_stamped(bob, "<alice> second line");
  expect_exact_stamped(bob, "* alice disconnected");
}

// More lines than the flood burst after a pipelined login, then the end of alice's input
// (`close_instead`: close() rather than shutdown()): the paced tail still arrives, in order,
// before the departure notice.
static void pipelined_beyond_the_burst(bool close_instead) {
  Server server;
  Client bob(server.port());
  bob.login("bob");
  Client alice(server.port());
  if (close_instead) expect_exact(alice, "Password:");  // nothing left unread, so close() sends a FIN
  std::string input = std::string(kPassword) + "\nalice\n";
  std::vector<std::string> relayed;
  for (int i = 0; i < 60; ++i) {
    input += "line " + std::to_string(i) + "\n";
    relayed.push_back("<alice> line " + std::to_string(i));
  }
  alice.send_raw(input);
  if (close_instead) {
    alice.close();
  } else {
    alice.shutdown_write();
  }
  expect_exact_stamped(bob, "* alice joined the chat");
  EXPECT_TRUE(expect_stamped_lines(bob, relayed));
  expect_exact_stamped(bob, "* alice disconnected");
}

TEST(Framing, PipelinedBeyondTheBurstThenShutdownDeliversEveryLine) { pipelined_beyond_the_burst(false); }

// With close() the server's replies meet a reset while the paced tail still waits; those lines
// count all the same.
TEST(Framing, PipelinedBeyondTheBurstThenCloseDeliversEveryLine) { pipelined_beyond_the_burst(true); }
