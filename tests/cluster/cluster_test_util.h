// What the cluster's tests share: a transport that records every member's lines, and the
// events of a log read with XRANGE.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/log_event.h"
#include "protocol/room.h"

namespace cluster_test {

// The events among XRANGE's entries (flattened: id, field, value, ...; the bus's own fields
// `n`, `node`, `t` first, then per event its seq `s` and its field `e`).
inline std::vector<cluster::LogEvent> events_in(const std::vector<std::string>& xrange) {
  std::vector<cluster::LogEvent> events;
  for (std::size_t i = 0; i + 1 < xrange.size(); ++i) {
    if (xrange[i] != "e") continue;
    bus::LogEntry entry;
    entry.node = "writer";
    entry.fields = {{"e", xrange[i + 1]}};
    if (std::optional<cluster::LogEvent> e = cluster::decode(entry)) events.push_back(std::move(*e));
  }
  return events;
}

struct Recorder : chat::Transport {
  std::map<chat::ClientId, std::vector<std::string>> got;
  void deliver(chat::ClientId to, const reactor::PayloadRef& line) override { got[to].emplace_back(line.view()); }
};

// The texts of the public and private lines among XRANGE's entries (flattened, as
// bus_test::BusTest::call gives them), decoded as any node would.
inline std::vector<std::string> texts_in(const std::vector<std::string>& xrange) {
  std::vector<std::string> texts;
  for (const cluster::LogEvent& e : events_in(xrange))
    if (e.kind == cluster::LogKind::Say || e.kind == cluster::LogKind::Whisper) texts.push_back(e.text);
  return texts;
}

}  // namespace cluster_test
