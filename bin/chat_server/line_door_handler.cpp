// LineDoorHandler: every call from the connection layer into the line door, and the lock-out
// of a guess from a source locked out after its connection opened.
#include "bin/chat_server/line_door_handler.h"

#include <memory>

#include "bin/chat_server/chat_doors.h"
#include "protocol/format.h"

namespace chat_server {
namespace {
constexpr std::string_view kLockedOut = "! Too many failed attempts; try again later.";
}  // namespace

LineDoorHandler::LineDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, std::size_t max_line)
    : ChatDoorHandler(layer, chat), door_(chat.core(), max_line) {}

void LineDoorHandler::on_open(net::Connection& c) {
  chat_.refresh_stamp();
  c.session = std::make_unique<LineSession>();
  door_.on_connect(c.id, login(c));
}

net::FrameVerdict LineDoorHandler::on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) {
  chat::LoginState& s = login(c);
  if (chat::LineDoor::holds_input(s)) return net::FrameVerdict::Hold;  // until claim_settled
  chat_.refresh_stamp();
  if (frame == reactor::Frame::Overlong) {
    handle_outcome(c, door_.on_overlong(c.id, s));
    return net::FrameVerdict::Taken;
  }
  // A guess from a source locked out after this connection opened: refused before the
  // password is compared.
  if (s.state == chat::State::AwaitPassword && layer_.is_locked_out(c)) {
    layer_.count_locked_guess(c);
    chat_.core().abandon_login(c.id, s);
    layer_.deliver(c.id, chat::plain_line(kLockedOut));  // counted, as all output
    layer_.close_after_flush(c, "locked out");
    return net::FrameVerdict::Taken;
  }
  chat::Outcome outcome = door_.on_line(c.id, s, line);
  handle_outcome(c, outcome);
  return net::FrameVerdict::Taken;
}

void LineDoorHandler::claim_settled(net::Connection& c, bool accepted) {
  handle_outcome(c, accepted ? chat::Outcome::NameAccepted : chat::Outcome::NameRefused);
  layer_.resume_input(c.id);
}

void LineDoorHandler::on_input_ended(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_disconnect(c.id, login(c), chat::Departure::Lost);
}

void LineDoorHandler::on_login_timeout(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_auth_timeout(c.id, login(c));
}

void LineDoorHandler::on_closed(net::Connection& c, net::Departure departure) {
  chat_.refresh_stamp();
  door_.on_disconnect(c.id, login(c), chat_departure(departure));
}

void LineDoorHandler::on_shutdown(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_shutdown(c.id, login(c));
}

std::string LineDoorHandler::refusal_line(net::Refusal why, std::size_t limit) const {
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
