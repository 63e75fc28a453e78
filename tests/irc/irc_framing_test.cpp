// IrcDoor with a framing (what the web door's text.ircv3.net uses): every byte the door
// sends, registration replies, numerics and the dialect's renderings alike, goes through
// it, and a door without one is untouched.
#include "tests/irc/irc_door_fixture.h"

namespace irc_door_test {
namespace {

// Marks each payload: "{" + its lines with "\r\n" as "|" + "}".
class MarkingFraming final : public irc::IrcFraming {
 public:
  reactor::PayloadRef frame(const reactor::PayloadRef& lines) const override {
    std::string out = "{";
    for (char ch : lines.view())
      if (ch != '\r') out += ch == '\n' ? '|' : ch;
    out += "}";
    return reactor::PayloadRef::copy_of(out);
  }
};

class IrcFraming : public IrcDoorTest {
 protected:
  void send_framed(ClientId id, std::initializer_list<std::string_view> lines) {
    for (std::string_view line : lines) framed.on_line(id, irc_clients[id], line);
  }
  MarkingFraming framing;
  irc::IrcDoor framed{core, settings(), &framing};
};

bool only_whole_blocks(const std::string& all) {
  if (all.empty() || all.front() != '{' || all.back() != '}') return false;
  for (std::size_t close = all.find('}'); close + 1 < all.size(); close = all.find('}', close + 1))
    if (all[close + 1] != '{') return false;
  return all.find('\n') == std::string::npos;
}

TEST_F(IrcFraming, EveryByteOfAFramedDoorGoesThroughItsFraming) {
  framed.on_connect(5, irc_clients[5]);
  send_framed(5, {"CAP LS 302", "PASS pw", "NICK web", "USER web 0 * :Web", "CAP END"});
  ASSERT_TRUE(irc_clients[5].welcomed);
  login_line(1, "bob");                        // JOIN: the dialect
  say_line(1, "hello");                        // PRIVMSG: the dialect
  send_framed(5, {"NAMES #chat", "PING :x"});  // numerics and PONG: the door's own
  send_framed(5, {"PRIVMSG zed :anyone?"});    // 401: the dialect, for the core
  std::string all = transport.received[5];
  EXPECT_TRUE(only_whole_blocks(all)) << all;
  EXPECT_NE(all.find("{:irc.test CAP * LS :multi-prefix|}"), std::string::npos) << all;
  EXPECT_NE(all.find("{:irc.test 002 web :"), std::string::npos) << all;
  EXPECT_NE(all.find("{:bob!bob@irc.test JOIN #chat|}"), std::string::npos) << all;
  EXPECT_NE(all.find("{:bob!bob@irc.test PRIVMSG #chat :hello|}"), std::string::npos) << all;
  EXPECT_NE(all.find(":irc.test 353 web = #chat :"), std::string::npos) << all;
  EXPECT_NE(all.find("{:irc.test PONG irc.test :x|}"), std::string::npos) << all;
  EXPECT_NE(all.find("{:irc.test 401 web zed :No such nick/channel|}"), std::string::npos) << all;
}

TEST_F(IrcFraming, ClientsOfBothDoorsShareTheRoomEachFramedItsOwnWay) {
  register_irc(2, "alice");
  framed.on_connect(5, irc_clients[5]);
  send_framed(5, {"PASS pw", "NICK web", "USER web 0 * :Web"});
  forget_all();
  send_framed(5, {"PRIVMSG #chat :from the web"});
  EXPECT_EQ(transport.take(2), (std::vector<std::string>{":web!web@irc.test PRIVMSG #chat :from the web"}));
  irc_door.on_line(2, irc_clients[2], "PRIVMSG web :psst");
  EXPECT_EQ(transport.received[5], "{:alice!alice@irc.test PRIVMSG web :psst|}");
}

}  // namespace
}  // namespace irc_door_test
