// Admission: who a new connection must get past (lock-out, per-address caps, room for
// logins, capacity), evicting a login in progress to make room, and the lock-out applied
// to password lines on connections opened before it (docs/PROTOCOL.md "Admission").
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "bin/chat_server/log.h"
#include "bin/chat_server/server.h"
#include "protocol/format.h"

namespace chat_server {
namespace {
constexpr std::string_view kLockedOut = "! Too many failed attempts; try again later.";
constexpr std::string_view kLockedOutWhy = "locked out after failed passwords";
constexpr std::string_view kEvicted = "! Server busy; please reconnect. Bye.";
constexpr std::size_t kLoginsAlwaysAllowed = 64;
}  // namespace

// Half of the capacity keeps the other half for people who got in; a small server (up to
// 128) still lets up to 64 log in at once, as every connection could before this limit.
std::size_t Server::effective_max_logging_in() const {
  if (options_.max_unauthenticated != 0) return options_.max_unauthenticated;
  return std::max(max_clients_ / 2, std::min<std::size_t>(max_clients_, kLoginsAlwaysAllowed));
}

void Server::admit(int fd, reactor::PeerAddress peer) {
  // The lock-out first: a locked-out address is told why, whatever other limit it is at.
  if (throttle_.is_locked(peer.ip, reactor::Clock::now())) {
    ++stats_.refused_locked;
    refuse(fd, peer, kLockedOut, kLockedOutWhy);
    return;
  }
  if (options_.max_per_ip != 0 && connections_from(peer.ip) >= options_.max_per_ip) {
    ++stats_.refused_per_ip;
    std::string limit = std::to_string(options_.max_per_ip);
    refuse(fd, peer, "! Too many connections from your address (limit " + limit + "); try again later.",
           "too many connections from " + peer.ip + " (limit " + limit + ")");
    return;
  }
  std::string source = AuthThrottle::source_of(peer.ip);
  std::size_t cap = options_.max_unauthenticated_per_ip;
  if (cap != 0 && logging_in_.count_from(source) >= cap) {
    ++stats_.refused_per_ip;
    std::string limit = std::to_string(cap);
    refuse(fd, peer,
           "! Too many connections still logging in from your address (limit " + limit + "); try again later.",
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
    refuse(fd, peer, "! Server full. Bye.", "server full");
    return;
  }
  open_connection(fd, std::move(peer), source);
}

// The oldest login of the source holding the most: a flood from a few addresses makes room
// out of its own connections. The goodbye is written at once and the connection condemned,
// so its place is free for the connection being admitted.
bool Server::evict_a_login() {
  int fd = logging_in_.victim();
  Connection* c = connections_.find_fd(fd);
  if (!c) {
    logging_in_.remove(fd);
    return false;
  }
  log_client(LogLevel::Warn, "evicted", "evicted", {}, c->peer, "server busy: making room for a newcomer");
  c->login.state = chat::State::Gone;
  // Through deliver() and flush(), so --max-output-total's count sees these bytes come and go.
  // A few bytes to a socket that got only the prompt: they fit.
  deliver(c->id, chat::plain_line(kEvicted));
  if (c->phase == Phase::Open) flush(*c);
  // As refuse() does: shut our side and drop what the client sent, so the close is a FIN.
  shutdown(c->fd, SHUT_WR);
  while (read(c->fd, read_buffer_.data(), read_buffer_.size()) > 0) {
  }
  condemn(*c, "evicted", chat::Departure::Silent);
  return true;
}

bool Server::refuse_locked_guess(Connection& c) {
  if (c.login.state != chat::State::AwaitPassword || !throttle_.is_locked(c.peer.ip, reactor::Clock::now()))
    return false;
  ++stats_.refused_locked;
  c.login.state = chat::State::Gone;
  deliver(c.id, chat::plain_line(kLockedOut));  // counted, as all output
  log_client(LogLevel::Warn, "refused", "refused", {}, c.peer, kLockedOutWhy);
  close_after_flush(c, "locked out");
  return true;
}

}  // namespace chat_server
