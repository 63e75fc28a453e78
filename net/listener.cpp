// The listeners: binding, the accept loop (a batch per readiness, the descriptor reserve when
// the process runs out), refusals, opening an admitted connection, and shutdown.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/connection_layer.h"
#include "net/log.h"
#include "net/output_budget.h"
#include "reactor/socket.h"

namespace net {
namespace {
constexpr int kAcceptBatch = 256;  // fairness: accepting must not starve established clients
constexpr int kListenBacklog = 4096;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
}  // namespace

ConnectionLayer::ConnectionLayer(reactor::EventLoop& loop, const Limits& limits)
    : loop_(loop), limits_(limits), read_buffer_(kReadChunk) {
  descriptor_limit_ = reactor::raise_descriptor_limit();
  set_limits(limits);
}

ConnectionLayer::~ConnectionLayer() {
  connections_.for_each([](const Connection& c) { close(c.fd()); });
  for (const Listener& l : listeners_)
    if (l.fd >= 0) close(l.fd);
}

void ConnectionLayer::set_limits(const Limits& limits) {
  limits_ = limits;
  max_clients_ = effective_max_clients(limits_.max_clients);
  max_logging_in_ = effective_max_logging_in();
  set_output_budget(effective_output_budget(limits_.max_output_total));
}

int ConnectionLayer::listen(const std::string& bind, std::uint16_t port, std::size_t max_line, ConnectionHandler& door,
                            std::string& error) {
  int fd = reactor::listen_tcp(bind, port, kListenBacklog, error, limits_.reuse_port);
  if (fd < 0) return -1;
  if (loop_.watch(fd, reactor::kReadable, this) != 0) {
    error = std::string("cannot set up the event loop: ") + std::strerror(errno);
    close(fd);
    return -1;
  }
  listeners_.push_back({fd, &door, max_line});
  return static_cast<int>(listeners_.size() - 1);
}

std::uint16_t ConnectionLayer::port(int listener) const {
  if (listener < 0 || static_cast<std::size_t>(listener) >= listeners_.size()) return 0;
  int fd = listeners_[static_cast<std::size_t>(listener)].fd;
  return fd >= 0 ? reactor::local_port(fd) : 0;
}

void ConnectionLayer::set_max_line(int listener, std::size_t max_line) {
  if (listener >= 0 && static_cast<std::size_t>(listener) < listeners_.size())
    listeners_[static_cast<std::size_t>(listener)].max_line = max_line;
}

void ConnectionLayer::on_io(int fd, std::uint8_t events) {
  Connection* c = connections_.find_fd(fd);
  if (!c) {
    for (const Listener& l : listeners_)
      if (l.fd == fd) accept_ready(l);
    return;
  }
  if (c->phase == Phase::Dead) return;
  if (events & (reactor::kReadable | reactor::kHangup)) {
    if (c->phase == Phase::Lingering) {
      linger_read(*c);
    } else if (c->phase == Phase::Open && !c->stream.read_ended()) {
      read_ready(*c);
    } else if (events & reactor::kHangup) {
      peer_vanished(*c);
    }
  }
  if ((events & reactor::kWritable) && c->phase != Phase::Dead) schedule_flush(*c);
}

void ConnectionLayer::accept_ready(const Listener& listener) {
  for (int i = 0; i < kAcceptBatch; ++i) {
    reactor::PeerAddress peer;
    int fd = reactor::accept_connection(listener.fd, peer);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == ECONNABORTED || errno == EPROTO || errno == EPERM) continue;
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: spend the reserve on telling the next client, so the backlog
        // drains instead of reporting readiness forever.
        reserve_.release();
        int spare = reactor::accept_connection(listener.fd, peer);
        if (spare >= 0) {
          ++stats_.refused_full;
          refuse(spare, peer, listener, Refusal::Full, 0, "out of descriptors");
        }
        if (!reserve_.restore() || spare < 0) {
          pause_accepting();
          return;
        }
        continue;
      }
      log_event(LogLevel::Error, "accept_failed", std::string("accept failed: ") + std::strerror(errno));
      pause_accepting();
      return;
    }
    admit(fd, std::move(peer), listener);
  }
}

void ConnectionLayer::refuse(int fd, const reactor::PeerAddress& peer, const Listener& listener, Refusal why,
                             std::size_t limit, std::string_view log_why) {
  std::string text = listener.door->refusal_line(why, limit) + "\n";
  reactor::write_some(fd, text.data(), text.size());
  // Shut our side and drop what the client already sent, so close() ends with FIN, not RST.
  shutdown(fd, SHUT_WR);
  while (read(fd, read_buffer_.data(), read_buffer_.size()) > 0) {
  }
  close(fd);
  log_client(LogLevel::Warn, "refused", "refused", {}, peer, log_why);
}

// Out of descriptors is the process's state, not one listener's: every listener waits.
void ConnectionLayer::pause_accepting() {
  if (accept_retry_timer_ || shutting_down_) return;
  for (const Listener& l : listeners_) loop_.set_interest(l.fd, 0);
  accept_retry_timer_ = loop_.add_timer(kAcceptRetry, [this] {
    accept_retry_timer_ = {};
    if (shutting_down_) return;
    reserve_.restore();
    for (const Listener& l : listeners_) loop_.set_interest(l.fd, reactor::kReadable);
  });
}

void ConnectionLayer::open_connection(int fd, reactor::PeerAddress peer, const Listener& listener,
                                      const std::string& source) {
  reactor::KeepaliveSettings keepalive;
  keepalive.idle_seconds = limits_.keepalive_seconds;
  // Probe more often when the idle time is short, so a small --keepalive notices a vanished
  // peer in about twice that time rather than 30 s later.
  keepalive.interval_seconds = std::max(1, std::min(keepalive.interval_seconds, limits_.keepalive_seconds / 3));
  reactor::tune_connection(fd, keepalive);
  if (int err = loop_.watch(fd, reactor::kReadable, this)) {
    log_client(LogLevel::Error, "watch_failed", "cannot watch", {}, peer, std::strerror(err));
    close(fd);
    return;
  }
  chat::ClientId id = connections_.insert(std::make_unique<Connection>(fd, std::move(peer), *listener.door,
                                                                       listener.max_line, limits_.rate, limits_.burst));
  Connection& c = *connections_.find(id);
  ++open_count_;
  ++per_ip_[c.peer.ip];
  logging_in_.add(fd, source);
  ++stats_.connections_total;
  log_client(LogLevel::Info, "connect", "connect", {}, c.peer);
  c.handler->on_open(c);
  arm_login_deadline(c);
}

void ConnectionLayer::arm_login_deadline(Connection& c) {
  if (c.phase != Phase::Open) return;
  auto timeout =
      std::chrono::duration_cast<reactor::Clock::duration>(std::chrono::duration<double>(limits_.auth_timeout_seconds));
  chat::ClientId id = c.id;
  c.auth_timer = loop_.add_timer(timeout, [this, id] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->auth_timer = {};
    c->handler->on_login_timeout(*c);
    ++stats_.auth_timeouts;
    log_client(LogLevel::Warn, "auth_timeout", "auth timeout", c->name, c->peer);
    close_after_flush(*c, "timeout");
  });
}

void ConnectionLayer::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  loop_.cancel_timer(accept_retry_timer_);
  close_listeners();
  connections_.for_each([this](Connection& c) {
    if (c.phase != Phase::Open) return;
    c.handler->on_shutdown(c);
    close_after_flush(c, "shutdown");
  });
}

void ConnectionLayer::close_listeners() {
  for (Listener& l : listeners_) {
    if (l.fd < 0) continue;
    loop_.unwatch(l.fd);
    close(l.fd);
    l.fd = -1;
  }
}

void ConnectionLayer::release_spare_output() {
  connections_.for_each([](Connection& c) {
    if (c.stream.output_empty()) c.stream.output().release_spare_capacity();
  });
}

}  // namespace net
