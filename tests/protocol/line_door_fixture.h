// The LineDoor test fixture: a room over a transport that records every line sent, a
// fixed clock, and helpers to connect and log in. Shared by tests/protocol/line_door_*_test.cpp.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/line_door.h"

namespace line_door_test {

using chat::ChatCore;
using chat::ClientId;
using chat::Departure;
using chat::LineDoor;
using chat::LoginState;
using chat::Outcome;
using chat::Room;
using chat::State;
using chat::Timestamp;

using Sent = std::pair<ClientId, std::string>;
using SentList = std::vector<Sent>;
using ByClient = std::map<ClientId, std::vector<std::string>>;

struct FakeTransport : chat::Transport {
  SentList sent;
  void deliver(ClientId to, const reactor::PayloadRef& line) override {
    sent.emplace_back(to, std::string(line.view()));
  }
};

inline constexpr const char* kPassword = "s3cret";
inline constexpr std::size_t kMaxLine = 4096;
inline const std::string kT = "[12:34:56] ";
inline const std::string kHelp = std::string(chat::help_text());

class LineDoorTest : public ::testing::Test {
 protected:
  LineDoorTest() {
    Timestamp t;
    t.set(12, 34, 56);
    door.set_stamp(t);
  }

  // Everything sent since the last call, then forgets it.
  SentList take() { return std::exchange(transport.sent, {}); }

  // Everything sent since the last call, grouped by recipient (order kept per recipient:
  // the order in which a broadcast visits recipients is not part of the contract), then forgets it.
  ByClient take_by_client() {
    ByClient out;
    for (auto& [to, line] : take()) out[to].push_back(std::move(line));
    return out;
  }

  // Lines sent to one client since the last take(), without forgetting.
  std::vector<std::string> lines_to(ClientId id) const {
    std::vector<std::string> out;
    for (const auto& [to, line] : transport.sent)
      if (to == id) out.push_back(line);
    return out;
  }

  LoginState& connect(ClientId id) {
    LoginState& s = sessions[id];
    door.on_connect(id, s);
    return s;
  }

  // Connects, gives the password and the name; asserts each step; forgets the output.
  LoginState& login(ClientId id, const std::string& name) {
    LoginState& s = connect(id);
    EXPECT_EQ(door.on_line(id, s, kPassword), Outcome::PasswordAccepted);
    EXPECT_EQ(door.on_line(id, s, name), Outcome::NameAccepted);
    EXPECT_EQ(s.state, State::Chatting);
    take();
    return s;
  }

  Outcome say(ClientId id, std::string_view line) { return door.on_line(id, sessions[id], line); }

  FakeTransport transport;
  Room room{transport};
  chat::LocalNames names{room};
  ChatCore core{kPassword, room, names};
  LineDoor door{core, kMaxLine};
  std::map<ClientId, LoginState> sessions;
};

}  // namespace line_door_test
