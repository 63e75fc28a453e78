// Counters of what the server has done since it started: plain integers bumped on the paths
// they count, logged as one "stats key=value ..." line by --stats-interval, SIGUSR1 and at
// exit (docs/OPERATIONS.md explains each key).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace net {

struct Stats {
  std::uint64_t connections_total = 0;  // accepted and opened (refusals are not counted)
  std::uint64_t logins = 0;             // names accepted: clients that entered the chat
  std::uint64_t failed_logins = 0;      // wrong passwords
  std::uint64_t lines_in = 0;           // lines handed to the protocol (overlong ones included)
  std::uint64_t deliveries_out = 0;     // lines queued for a recipient
  std::uint64_t bytes_in = 0;           // read from clients
  std::uint64_t bytes_out = 0;          // accepted by the kernel (writev's results)
  std::uint64_t dropped_slow = 0;       // clients dropped for exceeding --max-queue
  std::uint64_t flood_pauses = 0;       // times a client's reading paused for --rate
  double flood_paused_seconds = 0;      // total time clients spent paused by flood control
  std::uint64_t auth_timeouts = 0;      // clients that did not log in within --auth-timeout
  std::uint64_t refused_full = 0;       // refused: --max-clients reached or out of descriptors
  std::uint64_t refused_per_ip = 0;     // refused: --max-per-ip reached
  std::uint64_t refused_locked = 0;     // refused: address locked out after wrong passwords
};

// "stats connections=3 connections_total=40 ... uptime_seconds=12.000": the text line; the
// JSON line has the same keys as fields. `connections` is the number open now.
std::string stats_message(const Stats& stats, std::size_t connections, double uptime_seconds);
// Logs that line at info level (event "stats").
void log_stats(const Stats& stats, std::size_t connections, double uptime_seconds);

}  // namespace net
