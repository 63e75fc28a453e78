// What SIGHUP may change inside the chat core and the line door: the MOTD (shown after the welcome, sanitized),
// the password (for the next attempt) and the max-line in its error message.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "protocol/line_door.h"

using chat::ClientId;
using chat::LoginState;
using chat::Outcome;
using chat::Room;

namespace {

struct Transport : chat::Transport {
  std::vector<std::pair<ClientId, std::string>> sent;
  void deliver(ClientId to, const reactor::PayloadRef& line) override {
    sent.emplace_back(to, std::string(line.view()));
  }
  std::vector<std::string> take(ClientId id) {
    std::vector<std::string> out;
    for (auto& [to, line] : sent)
      if (to == id) out.push_back(line);
    sent.clear();
    return out;
  }
};

class ServiceSettings : public ::testing::Test {
 protected:
  ServiceSettings() {
    chat::Timestamp t;
    t.set(9, 0, 0);
    service.set_stamp(t);
  }
  std::vector<std::string> login(ClientId id, const std::string& name, const std::string& password = "pw") {
    service.on_connect(id, sessions[id.slot()]);
    EXPECT_EQ(service.on_line(id, sessions[id.slot()], password), Outcome::PasswordAccepted);
    EXPECT_EQ(service.on_line(id, sessions[id.slot()], name), Outcome::NameAccepted);
    return transport.take(id);
  }
  Transport transport;
  Room room{transport};
  chat::LocalNames names{room};
  chat::ChatCore core{"pw", room, names};
  chat::LineDoor service{core, 4096};
  LoginState sessions[8];
};

}  // namespace

TEST_F(ServiceSettings, NoMotdByDefault) {
  auto lines = login(1, "alice");
  ASSERT_EQ(lines.size(), 4u);  // Password:, Username:, welcome, commands
  EXPECT_NE(lines[3].find("* Commands:"), std::string::npos);
}

TEST_F(ServiceSettings, MotdFollowsTheCommandsLineSanitized) {
  core.set_motd({"Lab rules:", "", "be \x01kind\x7f", "caf\xc3"});
  auto lines = login(1, "alice");
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[2], "[09:00:00] * Welcome, alice! Online (1): alice\n");
  EXPECT_NE(lines[3].find("* Commands:"), std::string::npos);
  EXPECT_EQ(lines[4], "[09:00:00] * Lab rules:\n");
  EXPECT_EQ(lines[5], "[09:00:00] * \n");
  EXPECT_EQ(lines[6], "[09:00:00] * be kind\n");
  EXPECT_EQ(lines[7], "[09:00:00] * caf\xef\xbf\xbd\n");
}

TEST_F(ServiceSettings, MotdGoesOnlyToTheNewcomer) {
  core.set_motd({"hello"});
  login(1, "alice");
  service.on_connect(2, sessions[2]);
  service.on_line(2, sessions[2], "pw");
  service.on_line(2, sessions[2], "bob");
  std::vector<std::string> to_alice;
  for (auto& [to, line] : transport.sent)
    if (to == 1) to_alice.push_back(line);
  ASSERT_EQ(to_alice.size(), 1u);
  EXPECT_EQ(to_alice[0], "[09:00:00] * bob joined the chat\n");
}

TEST_F(ServiceSettings, ChangedMotdAndPasswordApplyToTheNextLogin) {
  core.set_motd({"old"});
  login(1, "alice");
  core.set_motd({"new"});
  core.set_password("pw2");
  service.on_connect(2, sessions[2]);
  EXPECT_EQ(service.on_line(2, sessions[2], "pw"), Outcome::PasswordRejected);
  auto lines = login(3, "carol", "pw2");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[4], "[09:00:00] * new\n");
  core.set_motd({});
  EXPECT_EQ(login(4, "dave", "pw2").size(), 4u);
}

TEST_F(ServiceSettings, MaxLineInTheErrorFollowsTheSetting) {
  login(1, "alice");
  service.set_max_line(64);
  service.on_overlong(1, sessions[1]);
  auto lines = transport.take(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "[09:00:00] ! line too long (max 64 bytes)\n");
}
