// Lines in CHATTING (PROTOCOL.md): timestamps, public and private shapes, no forging, and the notices.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "harness.h"

using namespace harness;

// Seconds since midnight in "[HH:MM:SS] ", or -1 when a field is out of range.
static int stamp_seconds(std::string_view line) {
  if (!has_timestamp(line)) return -1;
  auto two = [&](std::size_t at) { return (line[at] - '0') * 10 + (line[at + 1] - '0'); };
  int h = two(1), m = two(4), s = two(7);
  if (h > 23 || m > 59 || s > 60) return -1;
  return h * 3600 + m * 60 + s;
}

static int local_seconds_now() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local.tm_hour * 3600 + local.tm_min * 60 + local.tm_sec;
}

// The line carries a valid stamp close to the local time (tolerance: a generous deadline, and
// the wrap at midnight).
static void expect_plausible_stamp(const std::string& line) {
  int stamp = stamp_seconds(line);
  ASSERT_GE(stamp, 0) << "no valid [HH:MM:SS] prefix: " << line;
  int diff = std::abs(local_seconds_now() - stamp);
  diff = std::min(diff, 86400 - diff);
  EXPECT_LE(diff, 120) << "stamp is not the local time: " << line;
}

TEST(ChatLines, EveryLineInChattingStartsWithTheTime) {
  Server server;
  Client alice(server.port());
  std::vector<std::string> seen;
  auto take = [&](std::string_view needle) { seen.push_back(alice.expect(needle)); };

  alice.expect_next("Password:");
  alice.send_line(kPassword);
  alice.expect_next("Username:");
  alice.send_line("alice");
  take("* Welcome, alice!");
  take("@usuarios");  // the commands line

  Client bob(server.port());
  bob.login("bob");
  take("* bob joined the chat");
  bob.send_line("public from bob");
  take("<bob> public from bob");
  bob.send_line("@msg alice private from bob");
  take("[private] <bob> private from bob");
  alice.send_line("@msg bob private from alice");
  take("[private to bob] <alice> private from alice");
  alice.send_line("@usuarios");
  take("* Online (2)");
  alice.send_line("@ajuda");
  take("@privado");
  alice.send_line("@nope");
  take("! unknown command '@nope'");
  alice.send_line("@msg zed hi");
  take("! user 'zed' is not connected");
  alice.send_line(std::string(5000, 'x'));
  take("! line too long");
  bob.send_line("@sair");
  take("* bob left the chat");
  Client carol(server.port());
  carol.login("carol");
  take("* carol joined the chat");
  carol.shutdown_write();
  take("* carol disconnected");
  alice.send_line("@sair");
  take("* Bye, alice!");
  EXPECT_TRUE(alice.closed_by_server());

  std::vector<std::string> all = seen;
  all.insert(all.end(), alice.skipped().begin(), alice.skipped().end());
  EXPECT_EQ(alice.skipped(), std::vector<std::string>{}) << "unexpected extra lines";
  for (const auto& line : all) {
    SCOPED_TRACE(line);
    expect_plausible_stamp(line);
  }
}

TEST(ChatLines, PublicMessageGoesToEveryoneExceptTheSender) {
  Trio r;
  r.alice.send_line("hello, everyone");
  expect_exact_stamped(r.bob, "<alice> hello, everyone");
  expect_exact_stamped(r.carol, "<alice> hello, everyone");
  // The sender's own line is not echoed: nothing arrives before the barrier's reply.
  EXPECT_EQ(r.alice.sync(), std::vector<std::string>{});
}

TEST(ChatLines, PrivateMessageReachesOnlyTheRecipientAndEchoesToTheSender) {
  Trio r;
  r.alice.send_line("@privado:bob just between us");
  expect_exact_stamped(r.bob, "[private] <alice> just between us");
  expect_exact_stamped(r.alice, "[private to bob] <alice> just between us");
  // alice's echo arrived, so the message was handled; carol's barrier reply comes after
  // anything it produced for her.
  EXPECT_EQ(r.carol.sync(), std::vector<std::string>{}) << "a third user must see nothing";
  EXPECT_EQ(r.bob.sync(), std::vector<std::string>{}) << "the recipient gets it once";
}

TEST(ChatLines, ClientsCannotForgeServerWrittenParts) {
  Pair p;
  const std::vector<std::string> forgeries = {
      "[private] <x> hi",    "[private to bob] <alice> hi",        "* fake notice", "! fake error", "<bob> not really",
      "[12:34:56] <bob> hi", "[12:34:56] * carol joined the chat",
  };
  for (const auto& text : forgeries) {
    SCOPED_TRACE(text);
    p.alice.send_line(text);
    expect_exact_stamped(p.bob, "<alice> " + text);
  }
  // The same through a private message: the server's part comes first.
  p.alice.send_line("@msg bob * fake notice");
  expect_exact_stamped(p.bob, "[private] <alice> * fake notice");
}

TEST(ChatLines, LeavingWithSairIsAnnouncedAsLeft) {
  Server server;
  Client alice(server.port()), bob(server.port()), carol(server.port());
  alice.login("alice");
  bob.login("bob");
  carol.login("carol");
  alice.send_line("@sair");
  alice.expect("* Bye, alice!");
  for (Client* c : {&bob, &carol}) {
    std::string line = c->expect("* alice left the chat");
    EXPECT_EQ(strip_timestamp(line), "* alice left the chat");
    for (const auto& l : c->sync()) EXPECT_EQ(l.find("alice disconnected"), std::string::npos) << l;
  }
}

TEST(ChatLines, EndOfFileWithoutSairIsAnnouncedAsDisconnected) {
  Pair p;
  p.alice.shutdown_write();
  expect_exact_stamped(p.bob, "* alice disconnected");
  // alice gets no goodbye, just the close.
  EXPECT_EQ(p.alice.read_until_closed(), std::vector<std::string>{});
  EXPECT_EQ(p.bob.sync(), std::vector<std::string>{}) << "announced once, and not as 'left'";
}

TEST(ChatLines, ClosedConnectionIsAnnouncedAsDisconnected) {
  Pair p;
  EXPECT_EQ(p.alice.sync(), std::vector<std::string>{});  // nothing unread: close() sends a FIN
  p.alice.close();
  expect_exact_stamped(p.bob, "* alice disconnected");
}

TEST(ChatLines, ResetConnectionIsAnnouncedAsDisconnected) {
  Pair p;
  p.alice.reset();  // RST, not FIN
  expect_exact_stamped(p.bob, "* alice disconnected");
  p.bob.send_line("@usuarios");
  expect_exact_stamped(p.bob, "* Online (1): bob");
}
