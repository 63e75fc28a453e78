// ConnectionHandler: what a door (the line protocol, later IRC, WebSocket) is told about its
// connections by the connection layer (net/connection_layer.h), and what it answers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reactor/line_framer.h"

namespace net {

struct Connection;

// Why the layer frees a connection; the door decides what (if anything) the others hear.
enum class Departure {
  Lost,     // EOF, reset, keepalive
  TooSlow,  // dropped for not reading (--max-queue, --max-output-total)
  Silent,   // closed after a goodbye, evicted, shutdown: nobody is told
};

// What a door does with one frame.
enum class FrameVerdict {
  Taken,  // processed (or dropped on purpose): the next frame may come
  Hold,   // not now: this frame and every one after it stay buffered, in order, and reading
          // stops until ConnectionLayer::resume_input(id) offers them again
};

// Why admission turned a connection away before any door saw it, for the door's wording.
enum class Refusal {
  LockedOut,          // the source is locked out after wrong passwords
  TooManyFromSource,  // --max-per-ip (`limit`)
  TooManyLoggingIn,   // --max-unauthenticated-per-ip (`limit`)
  Full,               // --max-clients, or out of descriptors
  Evicted,            // a login in progress made room for a newcomer
};

// The door's own state for one connection (login state, nick, ...), owned by the Connection
// and freed with it: the door subclasses it and sets Connection::session in on_open.
class DoorSession {
 public:
  virtual ~DoorSession() = default;
};

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // Admitted: set c.session and send what the peer sees first (the prompt).
  virtual void on_open(Connection& c) = 0;
  // A line (Frame::Line) or an over-long one (Frame::Overlong, `line` empty), after flood
  // control let it through. The view is valid during the call only.
  virtual FrameVerdict on_frame(Connection& c, reactor::Frame frame, std::string_view line) = 0;
  // The peer ended its input and every line it sent has been processed; the connection
  // closes after its output is flushed.
  virtual void on_input_ended(Connection& c) = 0;
  // The login deadline (ConnectionLayer::logged_in cancels it) passed; the layer closes the
  // connection after flushing what this queued.
  virtual void on_login_timeout(Connection& c) = 0;
  // At the cull, before the connection is freed; its id no longer receives anything.
  virtual void on_closed(Connection& c, Departure departure) = 0;
  // The server is stopping: queue the goodbye; the layer flushes and closes.
  virtual void on_shutdown(Connection& c) = 0;
  // The one line (without '\n') written to a connection admission refuses or evicts.
  virtual std::string refusal_line(Refusal why, std::size_t limit) const = 0;
  // The bytes written to a connection evicted to make room for a newcomer: by default its
  // refusal line; a door whose connection may have changed protocol since (a WebSocket)
  // says it in that protocol.
  virtual std::string eviction_notice(const Connection& c) const {
    (void)c;
    return refusal_line(Refusal::Evicted, 0) + "\n";
  }
  // Raw bytes for a connection the door switched to bytes (Connection::raw, set in on_open):
  // it frames them itself and pays each message with ConnectionLayer::take_token. An empty
  // view: the pause it asked for (pause_input) is over; process what it kept.
  virtual void on_bytes(Connection& c, std::string_view bytes) {
    (void)c;
    (void)bytes;
  }
};

}  // namespace net
