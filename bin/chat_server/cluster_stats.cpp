// The "cluster_stats" line, next to "stats" at every --stats-interval (docs/OPERATIONS.md).
#include "bin/chat_server/server.h"
#include "net/log.h"

namespace chat_server {

void log_cluster_stats(const cluster::ClusterStats& s) {
  if (!net::log_enabled(LogLevel::Info)) return;
  std::string text = "cluster: written=" + std::to_string(s.written);
  text.append(" read=").append(std::to_string(s.read));
  text.append(" lag_ms=").append(std::to_string(s.lag_ms));
  text.append(" rtt_us=").append(std::to_string(s.round_trip.count()));
  text.append(" outbox=").append(std::to_string(s.outbox));
  text.append(" not_delivered=").append(std::to_string(s.not_delivered));
  text.append(" reconnects=").append(std::to_string(s.reconnects));
  text.append(" gaps=").append(std::to_string(s.gaps));
  text.append(" remote_members=").append(std::to_string(s.remote_members));
  text.append(" leases_lost=").append(std::to_string(s.leases_lost));
  text.append(" states_lost=").append(std::to_string(s.states_lost));
  log_event(LogLevel::Info, "cluster_stats", text,
            {{"written", s.written},
             {"read", s.read},
             {"lag_ms", s.lag_ms},
             {"rtt_us", static_cast<std::int64_t>(s.round_trip.count())},
             {"outbox", s.outbox},
             {"not_delivered", s.not_delivered},
             {"reconnects", s.reconnects},
             {"gaps", s.gaps},
             {"remote_members", s.remote_members},
             {"leases_lost", s.leases_lost},
             {"states_lost", s.states_lost}});
}

}  // namespace chat_server
