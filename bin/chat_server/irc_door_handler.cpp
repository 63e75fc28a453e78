// IrcDoorHandler: every call from the connection layer into the IRC door, and the PING sweep.
#include "bin/chat_server/irc_door_handler.h"

#include <memory>
#include <vector>

#include "bin/chat_server/chat_doors.h"
#include "doors/irc/irc_writer.h"

namespace chat_server {

IrcDoorHandler::IrcDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, reactor::EventLoop& loop,
                               irc::IrcSettings settings, double ping_seconds)
    : ChatDoorHandler(layer, chat),
      loop_(loop),
      door_(chat.core(), std::move(settings)),
      ping_after_(std::chrono::duration_cast<reactor::Clock::duration>(std::chrono::duration<double>(ping_seconds))) {
  arm_ping_sweep();
}

IrcDoorHandler::~IrcDoorHandler() { loop_.cancel_timer(sweep_timer_); }

void IrcDoorHandler::on_open(net::Connection& c) {
  c.session = std::make_unique<IrcSession>();
  open_.insert(c.id);
  door_.on_connect(c.id, session(c).client);
}

net::FrameVerdict IrcDoorHandler::on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) {
  IrcSession& s = session(c);
  if (irc::IrcDoor::holds_input(s.client)) return net::FrameVerdict::Hold;  // until claim_settled
  s.last_heard = reactor::Clock::now();
  s.pinged = false;
  chat_.refresh_stamp();
  // A source locked out after wrong passwords registers no more, whatever it sends.
  if (s.client.login.state == chat::State::AwaitPassword && layer_.is_locked_out(c)) {
    layer_.count_locked_guess(c);
    chat_.core().abandon_login(c.id, s.client.login);
    layer_.deliver(c.id, irc::write_line({}, "ERROR", {}, "Closing Link: too many failed attempts; try again later"));
    layer_.close_after_flush(c, "locked out");
    return net::FrameVerdict::Taken;
  }
  chat::Outcome outcome =
      frame == reactor::Frame::Overlong ? door_.on_overlong(c.id, s.client) : door_.on_line(c.id, s.client, line);
  handle_outcome(c, outcome);
  return net::FrameVerdict::Taken;
}

void IrcDoorHandler::claim_settled(net::Connection& c, bool accepted) {
  door_.on_claim_settled(c.id, session(c).client, accepted);
  handle_outcome(c, accepted ? chat::Outcome::NameAccepted : chat::Outcome::NameRefused);
  layer_.resume_input(c.id);
}

void IrcDoorHandler::on_input_ended(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_disconnect(c.id, session(c).client, chat::Departure::Lost);
}

void IrcDoorHandler::on_login_timeout(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_auth_timeout(c.id, session(c).client);
}

void IrcDoorHandler::on_closed(net::Connection& c, net::Departure departure) {
  chat_.refresh_stamp();
  open_.erase(c.id);
  door_.on_disconnect(c.id, session(c).client, chat_departure(departure));
}

void IrcDoorHandler::on_shutdown(net::Connection& c) {
  chat_.refresh_stamp();
  door_.on_shutdown(c.id, session(c).client);
}

std::string IrcDoorHandler::refusal_line(net::Refusal why, std::size_t limit) const {
  std::string reason;
  switch (why) {
    case net::Refusal::LockedOut: reason = "too many failed attempts; try again later"; break;
    case net::Refusal::TooManyFromSource:
      reason = "too many connections from your address (limit " + std::to_string(limit) + ")";
      break;
    case net::Refusal::TooManyLoggingIn:
      reason = "too many connections still logging in from your address (limit " + std::to_string(limit) + ")";
      break;
    case net::Refusal::Full: reason = "server full"; break;
    case net::Refusal::Evicted: reason = "server busy; please reconnect"; break;
  }
  return "ERROR :Closing Link: " + reason + "\r";  // the layer adds the '\n'
}

void IrcDoorHandler::arm_ping_sweep() {
  // Four sweeps per interval: a silent client is pinged within 1.25 intervals of its last
  // line and dropped within 2.5.
  sweep_timer_ = loop_.add_timer(ping_after_ / 4, [this] {
    sweep_timer_ = {};
    ping_sweep();
    arm_ping_sweep();
  });
}

void IrcDoorHandler::ping_sweep() {
  reactor::Clock::time_point now = reactor::Clock::now();
  std::vector<net::Connection*> silent;
  for (chat::ClientId id : open_) {
    net::Connection* c = layer_.find(id);
    if (!c || c->phase != net::Phase::Open || !c->session) continue;
    IrcSession& s = session(*c);
    if (!s.client.welcomed || now - s.last_heard < ping_after_) continue;
    if (!s.pinged) {
      s.pinged = true;
      s.last_heard = now;  // the answer is due within one more interval
      layer_.deliver(id, irc::write_line({}, "PING", {}, door_.settings().server_name));
    } else {
      silent.push_back(c);
    }
  }
  chat_.refresh_stamp();
  for (net::Connection* c : silent) {
    layer_.deliver(c->id, irc::write_line({}, "ERROR", {}, "Closing Link: ping timeout"));
    layer_.close_after_flush(*c, "ping timeout");
    door_.on_disconnect(c->id, session(*c).client, chat::Departure::Lost);
  }
}

}  // namespace chat_server
