// Admission: who a new connection must get past (lock-out, per-address caps, room for
// logins, capacity), evicting a login in progress to make room, and the lock-out applied
// to password guesses on connections opened before it (docs/PROTOCOL.md "Admission").
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "net/connection_layer.h"
#include "net/log.h"

namespace net {
namespace {
constexpr std::string_view kLockedOutWhy = "locked out after failed passwords";
constexpr std::size_t kLoginsAlwaysAllowed = 64;
constexpr std::size_t kReservedDescriptors = 32;  // listeners, poller, signal pipe, reserve, stdio...
}  // namespace

std::size_t ConnectionLayer::effective_max_clients(std::size_t configured) const {
  if (configured != 0) return configured;
  std::uint64_t limit = descriptor_limit_;
  return limit > 2 * kReservedDescriptors ? limit - kReservedDescriptors : limit / 2;
}

// Half of the capacity keeps the other half for people who got in; a small server (up to
// 128) still lets up to 64 log in at once, as every connection could before this limit.
std::size_t ConnectionLayer::effective_max_logging_in() const {
  if (limits_.max_unauthenticated != 0) return limits_.max_unauthenticated;
  return std::max(max_clients_ / 2, std::min<std::size_t>(max_clients_, kLoginsAlwaysAllowed));
}

std::size_t ConnectionLayer::connections_from(const std::string& ip) const {
  auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

void ConnectionLayer::forget_address(const std::string& ip) {
  auto it = per_ip_.find(ip);
  if (it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

void ConnectionLayer::admit(int fd, reactor::PeerAddress peer, const Listener& listener) {
  // The lock-out first: a locked-out address is told why, whatever other limit it is at.
  if (throttle_.is_locked(peer.ip, reactor::Clock::now())) {
    ++stats_.refused_locked;
    refuse(fd, peer, listener, Refusal::LockedOut, 0, kLockedOutWhy);
    return;
  }
  if (limits_.max_per_ip != 0 && connections_from(peer.ip) >= limits_.max_per_ip) {
    ++stats_.refused_per_ip;
    std::string limit = std::to_string(limits_.max_per_ip);
    refuse(fd, peer, listener, Refusal::TooManyFromSource, limits_.max_per_ip,
           "too many connections from " + peer.ip + " (limit " + limit + ")");
    return;
  }
  std::string source = AuthThrottle::source_of(peer.ip);
  std::size_t cap = limits_.max_unauthenticated_per_ip;
  if (cap != 0 && logging_in_.count_from(source) >= cap) {
    ++stats_.refused_per_ip;
    std::string limit = std::to_string(cap);
    refuse(fd, peer, listener, Refusal::TooManyLoggingIn, cap,
           "too many connections logging in from " + source + " (limit " + limit + ")");
    return;
  }
  // Logins in progress at their cap, below --max-clients: the newcomer takes the place of
  // one of them (the oldest of the source holding the most), unless one would not be enough
  // (a reload lowered the limits). Connections condemned in this iteration hold no place:
  // they are closed before the next one.
  std::size_t live = open_count_ - dead_list_.size();
  std::size_t logging_in = logging_in_.size();
  bool made_room = false;
  if (logging_in == max_logging_in_ && max_logging_in_ < max_clients_ && live <= max_clients_)
    made_room = evict_a_login();
  // Full otherwise (PROTOCOL.md: the connection beyond --max-clients is refused): at least
  // max-clients - max-unauthenticated of those inside are people who logged in.
  if (!made_room && (live >= max_clients_ || logging_in >= max_logging_in_)) {
    ++stats_.refused_full;
    refuse(fd, peer, listener, Refusal::Full, 0, "server full");
    return;
  }
  open_connection(fd, std::move(peer), listener, source);
}

// The oldest login of the source holding the most: a flood from a few addresses makes room
// out of its own connections. The goodbye is written at once and the connection condemned,
// so its place is free for the connection being admitted.
bool ConnectionLayer::evict_a_login() {
  int fd = logging_in_.victim();
  Connection* c = connections_.find_fd(fd);
  if (!c) {
    logging_in_.remove(fd);
    return false;
  }
  log_client(LogLevel::Warn, "evicted", "evicted", {}, c->peer, "server busy: making room for a newcomer");
  // Through deliver() and flush(), so --max-output-total's count sees these bytes come and go.
  // A few bytes to a socket that got only the prompt: they fit.
  deliver(c->id, reactor::PayloadRef::copy_of(c->handler->eviction_notice(*c)));
  if (c->phase == Phase::Open) flush(*c);
  // As refuse() does: shut our side and drop what the client sent, so the close is a FIN.
  shutdown(c->fd(), SHUT_WR);
  while (read(c->fd(), read_buffer_.data(), read_buffer_.size()) > 0) {
  }
  condemn(*c, "evicted", Departure::Silent);
  return true;
}

void ConnectionLayer::logged_in(Connection& c) {
  loop_.cancel_timer(c.auth_timer);
  logging_in_.remove(c.fd());
  ++stats_.logins;
}

void ConnectionLayer::restart_login_deadline(Connection& c) {
  loop_.cancel_timer(c.auth_timer);
  c.auth_timer = {};
  // A login in progress again: it counts towards --max-unauthenticated and may be evicted.
  logging_in_.remove(c.fd());
  logging_in_.add(c.fd(), AuthThrottle::source_of(c.peer.ip));
  arm_login_deadline(c);
}

bool ConnectionLayer::record_failed_login(Connection& c) {
  ++stats_.failed_logins;
  if (!throttle_.record_failure(c.peer.ip, reactor::Clock::now())) return false;
  log_event(LogLevel::Warn, "lockout", "locking out " + c.peer.ip + " after repeated wrong passwords",
            {{"ip", c.peer.ip}});
  return true;
}

bool ConnectionLayer::is_locked_out(const Connection& c) const {
  return throttle_.is_locked(c.peer.ip, reactor::Clock::now());
}

void ConnectionLayer::count_locked_guess(const Connection& c) {
  ++stats_.refused_locked;
  log_client(LogLevel::Warn, "refused", "refused", {}, c.peer, kLockedOutWhy);
}

}  // namespace net
