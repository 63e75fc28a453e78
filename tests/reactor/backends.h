// The readiness backends the reactor tests run against: every one this build offers, plus
// kqueue over the test emulation where the platform has no kqueue (Linux).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/poller.h"

namespace reactor_test {

std::vector<std::string_view> tested_backends();
// Like reactor::make_poller, but also reaches the emulated kqueue.
std::unique_ptr<reactor::Poller> make_tested_poller(std::string_view backend);

}  // namespace reactor_test
