// Server lifecycle: listening, accepting (admission.cpp decides who is let in), signals, the
// per-iteration flush pass and the cull of closed connections.
#include "bin/chat_server/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "bin/chat_server/heap_trim.h"
#include "bin/chat_server/log.h"
#include "bin/chat_server/output_budget.h"
#include "bin/chat_server/systemd_notify.h"
#include "reactor/socket.h"

namespace chat_server {
namespace {
constexpr int kAcceptBatch = 256;  // fairness: accepting must not starve established clients
constexpr int kListenBacklog = 4096;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr auto kShutdownFlush = std::chrono::seconds(2);
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
constexpr auto kLogRetry = std::chrono::milliseconds(100);
// Input is polled every this many writes of a flush pass: about 0.2 ms of writes on
// loopback, against one epoll_wait that returns at once (docs/PERFORMANCE.md).
constexpr std::size_t kFlushesBetweenPolls = 128;
// ...as long as the pass's queues averaged at most this much (16 lines of 64 bytes).
constexpr std::uint64_t kMidPassMaxQueuedBytes = 1024;
}  // namespace

Server::Server(const Options& options)
    : options_(options),
      room_(*this),
      names_(room_),
      core_(options.password, room_, names_),
      line_door_(core_, options.max_line),
      read_buffer_(kReadChunk) {
  core_.set_directory(this);
  core_.set_motd(options.motd);
}

Server::~Server() {
  connections_.for_each([](const Connection& c) { close(c.fd); });
  if (listen_fd_ >= 0) close(listen_fd_);
}

int Server::run() {
  if (int status = open()) return status;
  if (!loop_->handle_signals({SIGINT, SIGTERM, SIGHUP, SIGUSR1}, [this](int signo) { on_signal(signo); })) {
    log_event(LogLevel::Error, "setup_failed",
              std::string("chat-server: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  // Only now: systemd may send SIGHUP as soon as it hears we are ready.
  systemd_notify::ready("listening on port " + std::to_string(port()));
  if (!loop_->run()) {
    log_event(LogLevel::Error, "loop_failed", std::string("chat-server: event loop failed: ") + std::strerror(errno));
    return 1;
  }
  log_stats();
  log_event(LogLevel::Info, "stopped", "stopped");
  log_drain(1000);
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
  configure_log(options_.log_level, options_.log_format);
  auto poller = reactor::make_poller(options_.backend);
  if (!poller) {
    log_event(LogLevel::Error, "setup_failed",
              "chat-server: cannot create the " + options_.backend + " backend: " + std::strerror(errno));
    return 1;
  }
  loop_ = std::make_unique<reactor::EventLoop>(std::move(poller));

  std::uint64_t limit = reactor::raise_descriptor_limit();
  descriptor_limit_ = limit;
  max_clients_ = effective_max_clients(options_.max_clients);
  max_logging_in_ = effective_max_logging_in();
  set_output_budget(effective_output_budget(options_.max_output_total));

  std::string error;
  listen_fd_ = reactor::listen_tcp(options_.bind, options_.port, kListenBacklog, error);
  if (listen_fd_ < 0) {
    log_event(LogLevel::Error, "listen_failed", "chat-server: " + error);
    return 2;
  }
  if (loop_->watch(listen_fd_, reactor::kReadable, this) != 0) {
    log_event(LogLevel::Error, "setup_failed",
              std::string("chat-server: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  loop_->set_before_sleep([this] { end_iteration(); });
  refresh_stamp();

  if (options_.default_password)
    log_event(LogLevel::Warn, "default_password",
              "warning: using the built-in default password (see README); set CHAT_PASSWORD or --password-file");
  log_settings_warnings(options_);
  std::string host = options_.bind.find(':') != std::string::npos ? "[" + options_.bind + "]" : options_.bind;
  log_event(LogLevel::Info, "listening",
            "listening on " + host + ":" + std::to_string(port()) + " (backend " + std::string(loop_->backend()) +
                ", max clients " + std::to_string(max_clients_) + ", descriptor limit " + std::to_string(limit) + ")",
            {{"address", options_.bind},
             {"port", port()},
             {"backend", loop_->backend()},
             {"max_clients", max_clients_},
             {"descriptor_limit", limit}});
  arm_stats_timer();
  arm_heap_trim_timer();
  return 0;
}

std::uint16_t Server::port() const { return listen_fd_ >= 0 ? reactor::local_port(listen_fd_) : 0; }

void Server::on_io(int fd, std::uint8_t events) {
  if (fd == listen_fd_) {
    accept_ready();
    return;
  }
  Connection* c = connections_.find_fd(fd);
  if (!c || c->phase == Phase::Dead) return;
  refresh_stamp();
  if (events & (reactor::kReadable | reactor::kHangup)) {
    if (c->phase == Phase::Lingering) {
      linger_read(*c);
    } else if (c->phase == Phase::Open && !c->read_ended) {
      read_ready(*c);
    } else if (events & reactor::kHangup) {
      peer_vanished(*c);
    }
  }
  if ((events & reactor::kWritable) && c->phase != Phase::Dead) schedule_flush(*c);
}

void Server::accept_ready() {
  for (int i = 0; i < kAcceptBatch; ++i) {
    reactor::PeerAddress peer;
    int fd = reactor::accept_connection(listen_fd_, peer);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == ECONNABORTED || errno == EPROTO || errno == EPERM) continue;
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: spend the reserve on telling the next client, so the backlog
        // drains instead of reporting readiness forever.
        reactor::DescriptorReserve& reserve = reserve_;
        reserve.release();
        int spare = reactor::accept_connection(listen_fd_, peer);
        if (spare >= 0) {
          ++stats_.refused_full;
          refuse(spare, peer, "! Server full. Bye.", "out of descriptors");
        }
        if (!reserve.restore() || spare < 0) {
          pause_accepting();
          return;
        }
        continue;
      }
      log_event(LogLevel::Error, "accept_failed", std::string("accept failed: ") + std::strerror(errno));
      pause_accepting();
      return;
    }
    admit(fd, std::move(peer));
  }
}

void Server::refuse(int fd, const reactor::PeerAddress& peer, std::string_view line, std::string_view why) {
  std::string text = std::string(line) + "\n";
  reactor::write_some(fd, text.data(), text.size());
  // Shut our side and drop what the client already sent, so close() ends with FIN, not RST.
  shutdown(fd, SHUT_WR);
  char sink[4096];
  while (read(fd, sink, sizeof sink) > 0) {
  }
  close(fd);
  log_client(LogLevel::Warn, "refused", "refused", {}, peer, why);
}

void Server::pause_accepting() {
  if (accept_retry_timer_ || listen_fd_ < 0) return;
  loop_->set_interest(listen_fd_, 0);
  accept_retry_timer_ = loop_->add_timer(kAcceptRetry, [this] {
    accept_retry_timer_ = {};
    if (listen_fd_ < 0) return;
    reserve_.restore();
    loop_->set_interest(listen_fd_, reactor::kReadable);
  });
}

void Server::open_connection(int fd, reactor::PeerAddress peer, const std::string& source) {
  reactor::KeepaliveSettings keepalive;
  keepalive.idle_seconds = options_.keepalive_seconds;
  // Probe more often when the idle time is short, so a small --keepalive notices a vanished
  // peer in about twice that time rather than 30 s later.
  keepalive.interval_seconds = std::max(1, std::min(keepalive.interval_seconds, options_.keepalive_seconds / 3));
  reactor::tune_connection(fd, keepalive);
  if (int err = loop_->watch(fd, reactor::kReadable, this)) {
    log_client(LogLevel::Error, "watch_failed", "cannot watch", {}, peer, std::strerror(err));
    close(fd);
    return;
  }
  chat::ClientId id = connections_.insert(
      std::make_unique<Connection>(fd, std::move(peer), options_.max_line, options_.rate, options_.burst));
  Connection& c = *connections_.find(id);
  ++open_count_;
  ++per_ip_[c.peer.ip];
  logging_in_.add(fd, source);
  ++stats_.connections_total;
  log_client(LogLevel::Info, "connect", "connect", {}, c.peer);
  line_door_.on_connect(id, c.login);
  auto timeout = std::chrono::duration_cast<reactor::Clock::duration>(
      std::chrono::duration<double>(options_.auth_timeout_seconds));
  c.auth_timer = loop_->add_timer(timeout, [this, id] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->auth_timer = {};
    refresh_stamp();
    line_door_.on_auth_timeout(id, c->login);
    ++stats_.auth_timeouts;
    log_client(LogLevel::Warn, "auth_timeout", "auth timeout", c->login.name, c->peer);
    close_after_flush(*c, "timeout");
  });
}

void Server::flush_pass() {
  // One pass over the connections with output, in the order they got it. A long pass (a
  // fan-out to thousands) stops every kFlushesBetweenPolls writes to take the input that
  // arrived meanwhile: its lines join the queues of everyone not yet written in this pass,
  // so each write carries more lines, and a new line waits for part of a pass, not for the
  // rest of this one and then the next. Connections already written get the line in the
  // next pass; they are back on flush_list_, not on the list being walked.
  flushing_.swap(flush_list_);
  std::uint64_t queued_in_pass = 0;
  for (std::size_t i = 0; i < flushing_.size(); ++i) {
    Connection* c = flushing_[i];
    c->flush_scheduled = false;
    if (c->phase != Phase::Dead) {
      queued_in_pass += c->out.bytes();
      flush(*c);
    }
    if ((i + 1) % kFlushesBetweenPolls != 0 || i + 1 == flushing_.size()) continue;
    // Deep queues mean the pass is bound by output (or by readers that cannot keep up), and
    // input taken now would only wait in our queues (memory) instead of the kernel's
    // (backpressure). A login storm is such a pass: each login queues a notice for everyone.
    if (queued_in_pass / (i + 1) <= kMidPassMaxQueuedBytes) (void)loop_->dispatch_ready();
  }
  flushing_.clear();
}

void Server::end_iteration() {
  flush_pass();
  cull();  // telling the others about departures may queue more output
  // Output queued since its connection's turn goes out in the next iteration, which does
  // not wait.
  if (!flush_list_.empty()) loop_->skip_next_sleep();
  if (log_backlog_pending()) {
    log_retry_backlog();
    // An idle server has no next iteration: a timer makes one, until the reader catches up.
    if (log_backlog_pending() && !log_retry_timer_)
      log_retry_timer_ = loop_->add_timer(kLogRetry, [this] { log_retry_timer_ = {}; });
  }
  if (shutting_down_ && open_count_ == 0) loop_->stop();
}

void Server::cull() {
  if (dead_list_.empty()) return;
  // First let the protocol tell the others (which may condemn more connections)...
  // By index: a condemned connection is appended to dead_list_ (which may reallocate) while
  // we walk it.
  for (std::size_t i = 0; i < dead_list_.size(); ++i) {  // NOLINT(modernize-loop-convert)
    auto [c, departure] = dead_list_[i];
    line_door_.on_disconnect(c->id, c->login, departure);
  }
  // ...then free them, now that nothing refers to them.
  for (auto [c, departure] : dead_list_) {
    log_client(departure == chat::Departure::TooSlow ? LogLevel::Warn : LogLevel::Info, "disconnect", "disconnect",
               c->login.name, c->peer, c->close_reason);
    loop_->cancel_timer(c->auth_timer);
    loop_->cancel_timer(c->resume_timer);
    loop_->cancel_timer(c->close_timer);
    if (c->flush_scheduled) std::erase(flush_list_, c);
    if (c->watched) loop_->unwatch(c->fd);
    int fd = c->fd;
    forget_address(c->peer.ip);
    if (c->source) sources_.detach(c->peer.ip);
    connections_.erase(c->id);
    close(fd);
    --open_count_;
  }
  dead_list_.clear();
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
  loop_->cancel_timer(accept_retry_timer_);
  loop_->unwatch(listen_fd_);
  close(listen_fd_);
  listen_fd_ = -1;
  refresh_stamp();
  connections_.for_each([this](Connection& c) {
    if (c.phase != Phase::Open) return;
    line_door_.on_shutdown(c.id, c.login);
    close_after_flush(c, "shutdown");
  });
  loop_->add_timer(kShutdownFlush, [this] { loop_->stop(); });
}

void Server::log_stats() const {
  std::chrono::duration<double> uptime = reactor::Clock::now() - started_;
  chat_server::log_stats(stats(), open_count_, uptime.count());
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
    connections_.for_each([](Connection& c) {
      if (c.out.empty()) c.out.release_spare_capacity();
    });
    trim_if_worthwhile(kWorthTrimming);
    arm_heap_trim_timer();
  });
}

void Server::refresh_stamp() {
  std::time_t now = std::time(nullptr);
  if (now == stamp_second_) return;
  stamp_second_ = now;
  std::tm local{};
  localtime_r(&now, &local);
  chat::Timestamp stamp;
  stamp.set(local.tm_hour, local.tm_min, local.tm_sec);
  line_door_.set_stamp(stamp);
}

std::string Server::who(const Connection& c) {
  if (c.login.name.empty()) return c.peer.to_string();
  return c.login.name + " " + c.peer.to_string();
}

}  // namespace chat_server
