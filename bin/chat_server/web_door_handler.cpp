// WebDoorHandler: HTTP requests and WebSocket messages from the connection layer's bytes,
// each paid with a flood-control token; the messages as the line door's lines, or the IRC
// door's (text.ircv3.net).
#include "bin/chat_server/web_door_handler.h"

#include <memory>
#include <vector>

#include "bin/chat_server/chat_doors.h"
#include "bin/chat_server/irc_door_handler.h"
#include "doors/web/web_router.h"
#include "doors/web/websocket_frame.h"
#include "net/log.h"

namespace chat_server {
namespace {
// What one HTTP request is charged to its source's byte budget (it relays nothing).
constexpr std::size_t kRequestCost = 512;

// One line per request at debug level: "GET /healthz 200 127.0.0.1:40122".
void log_request(const net::Connection& c, const web::HttpRequest& request, int status) {
  if (!net::log_enabled(net::LogLevel::Debug)) return;
  std::string address = c.peer.to_string();
  std::string message = request.method;
  message.append(" ").append(request.target).append(" ").append(std::to_string(status)).append(" ").append(address);
  net::log_event(net::LogLevel::Debug, "http_request", message,
                 {{"method", request.method}, {"path", request.path}, {"status", status}, {"peer", address}});
}

void read_frames(WebSession& s, std::string_view bytes) {
  std::vector<web::WebSocketEvent> events;
  s.reader.feed(bytes, events);
  for (web::WebSocketEvent& e : events) s.events.push_back(std::move(e));
}
}  // namespace

WebDoorHandler::WebDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, reactor::EventLoop& loop,
                               std::size_t max_line, web::HandshakePolicy policy, std::optional<irc::IrcSettings> irc)
    : ChatDoorHandler(layer, chat),
      loop_(loop),
      door_(chat.core(), max_line, dialect_),
      policy_(std::move(policy)),
      max_line_(max_line),
      ping_after_(std::chrono::duration_cast<reactor::Clock::duration>(std::chrono::duration<double>(kPingSeconds))) {
  if (irc) irc_ = std::make_unique<irc::IrcDoor>(chat.core(), std::move(*irc), &irc_framing_);
  policy_.irc_available = irc_ != nullptr;
  arm_ping_sweep();
}

WebDoorHandler::~WebDoorHandler() { loop_.cancel_timer(sweep_timer_); }

void WebDoorHandler::on_open(net::Connection& c) {
  c.raw = true;
  c.session = std::make_unique<WebSession>(max_line_);
}

net::FrameVerdict WebDoorHandler::on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) {
  (void)c;
  (void)frame;
  (void)line;
  return net::FrameVerdict::Taken;  // raw connections get on_bytes, never frames
}

void WebDoorHandler::on_bytes(net::Connection& c, std::string_view bytes) {
  WebSession& s = session(c);
  if (!s.websocket) {
    s.input.append(bytes);
    serve_http(c, s);  // what follows an upgrade went to the reader
  } else if (!bytes.empty() && !s.reader.finished()) {
    s.last_heard = reactor::Clock::now();
    s.pinged = false;
    read_frames(s, bytes);
  }
  if (s.websocket && !c.raw_paused) process_events(c, s);
}

void WebDoorHandler::serve_http(net::Connection& c, WebSession& s) {
  while (c.phase == net::Phase::Open && !s.websocket && !c.raw_paused) {
    if (s.http.status() == web::HttpRequestParser::Status::NeedMore) {
      std::size_t consumed = 0;
      s.http.feed(s.input, consumed);
      s.input.erase(0, consumed);
    }
    if (s.http.status() == web::HttpRequestParser::Status::NeedMore) return;
    if (s.http.status() == web::HttpRequestParser::Status::Failed) {
      net::log_client(net::LogLevel::Debug, "http_refused", "bad request", c.name, c.peer,
                      std::string(s.http.error_reason()));
      layer_.deliver(c.id, web::error_response(s.http.error_status()).render());
      layer_.close_after_flush(c, "bad request");
      return;
    }
    if (!layer_.take_token(c, kRequestCost)) {  // the parsed request waits for its token
      layer_.pause_input(c, false);
      return;
    }
    web::RouteDecision decision = web::route(s.http.request(), policy_);
    log_request(c, s.http.request(), decision.response.status());
    layer_.deliver(c.id, decision.bytes());
    if (decision.upgrade) {
      s.websocket = true;
      s.subprotocol = decision.subprotocol;
      open_.insert(c.id);
      // An IRC line may be 512 bytes plus 8191 of tags (and a CRLF the message may carry);
      // longer ones are 417, as over TCP.
      if (s.speaks_irc()) s.reader = web::WebSocketReader(web::WebSocketLimits{IrcDoorHandler::kMaxFrame + 2});
      read_frames(s, s.input);
      s.input = std::string();
      enter_chat(c, s);
      return;
    }
    if (!decision.log_reason.empty())
      net::log_client(net::LogLevel::Debug, "websocket_refused", "websocket refused", c.name, c.peer,
                      decision.log_reason);
    if (decision.close) {
      layer_.close_after_flush(c, "HTTP done");
      return;
    }
    s.http.reset();
  }
}

void WebDoorHandler::process_events(net::Connection& c, WebSession& s) {
  while (!s.events.empty() && c.phase == net::Phase::Open) {
    web::WebSocketEvent& e = s.events.front();
    switch (e.kind) {
      case web::WebSocketEvent::Kind::Text: {
        if (holds_input(s)) {  // until claim_settled
          layer_.pause_input(c, true);
          return;
        }
        if (!layer_.take_token(c, e.data.size())) {
          layer_.pause_input(c, false);
          return;
        }
        std::optional<std::string_view> line = message_line(e.data);
        if (!line) {
          close_websocket(c, s, web::close_code::kPolicyViolation, "one line per message");
          return;
        }
        take_line(c, s, *line);
        break;
      }
      case web::WebSocketEvent::Kind::Ping: layer_.deliver(c.id, web::pong_frame(e.data)); break;
      case web::WebSocketEvent::Kind::Pong: break;
      case web::WebSocketEvent::Kind::Close: {
        std::uint16_t code = e.code == web::close_code::kNoStatus ? web::close_code::kNormal : e.code;
        close_websocket(c, s, code, {});
        return;
      }
      case web::WebSocketEvent::Kind::Error: close_websocket(c, s, e.code, e.data); return;
    }
    s.events.pop_front();
  }
}

void WebDoorHandler::take_line(net::Connection& c, WebSession& s, std::string_view line) {
  chat_.refresh_stamp();
  if (s.chat_login().state == chat::State::AwaitPassword && layer_.is_locked_out(c)) {
    layer_.count_locked_guess(c);
    chat_.core().abandon_login(c.id, s.chat_login());
    layer_.deliver(c.id, s.speaks_irc()
                             ? web::text_frame("ERROR :Closing Link: too many failed attempts; try again later")
                             : web::text_frame("! Too many failed attempts; try again later."));
    close_websocket(c, s, web::close_code::kPolicyViolation, "locked out");
    return;
  }
  chat::Outcome outcome = chat_line(c, s, line);
  bool closes = outcome == chat::Outcome::PasswordRejected || outcome == chat::Outcome::Quit ||
                outcome == chat::Outcome::TooLongBeforeChat;
  if (closes) layer_.deliver(c.id, web::close_frame(web::close_code::kNormal));
  handle_outcome(c, outcome);
}

void WebDoorHandler::close_websocket(net::Connection& c, WebSession& s, std::uint16_t code, std::string_view reason) {
  layer_.deliver(c.id, web::close_frame(code, reason));
  chat_.refresh_stamp();
  leave_chat(c, s, chat::Departure::Lost);
  s.events.clear();
  layer_.close_after_flush(c, "websocket closed (" + std::to_string(code) + ")");
}

void WebDoorHandler::enter_chat(net::Connection& c, WebSession& s) {
  chat_.refresh_stamp();
  if (s.speaks_irc())
    irc_->on_connect(c.id, s.irc);  // IRC clients speak first
  else
    door_.on_connect(c.id, s.login);  // the prompt, as a text frame
}

chat::Outcome WebDoorHandler::chat_line(net::Connection& c, WebSession& s, std::string_view line) {
  return s.speaks_irc() ? irc_->on_line(c.id, s.irc, line) : door_.on_line(c.id, s.login, line);
}

void WebDoorHandler::leave_chat(net::Connection& c, WebSession& s, chat::Departure why) {
  if (s.speaks_irc())
    irc_->on_disconnect(c.id, s.irc, why);
  else
    door_.on_disconnect(c.id, s.login, why);
}

bool WebDoorHandler::holds_input(const WebSession& s) {
  return s.speaks_irc() ? irc::IrcDoor::holds_input(s.irc) : chat::LineDoor::holds_input(s.login);
}

void WebDoorHandler::claim_settled(net::Connection& c, bool accepted) {
  WebSession& s = session(c);
  if (s.speaks_irc()) irc_->on_claim_settled(c.id, s.irc, accepted);
  handle_outcome(c, accepted ? chat::Outcome::NameAccepted : chat::Outcome::NameRefused);
  layer_.resume_input(c.id);
}

void WebDoorHandler::leave_settled(net::Connection& c) {
  layer_.deliver(c.id, web::close_frame(web::close_code::kNormal));
  handle_outcome(c, chat::Outcome::Quit);
}

void WebDoorHandler::name_lost(net::Connection& c) {
  if (!session(c).speaks_irc()) return;  // the page asks for another name
  layer_.deliver(c.id, web::close_frame(web::close_code::kPolicyViolation, "nick lost"));
  layer_.close_after_flush(c, "nick lost");
}

void WebDoorHandler::on_input_ended(net::Connection& c) {
  WebSession& s = session(c);
  if (!s.websocket) return;
  chat_.refresh_stamp();
  leave_chat(c, s, chat::Departure::Lost);
}

void WebDoorHandler::on_login_timeout(net::Connection& c) {
  WebSession& s = session(c);
  if (!s.websocket) {  // the header timeout: a request begun and not finished hears 408
    if (s.http.started() && s.http.status() == web::HttpRequestParser::Status::NeedMore)
      layer_.deliver(c.id, web::error_response(408).render());
    return;
  }
  chat_.refresh_stamp();
  if (s.speaks_irc())
    irc_->on_auth_timeout(c.id, s.irc);
  else
    door_.on_auth_timeout(c.id, s.login);
  layer_.deliver(c.id, web::close_frame(web::close_code::kPolicyViolation, "login timeout"));
}

void WebDoorHandler::on_closed(net::Connection& c, net::Departure departure) {
  open_.erase(c.id);
  WebSession& s = session(c);
  if (!s.websocket) return;
  chat_.refresh_stamp();
  leave_chat(c, s, chat_departure(departure));
}

void WebDoorHandler::on_shutdown(net::Connection& c) {
  const WebSession& s = session(c);
  if (!s.websocket) return;
  chat_.refresh_stamp();
  if (s.speaks_irc())
    irc_->on_shutdown(c.id, s.irc);
  else
    door_.on_shutdown(c.id, s.login);
  layer_.deliver(c.id, web::close_frame(web::close_code::kGoingAway, "server shutting down"));
}

std::string WebDoorHandler::refusal_line(net::Refusal why, std::size_t limit) const {
  (void)limit;
  // Written before any request was read: an HTTP answer (the layer adds the last '\n').
  std::string reason = why == net::Refusal::LockedOut ? "too many failed attempts" : "server busy";
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(reason.size() + 1) + "\r\nConnection: close\r\n\r\n" + reason;
}

std::string WebDoorHandler::eviction_notice(const net::Connection& c) const {
  const auto& s = static_cast<const WebSession&>(*c.session);
  if (!s.websocket) return refusal_line(net::Refusal::Evicted, 0) + "\n";
  reactor::PayloadRef notice = web::text_frame(s.speaks_irc() ? "ERROR :Closing Link: server busy; please reconnect"
                                                              : "! Server busy; please reconnect. Bye.");
  return std::string(notice.view()).append(web::close_frame(web::close_code::kTryAgainLater, "server busy").view());
}

void WebDoorHandler::arm_ping_sweep() {
  sweep_timer_ = loop_.add_timer(ping_after_ / 4, [this] {
    sweep_timer_ = {};
    ping_sweep();
    arm_ping_sweep();
  });
}

void WebDoorHandler::ping_sweep() {
  reactor::Clock::time_point now = reactor::Clock::now();
  std::vector<net::Connection*> silent;
  for (chat::ClientId id : open_) {
    net::Connection* c = layer_.find(id);
    if (!c || c->phase != net::Phase::Open || !c->session) continue;
    WebSession& s = session(*c);
    if (now - s.last_heard < ping_after_) continue;
    if (!s.pinged) {
      s.pinged = true;
      s.last_heard = now;
      layer_.deliver(id, web::ping_frame("chat"));
    } else {
      silent.push_back(c);
    }
  }
  for (net::Connection* c : silent) close_websocket(*c, session(*c), web::close_code::kGoingAway, "ping timeout");
}

}  // namespace chat_server
