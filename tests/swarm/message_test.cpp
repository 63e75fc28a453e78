// Message text and server-line shapes: what the swarm writes, and how it reads lines back.
#include "bin/chat_swarm/message.h"

#include <gtest/gtest.h>

#include "bin/chat_swarm/server_line.h"

using namespace swarm;

TEST(Message, RoundTripAtTheRequestedSize) {
  for (std::size_t size : {1u, 20u, 40u, 64u, 100u, 4000u}) {
    std::string text;
    append_message(text, {12, 345, 6789012345}, size);
    MessageHeader h;
    ASSERT_EQ(parse_message(text, size, h), MessageCheck::Ok) << text;
    EXPECT_EQ(h.sender, 12u);
    EXPECT_EQ(h.seq, 345u);
    EXPECT_EQ(h.intended_ns, 6789012345);
    EXPECT_EQ(text.size(), std::max<std::size_t>(size, std::string_view("swarm s=12 q=345 t=6789012345").size()));
    EXPECT_EQ(text.rfind("swarm s=12 q=345 t=6789012345", 0), 0u) << text;
  }
}

TEST(Message, ExactSizeWhenTheHeaderFits) {
  std::string text;
  append_message(text, {1, 2, 3}, 64);
  EXPECT_EQ(text.size(), 64u);
  text.clear();
  append_message(text, {1, 2, 3}, 5);
  EXPECT_EQ(text, "swarm s=1 q=2 t=3");  // never cut: the header is kept whole
}

TEST(Message, EveryAlterationIsCaught) {
  std::string good;
  append_message(good, {7, 8, 9}, 64);
  MessageHeader h;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = bad[i] == 'x' ? 'y' : 'x';
    EXPECT_NE(parse_message(bad, 64, h), MessageCheck::Ok) << bad;
  }
  EXPECT_EQ(parse_message(good.substr(0, 63), 64, h), MessageCheck::Corrupt);
  EXPECT_EQ(parse_message(good + "a", 64, h), MessageCheck::Corrupt);
  EXPECT_EQ(parse_message("hello there", 64, h), MessageCheck::NotSwarm);
  EXPECT_EQ(parse_message("swarm s=1 q=x t=3", 5, h), MessageCheck::Corrupt);
  EXPECT_EQ(parse_message("swarm s=1 q=2 t=-3", 5, h), MessageCheck::Corrupt);
}

TEST(ServerLine, PromptsAndRefusals) {
  EXPECT_EQ(parse_server_line("Password:").kind, LineKind::PasswordPrompt);
  EXPECT_EQ(parse_server_line("Username:").kind, LineKind::NamePrompt);
  ServerLine r = parse_server_line("! Server full. Bye.");
  EXPECT_EQ(r.kind, LineKind::Refusal);
  EXPECT_EQ(r.text, "Server full. Bye.");
  EXPECT_EQ(parse_server_line("* Server is shutting down").kind, LineKind::PlainNotice);
  EXPECT_EQ(parse_server_line("garbage").kind, LineKind::Malformed);
  EXPECT_EQ(parse_server_line("").kind, LineKind::Malformed);
}

TEST(ServerLine, ChatShapes) {
  ServerLine p = parse_server_line("[10:00:09] <alice> hi bob");
  EXPECT_EQ(p.kind, LineKind::Public);
  EXPECT_EQ(p.from, "alice");
  EXPECT_EQ(p.text, "hi bob");
  ServerLine q = parse_server_line("[10:00:09] [private] <bob> just for you");
  EXPECT_EQ(q.kind, LineKind::Private);
  EXPECT_EQ(q.from, "bob");
  EXPECT_EQ(q.text, "just for you");
  ServerLine e = parse_server_line("[10:00:09] [private to alice] <bob> just for you");
  EXPECT_EQ(e.kind, LineKind::Echo);
  EXPECT_EQ(e.to, "alice");
  EXPECT_EQ(e.from, "bob");
  EXPECT_EQ(e.text, "just for you");
  ServerLine n = parse_server_line("[10:00:09] * bob joined the chat");
  EXPECT_EQ(n.kind, LineKind::Notice);
  EXPECT_EQ(n.text, "bob joined the chat");
  ServerLine err = parse_server_line("[10:00:09] ! user 'zed' is not connected");
  EXPECT_EQ(err.kind, LineKind::Error);
  EXPECT_EQ(parse_server_line("[10:00:09] <> x").kind, LineKind::Malformed);
  EXPECT_EQ(parse_server_line("[10:00:09] something else").kind, LineKind::Malformed);
  EXPECT_EQ(parse_server_line("[1:00:09] <alice> hi").kind, LineKind::Malformed);
}

TEST(ServerLine, Notices) {
  Notice w = parse_notice("Welcome, alice! Online (3): alice, bob, carol");
  EXPECT_EQ(w.kind, NoticeKind::Welcome);
  EXPECT_EQ(w.name, "alice");
  EXPECT_EQ(parse_notice("bob joined the chat").kind, NoticeKind::Joined);
  Notice left = parse_notice("bob left the chat");
  EXPECT_EQ(left.kind, NoticeKind::Left);
  EXPECT_EQ(left.name, "bob");
  Notice d = parse_notice("bob disconnected");
  EXPECT_EQ(d.kind, NoticeKind::Disconnected);
  EXPECT_EQ(d.name, "bob");
  Notice slow = parse_notice("bob was disconnected (too slow)");
  EXPECT_EQ(slow.kind, NoticeKind::TooSlow);
  EXPECT_EQ(slow.name, "bob");
  Notice bye = parse_notice("Bye, alice!");
  EXPECT_EQ(bye.kind, NoticeKind::Bye);
  EXPECT_EQ(bye.name, "alice");
  EXPECT_EQ(parse_notice("Server is shutting down").kind, NoticeKind::ShuttingDown);
  EXPECT_EQ(parse_notice("Online (2): a, b").kind, NoticeKind::Other);
  EXPECT_EQ(parse_notice("Commands: @privado:<user> <message>").kind, NoticeKind::Other);
}
