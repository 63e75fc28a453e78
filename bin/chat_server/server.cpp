// Server lifecycle: listening, accepting (with every admission limit), signals, the
// per-iteration flush pass and the cull of closed connections.
#include "bin/chat_server/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "bin/chat_server/log.h"
#include "reactor/socket.h"

namespace chat_server {
namespace {
constexpr int kAcceptBatch = 256;  // fairness: accepting must not starve established clients
constexpr int kListenBacklog = 4096;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);
constexpr auto kShutdownFlush = std::chrono::seconds(2);
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kReservedDescriptors = 32;  // listener, poller, signal pipe, reserve, stdio...
}  // namespace

Server::Server(const Options& options)
    : options_(options),
      room_(*this),
      service_(options.password, options.max_line, room_),
      read_buffer_(kReadChunk) {}

Server::~Server() {
  for (auto& c : connections_)
    if (c) close(c->fd);
  if (listen_fd_ >= 0) close(listen_fd_);
}

Connection* Server::find(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= connections_.size()) return nullptr;
  return connections_[fd].get();
}

int Server::run() {
  if (int status = open()) return status;
  if (!loop_->handle_signals({SIGINT, SIGTERM}, [this](int signo) { begin_shutdown(signo); })) {
    log_line(std::string("chat-server: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  if (!loop_->run()) {
    log_line(std::string("chat-server: event loop failed: ") + std::strerror(errno));
    return 1;
  }
  log_line("stopped");
  return 0;
}

int Server::open() {
  auto poller = reactor::make_poller(options_.backend);
  if (!poller) {
    log_line("chat-server: cannot create the " + options_.backend + " backend: " + std::strerror(errno));
    return 1;
  }
  loop_ = std::make_unique<reactor::EventLoop>(std::move(poller));

  std::uint64_t limit = reactor::raise_descriptor_limit();
  max_clients_ = options_.max_clients;
  if (max_clients_ == 0) max_clients_ = limit > 2 * kReservedDescriptors ? limit - kReservedDescriptors : limit / 2;

  std::string error;
  listen_fd_ = reactor::listen_tcp(options_.bind, options_.port, kListenBacklog, error);
  if (listen_fd_ < 0) {
    log_line("chat-server: " + error);
    return 2;
  }
  if (loop_->watch(listen_fd_, reactor::kReadable, this) != 0) {
    log_line(std::string("chat-server: cannot set up the event loop: ") + std::strerror(errno));
    return 1;
  }
  loop_->set_before_sleep([this] { before_sleep(); });
  refresh_stamp();

  if (options_.default_password)
    log_line("warning: using the built-in default password (see README); set CHAT_PASSWORD or --password-file");
  std::string host = options_.bind.find(':') != std::string::npos ? "[" + options_.bind + "]" : options_.bind;
  log_line("listening on " + host + ":" + std::to_string(port()) + " (backend " + std::string(loop_->backend()) +
           ", max clients " + std::to_string(max_clients_) + ", descriptor limit " + std::to_string(limit) + ")");
  return 0;
}

std::uint16_t Server::port() const { return listen_fd_ >= 0 ? reactor::local_port(listen_fd_) : 0; }

void Server::on_io(int fd, std::uint8_t events) {
  if (fd == listen_fd_) {
    accept_ready();
    return;
  }
  Connection* c = find(fd);
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
        if (spare >= 0) refuse(spare, peer, "! Server full. Bye.", "out of descriptors");
        if (!reserve.restore() || spare < 0) {
          pause_accepting();
          return;
        }
        continue;
      }
      log_line(std::string("accept failed: ") + std::strerror(errno));
      pause_accepting();
      return;
    }
    if (open_count_ >= max_clients_) {
      refuse(fd, peer, "! Server full. Bye.", "server full");
    } else if (throttle_.is_locked(peer.ip, reactor::Clock::now())) {
      refuse(fd, peer, "! Too many failed attempts; try again later.", "locked out after failed passwords");
    } else {
      open_connection(fd, std::move(peer));
    }
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
  log_line("refused " + peer.to_string() + ": " + std::string(why));
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

void Server::open_connection(int fd, reactor::PeerAddress peer) {
  reactor::tune_connection(fd, reactor::KeepaliveSettings{});
  if (int err = loop_->watch(fd, reactor::kReadable, this)) {
    log_line("cannot watch " + peer.to_string() + ": " + std::strerror(err));
    close(fd);
    return;
  }
  if (static_cast<std::size_t>(fd) >= connections_.size()) connections_.resize(fd + 1);
  connections_[fd] = std::make_unique<Connection>(fd, std::move(peer), options_.max_line, options_.rate, options_.burst);
  Connection& c = *connections_[fd];
  ++open_count_;
  log_line("connect " + c.peer.to_string());
  service_.on_connect(static_cast<chat::ClientId>(fd), c.session);
  auto timeout = std::chrono::duration_cast<reactor::Clock::duration>(
      std::chrono::duration<double>(options_.auth_timeout_seconds));
  c.auth_timer = loop_->add_timer(timeout, [this, fd] {
    Connection* c = find(fd);
    if (!c) return;
    c->auth_timer = {};
    refresh_stamp();
    service_.on_auth_timeout(static_cast<chat::ClientId>(fd), c->session);
    log_line("auth timeout " + who(*c));
    close_after_flush(*c, "timeout");
  });
}

void Server::before_sleep() {
  do {
    for (std::size_t i = 0; i < flush_list_.size(); ++i) {
      Connection* c = flush_list_[i];
      c->flush_scheduled = false;
      if (c->phase != Phase::Dead) flush(*c);
    }
    flush_list_.clear();
    cull();  // telling the others about departures may queue more output
  } while (!flush_list_.empty());
  if (shutting_down_ && open_count_ == 0) loop_->stop();
}

void Server::cull() {
  if (dead_list_.empty()) return;
  // First let the protocol tell the others (which may condemn more connections)...
  for (std::size_t i = 0; i < dead_list_.size(); ++i) {
    auto [c, departure] = dead_list_[i];
    service_.on_disconnect(static_cast<chat::ClientId>(c->fd), c->session, departure);
  }
  // ...then free them, now that nothing refers to them.
  for (auto [c, departure] : dead_list_) {
    log_line("disconnect " + who(*c) + ": " + c->close_reason);
    loop_->cancel_timer(c->auth_timer);
    loop_->cancel_timer(c->resume_timer);
    loop_->cancel_timer(c->close_timer);
    if (c->flush_scheduled) std::erase(flush_list_, c);
    if (c->watched) loop_->unwatch(c->fd);
    int fd = c->fd;
    connections_[fd].reset();
    close(fd);
    --open_count_;
  }
  dead_list_.clear();
}

void Server::begin_shutdown(int signo) {
  if (shutting_down_) {
    log_line("second signal: stopping now");
    loop_->stop();
    return;
  }
  shutting_down_ = true;
  log_line(std::string("shutting down (") + (signo == SIGINT ? "SIGINT" : "SIGTERM") + ")");
  loop_->cancel_timer(accept_retry_timer_);
  loop_->unwatch(listen_fd_);
  close(listen_fd_);
  listen_fd_ = -1;
  refresh_stamp();
  for (auto& c : connections_) {
    if (!c || c->phase != Phase::Open) continue;
    service_.on_shutdown(static_cast<chat::ClientId>(c->fd), c->session);
    close_after_flush(*c, "shutdown");
  }
  loop_->add_timer(kShutdownFlush, [this] { loop_->stop(); });
}

void Server::refresh_stamp() {
  std::time_t now = std::time(nullptr);
  if (now == stamp_second_) return;
  stamp_second_ = now;
  std::tm local{};
  localtime_r(&now, &local);
  chat::Timestamp stamp;
  stamp.set(local.tm_hour, local.tm_min, local.tm_sec);
  service_.set_stamp(stamp);
}

std::string Server::who(const Connection& c) const {
  if (c.session.name.empty()) return c.peer.to_string();
  return c.session.name + " " + c.peer.to_string();
}

}  // namespace chat_server
