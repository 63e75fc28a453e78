// systemd's service notification protocol (sd_notify(3)) written by hand, without libsystemd:
// one datagram of "KEY=VALUE\n" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
// or "@name" for the abstract namespace). Without that variable every call does nothing;
// errors are ignored, and sending never blocks.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace chat_server::systemd_notify {

// Listening (at start-up, or after a reload): READY=1, STATUS=<status>, MAINPID=<pid>.
void ready(std::string_view status);
// About to re-read the configuration: RELOADING=1 with MONOTONIC_USEC=<CLOCK_MONOTONIC µs>
// (systemd 253 needs that to match the reload to its request); ready() follows.
void reloading();
// Shutting down: STOPPING=1.
void stopping();

// The pieces, for tests.
std::string ready_message(std::string_view status, pid_t pid);
std::string reloading_message(std::uint64_t monotonic_usec);
// $NOTIFY_SOCKET's value as an address: "/path" or "@abstract"; false for anything else.
bool socket_address(std::string_view name, sockaddr_un& address, socklen_t& length);
// Sends `message` to $NOTIFY_SOCKET; false if unset or sending failed.
bool send_message(std::string_view message);

}  // namespace chat_server::systemd_notify
