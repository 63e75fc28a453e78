// Force-included into every portable target when CMake's CHAT_PORTABLE_CHECK is on (the
// `.ci/no-epoll-build` step): any use of a Linux-only name left unguarded by a CHAT_HAVE_*
// macro becomes a compile error on Linux, instead of a surprise on macOS or a BSD.
// The system headers that declare these names come first, so only our own code is checked.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

// Macros must be undefined before they can be poisoned.
#undef SOCK_NONBLOCK
#undef SOCK_CLOEXEC
#undef TCP_KEEPIDLE
#undef TCP_USER_TIMEOUT
#undef POLLRDHUP
#undef IP_BIND_ADDRESS_NO_PORT
#undef MSG_NOSIGNAL

// Functions and macros macOS lacks (some BSDs have a few of them; the CHAT_HAVE_* checks
// find those there). Including <sys/epoll.h>, <sys/signalfd.h>, <sys/timerfd.h> or
// <sys/eventfd.h> also fails now, since they declare poisoned names.
#pragma GCC poison accept4 pipe2 dup3 ppoll memrchr
#pragma GCC poison epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait
#pragma GCC poison signalfd timerfd_create timerfd_settime eventfd
#pragma GCC poison SOCK_NONBLOCK SOCK_CLOEXEC TCP_KEEPIDLE POLLRDHUP IP_BIND_ADDRESS_NO_PORT MSG_NOSIGNAL
#pragma GCC poison TCP_USER_TIMEOUT
