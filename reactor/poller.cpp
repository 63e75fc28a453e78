// Picks a Poller backend by name; the only place that knows which backends exist.
#include "reactor/poller.h"

namespace reactor {

std::vector<std::string_view> available_backends() {
  std::vector<std::string_view> names;
#if CHAT_HAVE_EPOLL
  names.emplace_back("epoll");
#endif
#if CHAT_HAVE_KQUEUE
  names.emplace_back("kqueue");
#endif
  names.emplace_back("poll");
  return names;
}

std::unique_ptr<Poller> make_poller(std::string_view backend) {
#if CHAT_HAVE_EPOLL
  if (backend == "epoll") return make_epoll_poller();
#endif
#if CHAT_HAVE_KQUEUE
  if (backend == "kqueue") return make_kqueue_poller();
#endif
  if (backend == "poll") return make_poll_poller();
  return nullptr;
}

}  // namespace reactor
