// Limits: every bound the connection layer enforces, shared by all its listeners (set at
// start-up, changed by a reload: what is admitted or read next follows the new values).
#pragma once

#include <cstddef>

namespace net {

struct Limits {
  double auth_timeout_seconds = 30;  // the login deadline (on_login_timeout)
  std::size_t max_queue = 1 << 20;   // one connection's unsent output before it is dropped
  std::size_t max_output_total = 0;  // all queues together; 0: derived from memory (output_budget.h)
  double rate = 20;                  // lines per second per connection; 0: no flood control
  double burst = 50;
  std::size_t max_clients = 0;  // 0: as many as the descriptor limit allows
  std::size_t max_per_ip = 64;  // open connections from one address; 0: no limit
  // Connections not yet logged in: in total (0: half of max_clients, at least 64 or all of
  // it) and from one source (0: no limit).
  std::size_t max_unauthenticated = 0;
  std::size_t max_unauthenticated_per_ip = 8;
  int keepalive_seconds = 30;  // TCP keepalive idle time before the first probe
  bool reuse_port = false;     // listeners share their port with other processes (SO_REUSEPORT)
};

}  // namespace net
