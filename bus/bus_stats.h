// The bus's numbers for the server's stats: entries written and read, the lag of this
// node's own entries (append to read-back), reconnects and the Redis round trip.
#pragma once

#include <chrono>
#include <cstdint>

#include "bus/bus_link.h"
#include "bus/chat_log.h"
#include "bus/log_reader.h"

namespace bus {

struct BusStats {
  std::uint64_t entries_written = 0;
  std::uint64_t entries_read = 0;
  std::uint64_t gaps = 0;
  std::int64_t lag_ms = 0;
  std::uint64_t reconnects = 0;  // of both connections
  std::chrono::microseconds round_trip{0};
};

inline BusStats collect_stats(const ChatLog& log, const LogReader& reader, const BusLink& commands) {
  BusStats s;
  s.entries_written = log.entries_written();
  s.entries_read = reader.entries_read();
  s.gaps = reader.gaps();
  s.lag_ms = reader.last_lag_ms();
  s.reconnects = commands.reconnects() + reader.link().reconnects();
  s.round_trip = commands.last_round_trip();
  return s;
}

}  // namespace bus
