// Server lifecycle: the loop and the layer set up and listening, signals, the per-iteration
// hook, shutdown, and the periodic statistics and heap trim.
#include "bin/chat_server/server.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "bin/chat_server/cluster_settings.h"
#include "bin/chat_server/heap_trim.h"
#include "bin/chat_server/systemd_notify.h"
#include "net/log.h"

namespace chat_server {
namespace {
constexpr auto kShutdownFlush = std::chrono::seconds(2);
// A stopping cluster node's departures wait at most for the outbox's deadline.
constexpr auto kClusterDrain = std::chrono::seconds(6);
constexpr auto kLogRetry = std::chrono::milliseconds(100);
}  // namespace

using net::log_event;
using net::LogLevel;

Server::Server(Options options) : options_(std::move(options)) {}

Server::~Server() = default;

int Server::run() {
  if (int status = open()) return status;
  // Only now: systemd may send SIGHUP as soon as it hears we are ready.
  systemd_notify::ready("listening on port " + std::to_string(port()));
  if (!loop_->run()) {
    log_event(LogLevel::Error, "loop_failed", std::string("chat-server: event loop failed: ") + std::strerror(errno));
    return 1;
  }
  log_stats();
  log_event(LogLevel::Info, "stopped", "stopped");
  net::log_drain(1000);
  return 0;
}

// One place for every signal: the loop has a single handler set.
void Server::on_signal(int signo) {
  if (signo == SIGHUP) {
    // systemd holds `systemctl reload` until READY=1 follows RELOADING=1, whatever the outcome.
    if (!shutting_down_) systemd_notify::reloading();
    reload();
    if (!shutting_down_) systemd_notify::ready("listening on port " + std::to_string(port()));
    return;
  }
  if (signo == SIGUSR1) {
    log_stats();
    return;
  }
  begin_shutdown(signo);
}

int Server::open() {
  net::configure_log(options_.log_level, options_.log_format);
  auto poller = reactor::make_poller(options_.backend);
  if (!poller) {
    log_event(LogLevel::Error, "setup_failed",
              "chat-server: cannot create the " + options_.backend + " backend: " + std::strerror(errno));
    return 1;
  }
  loop_ = std::make_unique<reactor::EventLoop>(std::move(poller));
  // Before anything is logged: whoever reads "listening" (a test, a script, an operator) may
  // send SIGHUP or SIGTERM at once, and must not find the default action (death) in place.
  if (!loop_->handle_signals({SIGINT, SIGTERM, SIGHUP, SIGUSR1}, [this](int signo) { on_signal(signo); })) {
    log_event(LogLevel::Error, "setup_failed",
              std::string("chat-server: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  net_ = std::make_unique<net::ConnectionLayer>(*loop_, net_limits(options_));
  std::optional<cluster::ClusterOptions> cluster;
  if (!options_.redis.empty()) {
    std::string error;
    cluster = cluster_options(options_, error);
    if (!cluster) {
      log_event(LogLevel::Error, "setup_failed", "chat-server: " + error);
      return 2;
    }
  }
  chat_ = std::make_unique<ChatDoors>(*net_, *loop_, options_, std::move(cluster));

  std::string error;
  line_listener_ = net_->listen(options_.bind, options_.port, options_.max_line, chat_->line_door(), error);
  if (line_listener_ < 0) {
    bool bind_failed = error.rfind("cannot set up the event loop", 0) != 0;
    log_event(LogLevel::Error, bind_failed ? "listen_failed" : "setup_failed", "chat-server: " + error);
    return bind_failed ? 2 : 1;
  }
  if (IrcDoorHandler* irc = chat_->irc_door()) {
    irc_listener_ = net_->listen(options_.bind, options_.irc_port, IrcDoorHandler::kMaxFrame, *irc, error);
    if (irc_listener_ < 0) {
      bool bind_failed = error.rfind("cannot set up the event loop", 0) != 0;
      log_event(LogLevel::Error, bind_failed ? "listen_failed" : "setup_failed", "chat-server: IRC door: " + error);
      return bind_failed ? 2 : 1;
    }
  }
  if (WebDoorHandler* web = chat_->web_door()) {
    // Raw bytes: the listener's max-line bounds a WebSocket message (1009), not a frame.
    web_listener_ = net_->listen(options_.bind, options_.web_port, options_.max_line, *web, error);
    if (web_listener_ < 0) {
      bool bind_failed = error.rfind("cannot set up the event loop", 0) != 0;
      log_event(LogLevel::Error, bind_failed ? "listen_failed" : "setup_failed", "chat-server: web door: " + error);
      return bind_failed ? 2 : 1;
    }
  }
  loop_->set_before_sleep([this] { end_iteration(); });
  chat_->refresh_stamp();

  if (options_.open)
    log_event(LogLevel::Warn, "open_chat", "warning: open chat (--open): anyone who can connect may join, no password");
  else if (options_.default_password)
    log_event(LogLevel::Warn, "default_password",
              "warning: using the built-in default password (see README); set CHAT_PASSWORD or --password-file");
  log_settings_warnings(options_);
  std::string host = options_.bind.find(':') != std::string::npos ? "[" + options_.bind + "]" : options_.bind;
  std::uint64_t limit = net_->descriptor_limit();
  std::size_t max_clients = net_->max_clients();
  log_event(LogLevel::Info, "listening",
            "listening on " + host + ":" + std::to_string(port()) + " (backend " + std::string(loop_->backend()) +
                ", max clients " + std::to_string(max_clients) + ", descriptor limit " + std::to_string(limit) + ")",
            {{"address", options_.bind},
             {"port", port()},
             {"backend", loop_->backend()},
             {"max_clients", max_clients},
             {"descriptor_limit", limit}});
  if (irc_listener_ >= 0)
    log_event(LogLevel::Info, "listening_irc",
              "IRC door on " + host + ":" + std::to_string(irc_port()) + " (channel " + options_.irc_channel + ")",
              {{"address", options_.bind}, {"port", irc_port()}, {"channel", options_.irc_channel}});
  if (web_listener_ >= 0)
    log_event(LogLevel::Info, "listening_web", "web page on http://" + host + ":" + std::to_string(web_port()) + "/",
              {{"address", options_.bind}, {"port", web_port()}});
  if (cluster::ClusterNode* node = chat_->cluster()) {
    log_event(LogLevel::Info, "cluster", "cluster node " + node->node() + " through Redis at " + options_.redis,
              {{"node", node->node()}, {"redis", options_.redis}});
    node->start();
  }
  arm_stats_timer();
  arm_heap_trim_timer();
  return 0;
}

std::uint16_t Server::port() const { return net_ ? net_->port(line_listener_) : 0; }

std::uint16_t Server::web_port() const { return net_ && web_listener_ >= 0 ? net_->port(web_listener_) : 0; }

std::uint16_t Server::irc_port() const { return net_ && irc_listener_ >= 0 ? net_->port(irc_listener_) : 0; }

Stats Server::stats() const { return net_ ? net_->stats() : Stats{}; }

void Server::end_iteration() {
  net_->end_iteration();
  if (net::log_backlog_pending()) {
    net::log_retry_backlog();
    // An idle server has no next iteration: a timer makes one, until the reader catches up.
    if (net::log_backlog_pending() && !log_retry_timer_)
      log_retry_timer_ = loop_->add_timer(kLogRetry, [this] { log_retry_timer_ = {}; });
  }
  if (shutting_down_ && net_->open_count() == 0) finish_shutdown();
}

// Every client is gone (or the flush time is up). A cluster node first writes what it
// still holds (its users' departures) and gives its names and lease back, within a bound.
void Server::finish_shutdown() {
  cluster::ClusterNode* node = chat_->cluster();
  if (!node) {
    loop_->stop();
    return;
  }
  if (cluster_stopping_) return;
  cluster_stopping_ = true;
  node->stop([this] { loop_->stop(); });
  loop_->add_timer(kClusterDrain, [this] {
    log_event(LogLevel::Warn, "cluster_stop_timeout", "stopping without Redis's answer (lease left to expire)");
    loop_->stop();
  });
}

void Server::begin_shutdown(int signo) {
  if (shutting_down_) {
    log_event(LogLevel::Warn, "stopping_now", "second signal: stopping now");
    loop_->stop();
    return;
  }
  shutting_down_ = true;
  systemd_notify::stopping();
  const char* name = signo == SIGINT ? "SIGINT" : "SIGTERM";
  log_event(LogLevel::Info, "shutdown", std::string("shutting down (") + name + ")", {{"signal", name}});
  net_->begin_shutdown();
  loop_->add_timer(kShutdownFlush, [this] { finish_shutdown(); });
}

void Server::log_stats() const {
  std::chrono::duration<double> uptime = reactor::Clock::now() - started_;
  net::log_stats(stats(), net_ ? net_->open_count() : 0, uptime.count());
  if (chat_ && chat_->cluster()) log_cluster_stats(chat_->cluster()->stats());
}

// --stats-interval: a timer that re-arms itself; the loop sleeps exactly until it is due.
void Server::arm_stats_timer() {
  if (options_.stats_interval_seconds <= 0) return;
  auto every = std::chrono::duration_cast<reactor::Clock::duration>(
      std::chrono::duration<double>(options_.stats_interval_seconds));
  loop_->add_timer(every, [this] {
    log_stats();
    arm_stats_timer();
  });
}

// After a burst (a login storm queues ~N²/2 join notices) the allocator keeps the freed
// memory; giving it back within a second keeps an idle server's RSS near its live heap.
void Server::arm_heap_trim_timer() {
  constexpr auto kEvery = std::chrono::seconds(1);
  constexpr std::size_t kWorthTrimming = 1 << 20;
  loop_->add_timer(kEvery, [this] {
    // The slots a drained queue keeps for its next lines were allocated all over the heap a
    // burst grew, each pinning its page: idle queues give them back (a walk of the table,
    // about 20 µs at 10 000 clients), so that the trim returns whole pages.
    net_->release_spare_output();
    trim_if_worthwhile(kWorthTrimming);
    arm_heap_trim_timer();
  });
}

}  // namespace chat_server
