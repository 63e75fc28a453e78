// The sd_notify datagrams and $NOTIFY_SOCKET's address forms (tests/integration/
// systemd_notify_test.cpp plays systemd's side against the real server).
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "bin/chat_server/systemd_notify.h"

using namespace chat_server;

TEST(SystemdNotifyMessage, ReadyCarriesStatusAndMainPid) {
  EXPECT_EQ(systemd_notify::ready_message("listening on port 5000", 1234),
            "READY=1\nSTATUS=listening on port 5000\nMAINPID=1234\n");
  EXPECT_EQ(systemd_notify::ready_message("", 7), "READY=1\nMAINPID=7\n");
  // A newline in the status must not start an assignment of its own.
  EXPECT_EQ(systemd_notify::ready_message("a\nMAINPID=1", 7), "READY=1\nSTATUS=a MAINPID=1\nMAINPID=7\n");
}

TEST(SystemdNotifyMessage, ReloadingCarriesTheMonotonicClock) {
  EXPECT_EQ(systemd_notify::reloading_message(123456789),
            "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=123456789\n");
}

TEST(SystemdNotifyMessage, PathAddress) {
  sockaddr_un address;
  socklen_t length = 0;
  ASSERT_TRUE(systemd_notify::socket_address("/run/systemd/notify", address, length));
  EXPECT_EQ(address.sun_family, AF_UNIX);
  EXPECT_STREQ(address.sun_path, "/run/systemd/notify");
  EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + sizeof "/run/systemd/notify");
}

TEST(SystemdNotifyMessage, AbstractAddressStartsWithNulAndHasNoTerminator) {
  sockaddr_un address;
  socklen_t length = 0;
  ASSERT_TRUE(systemd_notify::socket_address("@notify-7", address, length));
  EXPECT_EQ(address.sun_path[0], '\0');
  EXPECT_EQ(std::string(address.sun_path + 1, 8), "notify-7");
  EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + 9);
}

TEST(SystemdNotifyMessage, RejectsRelativeEmptyAndOverlongNames) {
  sockaddr_un address;
  socklen_t length = 0;
  EXPECT_FALSE(systemd_notify::socket_address("", address, length));
  EXPECT_FALSE(systemd_notify::socket_address("@", address, length));
  EXPECT_FALSE(systemd_notify::socket_address("relative/path", address, length));
  EXPECT_FALSE(systemd_notify::socket_address("vsock:2:1234", address, length));
  EXPECT_FALSE(systemd_notify::socket_address("/" + std::string(sizeof address.sun_path, 'x'), address, length));
  EXPECT_TRUE(systemd_notify::socket_address("/" + std::string(sizeof address.sun_path - 2, 'x'), address, length));
}
