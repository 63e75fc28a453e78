// --max-output-total: the default from the machine's memory, and shedding the largest queues
// (as slow consumers) when everything queued together passes the budget.
#include "net/output_budget.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string>
#include <vector>

#include "net/connection_layer.h"
#include "net/log.h"

namespace net {
namespace {

constexpr std::uint64_t kMinimumDefault = std::uint64_t{64} << 20;
constexpr std::uint64_t kUnknownDefault = std::uint64_t{1} << 30;

std::uint64_t physical_memory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

// A container's limit is what the kernel enforces, often far below the host's memory.
// cgroup v2 says "max" for none; v1 says a huge number, which the smaller-of rule ignores.
std::uint64_t cgroup_limit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text)) continue;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && value > 0) return value;
  }
  return 0;
}

}  // namespace

std::size_t default_output_budget(std::uint64_t physical_bytes, std::uint64_t cgroup_limit_bytes) {
  std::uint64_t available = physical_bytes;
  if (cgroup_limit_bytes != 0 && (available == 0 || cgroup_limit_bytes < available)) available = cgroup_limit_bytes;
  if (available == 0) return kUnknownDefault;
  return static_cast<std::size_t>(std::max(available / 4, kMinimumDefault));
}

std::size_t effective_output_budget(std::size_t configured) {
  if (configured != 0) return configured;
  return default_output_budget(physical_memory(), cgroup_limit());
}

void ConnectionLayer::set_output_budget(std::size_t budget) {
  auto fresh = static_cast<std::int64_t>(budget);
  output_room_ += fresh - output_budget_;  // what is queued stays as it is
  output_budget_ = fresh;
}

Stats ConnectionLayer::stats() const {
  Stats s = stats_;
  s.bytes_out = output_queued_ever_ - output_discarded_ - queued_total();
  return s;
}

void ConnectionLayer::shed_output() {
  // Rare (the budget is far above a healthy server's queues), so a walk of the table and a
  // sort are cheap enough; the hot path only keeps output_room_. As for --max-queue, only
  // what the kernel does not accept counts: every queue is offered to it before judging.
  std::vector<Connection*> queued;
  connections_.for_each([&queued](Connection& c) {
    if (c.phase != Phase::Dead && !c.stream.output_empty()) queued.push_back(&c);
  });
  for (Connection* c : queued)
    if (c->phase != Phase::Dead) flush(*c);
  if (output_room_ >= 0) return;
  std::erase_if(queued, [](const Connection* c) { return c->phase == Phase::Dead || c->stream.output_empty(); });
  std::sort(queued.begin(), queued.end(), [](const Connection* a, const Connection* b) {
    return a->stream.output_bytes() > b->stream.output_bytes();
  });
  log_event(LogLevel::Warn, "output_budget",
            "output budget exceeded: " + std::to_string(queued_total()) + " bytes queued, limit " +
                std::to_string(output_budget_) + "; dropping the largest queues",
            {{"queued", queued_total()}, {"limit", output_budget_}});
  for (Connection* c : queued) {
    if (output_room_ >= 0) break;
    ++stats_.dropped_slow;
    condemn(*c, "too slow (output budget)", c->phase == Phase::Open ? Departure::TooSlow : Departure::Silent);
  }
}

}  // namespace net
