// IrcDialect's rendering of a cluster's news: what an IRC user is told when a line of theirs
// never reached the chat's log (and why), when lines were missed, when the store restarted.
#include "doors/irc/irc_dialect.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/chat_event.h"

namespace {

using chat::EventKind;

std::string render(irc::IrcDialect& dialect, const chat::ChatEvent& e) { return std::string(dialect.render(e).view()); }

TEST(IrcDialectNews, ALineNotDeliveredSaysWhetherTheChatIsReconnectingOrBusy) {
  irc::IrcDialect dialect("irc.test", "#chat");
  chat::ChatEvent e;
  e.kind = EventKind::NotDelivered;
  e.text = "hello wor";
  EXPECT_EQ(render(dialect, e), ":irc.test NOTICE #chat :Not delivered (the chat is reconnecting): hello wor\r\n");
  e.undelivered = chat::Undelivered::Busy;
  EXPECT_EQ(render(dialect, e), ":irc.test NOTICE #chat :Not delivered (the chat is busy): hello wor\r\n");
}

TEST(IrcDialectNews, MissedLinesAndARestartedStoreAreChannelNotices) {
  irc::IrcDialect dialect("irc.test", "#chat");
  chat::ChatEvent e;
  e.kind = EventKind::LinesMissed;
  e.count = 7;
  EXPECT_EQ(render(dialect, e),
            ":irc.test NOTICE #chat :7 lines were missed here (this server fell behind the chat)\r\n");
  e.kind = EventKind::ChatReset;
  EXPECT_EQ(
      render(dialect, e),
      ":irc.test NOTICE #chat :The chat's store restarted without its history; names are being checked again\r\n");
}

}  // namespace
