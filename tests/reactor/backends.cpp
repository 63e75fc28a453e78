// Which backends the reactor tests cover (see backends.h).
#include "tests/reactor/backends.h"

#include <algorithm>

namespace reactor_test {

std::vector<std::string_view> tested_backends() {
  std::vector<std::string_view> names = reactor::available_backends();
#if CHAT_KQUEUE_EMULATED
  if (std::find(names.begin(), names.end(), "kqueue") == names.end()) names.emplace_back("kqueue");
#endif
  return names;
}

std::unique_ptr<reactor::Poller> make_tested_poller(std::string_view backend) {
#if CHAT_KQUEUE_EMULATED
  if (backend == "kqueue") return reactor::make_kqueue_poller();
#endif
  return reactor::make_poller(backend);
}

}  // namespace reactor_test
