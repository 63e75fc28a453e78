// The IrcDoor test fixture: one room with a line door and an IRC door, a transport that
// records what each client receives, and helpers to register IRC clients and log in line ones.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doors/irc/irc_door.h"
#include "protocol/line_door.h"

namespace irc_door_test {

using chat::ClientId;
using chat::Outcome;

struct Recorder : chat::Transport {
  std::map<ClientId, std::string> received;  // everything, concatenated, per client
  void deliver(ClientId to, const reactor::PayloadRef& bytes) override { received[to].append(bytes.view()); }
  // The complete lines received since the last take(), without their CRLF or LF.
  std::vector<std::string> take(ClientId id) {
    std::vector<std::string> lines;
    std::string& all = received[id];
    std::size_t start = 0;
    for (std::size_t nl = all.find('\n'); nl != std::string::npos; nl = all.find('\n', start)) {
      std::size_t end = nl > start && all[nl - 1] == '\r' ? nl - 1 : nl;
      lines.emplace_back(all, start, end - start);
      start = nl + 1;
    }
    all.erase(0, start);
    return lines;
  }
};

inline bool contains_line(const std::vector<std::string>& lines, std::string_view want) {
  for (const std::string& l : lines)
    if (l == want) return true;
  return false;
}

inline const std::string kT = "[09:30:00] ";

class IrcDoorTest : public ::testing::Test {
 protected:
  IrcDoorTest() {
    chat::Timestamp t;
    t.set(9, 30, 0);
    line_door.set_stamp(t);
  }
  static irc::IrcSettings settings() {
    irc::IrcSettings s;
    s.server_name = "irc.test";
    s.topic = "Be kind";
    return s;
  }

  // Sends each line through the IRC door; the last line's outcome.
  Outcome send(ClientId id, std::initializer_list<std::string_view> lines) {
    Outcome last = Outcome::None;
    for (std::string_view line : lines) last = irc_door.on_line(id, irc_clients[id], line);
    return last;
  }
  // PASS, NICK, USER; asserts the welcome; forgets what was received.
  void register_irc(ClientId id, const std::string& nick) {
    irc_door.on_connect(id, irc_clients[id]);
    EXPECT_EQ(send(id, {"PASS pw", "NICK " + nick, "USER " + nick + " 0 * :Real Name"}), Outcome::NameAccepted);
    EXPECT_TRUE(irc_clients[id].welcomed);
    transport.take(id);
  }
  Outcome say_line(ClientId id, std::string_view line) { return line_door.on_line(id, line_clients[id], line); }
  void login_line(ClientId id, const std::string& name) {
    line_door.on_connect(id, line_clients[id]);
    say_line(id, "pw");
    EXPECT_EQ(say_line(id, name), Outcome::NameAccepted);
    transport.take(id);
  }
  void forget_all() {
    for (auto& [id, bytes] : transport.received) bytes.clear();
  }

  Recorder transport;
  chat::Room room{transport};
  chat::LocalNames names{room};
  chat::ChatCore core{"pw", room, names};
  chat::LineDoor line_door{core, 4096};
  irc::IrcDoor irc_door{core, settings()};
  std::map<ClientId, irc::IrcClient> irc_clients;
  std::map<ClientId, chat::LoginState> line_clients;
};

}  // namespace irc_door_test
