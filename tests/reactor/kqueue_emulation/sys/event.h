// Test-only stand-in for BSD's <sys/event.h> on Linux: just the part of the kqueue interface
// reactor/poller_kqueue.cpp uses, built on poll(2) (kqueue_emulation.cpp), so that file runs
// unchanged under the same backend tests as epoll and poll. It is not a kernel: see
// docs/PLATFORMS.md for what it cannot prove. Anything it does not model fails with EINVAL.
#pragma once

#include <cstdint>
#include <ctime>

struct kevent {
  std::uintptr_t ident;  // a descriptor
  std::int16_t filter;
  std::uint16_t flags;
  std::uint32_t fflags;
  std::intptr_t data;
  void* udata;
};

#define EV_SET(kevp, a, b, c, d, e, f) \
  do {                                 \
    struct kevent* kev_ = (kevp);      \
    kev_->ident = (a);                 \
    kev_->filter = (b);                \
    kev_->flags = (c);                 \
    kev_->fflags = (d);                \
    kev_->data = (e);                  \
    kev_->udata = (f);                 \
  } while (0)

// Filters (the values macOS and FreeBSD use).
#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

// Actions and flags.
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
#define EV_CLEAR 0x0020  // EVFILT_READ only here
#define EV_RECEIPT 0x0040
// Returned.
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

int kqueue();
int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
           const struct timespec* timeout);
