// LineDoor: every call into the chat (ChatService) from the server, and what its outcomes
// mean for the connection (log, lock-out count, login done, close).
#include "bin/chat_server/line_door.h"

#include <ctime>
#include <memory>

#include "net/log.h"
#include "protocol/format.h"

namespace chat_server {
namespace {
constexpr std::string_view kLockedOut = "! Too many failed attempts; try again later.";

chat::Departure chat_departure(net::Departure d) {
  switch (d) {
    case net::Departure::Lost: return chat::Departure::Lost;
    case net::Departure::TooSlow: return chat::Departure::TooSlow;
    case net::Departure::Silent: return chat::Departure::Silent;
  }
  return chat::Departure::Silent;
}
}  // namespace

using net::log_client;
using net::LogLevel;

LineDoor::LineDoor(net::ConnectionLayer& layer, const Options& options)
    : layer_(layer), room_(*this), service_(options.password, options.max_line, room_) {
  service_.set_motd(options.motd);
}

void LineDoor::apply(const Options& options) {
  service_.set_password(options.password);
  service_.set_max_line(options.max_line);
  service_.set_motd(options.motd);
}

void LineDoor::refresh_stamp() {
  std::time_t now = std::time(nullptr);
  if (now == stamp_second_) return;
  stamp_second_ = now;
  std::tm local{};
  localtime_r(&now, &local);
  chat::Timestamp stamp;
  stamp.set(local.tm_hour, local.tm_min, local.tm_sec);
  service_.set_stamp(stamp);
}

void LineDoor::on_open(net::Connection& c) {
  refresh_stamp();
  c.session = std::make_unique<LineSession>();
  service_.on_connect(c.id, login(c));
}

net::FrameVerdict LineDoor::on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) {
  refresh_stamp();
  chat::LoginState& s = login(c);
  if (frame == reactor::Frame::Overlong) {
    handle_outcome(c, service_.on_overlong(c.id, s));
    return net::FrameVerdict::Taken;
  }
  // A guess from a source locked out after this connection opened: refused before the
  // password is compared.
  if (s.state == chat::State::AwaitPassword && layer_.is_locked_out(c)) {
    layer_.count_locked_guess(c);
    s.state = chat::State::Gone;
    layer_.deliver(c.id, chat::plain_line(kLockedOut));  // counted, as all output
    layer_.close_after_flush(c, "locked out");
    return net::FrameVerdict::Taken;
  }
  handle_outcome(c, service_.on_line(c.id, s, line));
  return net::FrameVerdict::Taken;
}

void LineDoor::handle_outcome(net::Connection& c, chat::Outcome outcome) {
  const chat::LoginState& s = login(c);
  switch (outcome) {
    case chat::Outcome::None: return;
    case chat::Outcome::PasswordAccepted: log_client(LogLevel::Info, "auth_ok", "auth ok", s.name, c.peer); return;
    case chat::Outcome::PasswordRejected:
      log_client(LogLevel::Warn, "auth_failed", "auth failed", s.name, c.peer);
      layer_.record_failed_login(c);
      layer_.close_after_flush(c, "wrong password");
      return;
    case chat::Outcome::NameAccepted:
      c.name = s.name;
      layer_.logged_in(c);
      log_client(LogLevel::Info, "login", "name", s.name, c.peer);
      return;
    case chat::Outcome::NameRefused: log_client(LogLevel::Info, "name_refused", "name refused", s.name, c.peer); return;
    case chat::Outcome::Quit: layer_.close_after_flush(c, "quit"); return;
    case chat::Outcome::TooLongBeforeChat: layer_.close_after_flush(c, "line too long"); return;
  }
}

void LineDoor::on_input_ended(net::Connection& c) {
  refresh_stamp();
  service_.on_disconnect(c.id, login(c), chat::Departure::Lost);
}

void LineDoor::on_login_timeout(net::Connection& c) {
  refresh_stamp();
  service_.on_auth_timeout(c.id, login(c));
}

void LineDoor::on_closed(net::Connection& c, net::Departure departure) {
  service_.on_disconnect(c.id, login(c), chat_departure(departure));
}

void LineDoor::on_shutdown(net::Connection& c) {
  refresh_stamp();
  service_.on_shutdown(c.id, login(c));
}

std::string LineDoor::refusal_line(net::Refusal why, std::size_t limit) const {
  switch (why) {
    case net::Refusal::LockedOut: return std::string(kLockedOut);
    case net::Refusal::TooManyFromSource:
      return "! Too many connections from your address (limit " + std::to_string(limit) + "); try again later.";
    case net::Refusal::TooManyLoggingIn:
      return "! Too many connections still logging in from your address (limit " + std::to_string(limit) +
             "); try again later.";
    case net::Refusal::Full: return "! Server full. Bye.";
    case net::Refusal::Evicted: return "! Server busy; please reconnect. Bye.";
  }
  return "! Bye.";
}

}  // namespace chat_server
