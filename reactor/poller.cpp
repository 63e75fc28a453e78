// Picks a Poller backend by name; the only place that knows which backends exist.
#include "reactor/poller.h"

namespace reactor {

#ifdef __linux__
std::unique_ptr<Poller> make_epoll_poller();
#endif
std::unique_ptr<Poller> make_poll_poller();

std::vector<std::string_view> available_backends() {
  std::vector<std::string_view> names;
#ifdef __linux__
  names.push_back("epoll");
#endif
  names.push_back("poll");
  return names;
}

std::unique_ptr<Poller> make_poller(std::string_view backend) {
#ifdef __linux__
  if (backend == "epoll") return make_epoll_poller();
#endif
  if (backend == "poll") return make_poll_poller();
  return nullptr;
}

}  // namespace reactor
