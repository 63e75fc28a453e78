// The statistics line: one list of key/value fields renders both the text and the JSON form,
// so the two always carry the same keys.
#include "net/stats.h"

#include <cstdio>
#include <vector>

#include "net/log.h"

namespace net {
namespace {

std::vector<LogField> stats_fields(const Stats& s, std::size_t connections, double uptime_seconds) {
  return {
      {"connections", connections},
      {"connections_total", s.connections_total},
      {"logins", s.logins},
      {"failed_logins", s.failed_logins},
      {"lines_in", s.lines_in},
      {"deliveries_out", s.deliveries_out},
      {"bytes_in", s.bytes_in},
      {"bytes_out", s.bytes_out},
      {"dropped_slow", s.dropped_slow},
      {"flood_pauses", s.flood_pauses},
      {"flood_paused_seconds", s.flood_paused_seconds},
      {"auth_timeouts", s.auth_timeouts},
      {"refused_full", s.refused_full},
      {"refused_per_ip", s.refused_per_ip},
      {"refused_locked", s.refused_locked},
      {"uptime_seconds", uptime_seconds},
  };
}

std::string render(const std::vector<LogField>& fields) {
  std::string text = "stats";
  for (const LogField& f : fields) {
    text.push_back(' ');
    text.append(f.key).push_back('=');
    if (f.kind == LogField::Kind::Integer) {
      text += std::to_string(f.integer);
    } else {
      char buf[32];
      int n = std::snprintf(buf, sizeof buf, "%.3f", f.real);
      text.append(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    }
  }
  return text;
}

}  // namespace

std::string stats_message(const Stats& stats, std::size_t connections, double uptime_seconds) {
  return render(stats_fields(stats, connections, uptime_seconds));
}

void log_stats(const Stats& stats, std::size_t connections, double uptime_seconds) {
  if (!log_enabled(LogLevel::Info)) return;
  std::vector<LogField> fields = stats_fields(stats, connections, uptime_seconds);
  log_event(LogLevel::Info, "stats", render(fields), fields);
}

}  // namespace net
