// Server: the chat server's wiring. The event loop, the connection layer (net/) with the
// line door on its listener, signals, reloads, statistics and systemd.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bin/chat_server/chat_doors.h"
#include "bin/chat_server/options.h"
#include "net/connection_layer.h"
#include "net/limits.h"
#include "net/stats.h"
#include "reactor/event_loop.h"

namespace chat_server {

using net::Stats;

// The connection layer's limits from the settings (server_settings.cpp).
net::Limits net_limits(const Options& options);

// The bus's counters, one "cluster_stats" line (cluster_stats.cpp).
void log_cluster_stats(const cluster::ClusterStats& stats);

class Server final {
 public:
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, then runs until SIGINT/SIGTERM. Returns the process exit status.
  int run();

  // For embedders and benchmarks that drive the loop themselves (loop().run_once()): binds
  // and prepares everything run() does except signal handling. Returns 0, or the exit status
  // run() would have returned. port() and loop() are valid after it succeeded.
  int open();
  std::uint16_t port() const;
  // The IRC door's port, 0 when it is off.
  std::uint16_t irc_port() const;
  std::uint16_t web_port() const;
  reactor::EventLoop& loop() { return *loop_; }
  // What the server has counted so far (the "stats" log line).
  Stats stats() const;

  // How SIGHUP gets fresh settings (main() re-reads the config file); without one, SIGHUP
  // only logs that there is nothing to reload. False with a reason keeps the old settings.
  using Reload = std::function<bool(Options&, std::string& error)>;
  void set_reload(Reload reload) { reload_ = std::move(reload); }

 private:
  // The event loop's before-sleep hook: the layer's pass and cull, the log backlog, the stop.
  void end_iteration();
  void on_signal(int signo);
  void begin_shutdown(int signo);
  void finish_shutdown();
  void log_stats() const;
  void arm_stats_timer();
  void arm_heap_trim_timer();
  // SIGHUP and the limits it may change (server_settings.cpp): nobody is dropped.
  void reload();
  void apply_reloaded(const Options& fresh);

  Options options_;
  std::unique_ptr<reactor::EventLoop> loop_;
  std::unique_ptr<net::ConnectionLayer> net_;  // before chat_: the doors refer to it
  std::unique_ptr<ChatDoors> chat_;
  int line_listener_ = -1;
  int irc_listener_ = -1;
  int web_listener_ = -1;
  bool shutting_down_ = false;
  bool cluster_stopping_ = false;
  reactor::Clock::time_point started_ = reactor::Clock::now();
  reactor::TimerId log_retry_timer_;  // wakes an idle loop to retry a stalled log
  Reload reload_;
};

}  // namespace chat_server
