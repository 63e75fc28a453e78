// LineDialect: every ChatEvent as the line protocol shows it (PROTOCOL.md), one payload each.
#include "protocol/line_dialect.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/room.h"

namespace {

using chat::ChatEvent;
using chat::EventKind;

struct NoTransport : chat::Transport {
  void deliver(chat::ClientId, const reactor::PayloadRef&) override {}
};

class LineDialectTest : public ::testing::Test {
 protected:
  LineDialectTest() {
    chat::Timestamp t;
    t.set(7, 5, 9);
    dialect.set_stamp(t);
  }
  std::string render(EventKind kind, std::string_view name = {}, std::string_view peer = {},
                     std::string_view text = {}) {
    ChatEvent e;
    e.kind = kind;
    e.name = name;
    e.peer = peer;
    e.text = text;
    e.room = &room;
    e.count = 512;
    return std::string(dialect.render(e).view());
  }
  NoTransport transport;
  chat::Room room{transport};
  chat::LineDialect dialect;
};

TEST_F(LineDialectTest, LoginLinesHaveNoTimestamp) {
  EXPECT_EQ(render(EventKind::PasswordPrompt), "Password:\n");
  EXPECT_EQ(render(EventKind::PasswordWrong), "! Wrong password. Bye.\n");
  EXPECT_EQ(render(EventKind::NamePrompt), "Username:\n");
  EXPECT_EQ(render(EventKind::NameInvalid, "x y"), "! names are 1-24 letters, digits, _ or -\n");
  EXPECT_EQ(render(EventKind::NameTaken, "Bob"), "! name 'Bob' is taken\n");
  EXPECT_EQ(render(EventKind::LoginTooLong), "! line too long (max 512 bytes). Bye.\n");
  EXPECT_EQ(render(EventKind::LoginTimedOut), "! Authentication timed out. Bye.\n");
}

TEST_F(LineDialectTest, ChatLinesAreStamped) {
  const std::string t = "[07:05:09] ";
  EXPECT_EQ(render(EventKind::Public, "alice", {}, "hi"), t + "<alice> hi\n");
  EXPECT_EQ(render(EventKind::Private, "alice", {}, "psst"), t + "[private] <alice> psst\n");
  EXPECT_EQ(render(EventKind::PrivateEcho, "alice", "bob", "psst"), t + "[private to bob] <alice> psst\n");
  EXPECT_EQ(render(EventKind::Joined, "alice"), t + "* alice joined the chat\n");
  EXPECT_EQ(render(EventKind::Left, "alice"), t + "* alice left the chat\n");
  EXPECT_EQ(render(EventKind::Disconnected, "alice"), t + "* alice disconnected\n");
  EXPECT_EQ(render(EventKind::Goodbye, "alice"), t + "* Bye, alice!\n");
  EXPECT_EQ(render(EventKind::Motd, {}, {}, "be kind"), t + "* be kind\n");
  EXPECT_EQ(render(EventKind::Help), t + "* " + std::string(chat::help_text()) + "\n");
  EXPECT_EQ(render(EventKind::NotConnected, {}, "zed"), t + "! user 'zed' is not connected\n");
  EXPECT_EQ(render(EventKind::LineTooLong), t + "! line too long (max 512 bytes)\n");
  EXPECT_EQ(render(EventKind::PrivateUsage), t + "! usage: @privado:<user> <message>\n");
  EXPECT_EQ(render(EventKind::UnknownCommand, {}, "@x"), t + "! unknown command '@x' (try @ajuda)\n");
  EXPECT_EQ(render(EventKind::NotDelivered, {}, {}, "hello wor"),
            t + "! not delivered: the chat is reconnecting: 'hello wor'\n");
  ChatEvent busy;
  busy.kind = EventKind::NotDelivered;
  busy.text = "hello wor";
  busy.undelivered = chat::Undelivered::Busy;
  EXPECT_EQ(dialect.render(busy).view(), t + "! not delivered: the chat is busy: 'hello wor'\n");
  EXPECT_EQ(render(EventKind::ChatReset),
            t + "* the chat's store restarted without its history; names are being checked again\n");
}

TEST_F(LineDialectTest, ClusterNewsCountsWhatWasMissed) {
  ChatEvent e;
  e.kind = EventKind::LinesMissed;
  e.count = 489;
  EXPECT_EQ(dialect.render(e).view(), "[07:05:09] * 489 lines were missed here (this server fell behind the chat)\n");
}

TEST_F(LineDialectTest, TooSlowAndShutdownVariants) {
  ChatEvent e;
  e.kind = EventKind::Disconnected;
  e.name = "bob";
  e.departure = chat::Departure::TooSlow;
  EXPECT_EQ(dialect.render(e).view(), "[07:05:09] * bob was disconnected (too slow)\n");
  e = ChatEvent{};
  e.kind = EventKind::ShuttingDown;
  EXPECT_EQ(dialect.render(e).view(), "* Server is shutting down\n");
  e.chatting = true;
  EXPECT_EQ(dialect.render(e).view(), "[07:05:09] * Server is shutting down\n");
}

TEST_F(LineDialectTest, WelcomeListsAtMostFiftyNamesAndTheListAll) {
  chat::LineDialect members;
  for (std::uint32_t i = 0; i < 60; ++i) {
    std::string name = "u";
    name.append(std::to_string(100 + i));
    ASSERT_TRUE(room.join(i, name, members));
  }
  std::string welcome = render(EventKind::Welcome, "u100");
  EXPECT_EQ(welcome.rfind("[07:05:09] * Welcome, u100! Online (60): u100, u101, ", 0), 0u) << welcome;
  EXPECT_NE(welcome.find(", u149 and 10 more (@usuarios lists all)\n"), std::string::npos) << welcome;
  std::string all = render(EventKind::UserList);
  EXPECT_NE(all.find("u159\n"), std::string::npos);
  EXPECT_EQ(all.find("more"), std::string::npos);
}

}  // namespace
