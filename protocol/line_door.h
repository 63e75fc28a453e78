// LineDoor: the line protocol's side of the chat (PROTOCOL.md). It turns each line a client
// sends into a verb of the ChatCore (the password, the name, `@privado:bob hi` into
// whisper(bob, "hi")) and renders what the core answers with its LineDialect. Each call
// returns an Outcome that tells the caller (the server) what to log and whether to close.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/chat_core.h"
#include "protocol/line_dialect.h"
#include "protocol/outcome.h"

namespace chat {

class LineDoor {
 public:
  LineDoor(ChatCore& core, std::size_t max_line) : core_(core), events_(&dialect_), max_line_(max_line) {}
  // The line protocol carried in another wrapping (one WebSocket text frame per line): the
  // core's events for this door's clients are rendered by `events`, which keeps its own
  // stamp current; set_stamp() then sets only this door's (unused) LineDialect.
  LineDoor(ChatCore& core, std::size_t max_line, Dialect& events)
      : core_(core), events_(&events), max_line_(max_line) {}

  void set_stamp(const Timestamp& stamp) { dialect_.set_stamp(stamp); }
  std::string_view stamp() const { return dialect_.stamp(); }
  // From the next over-long line report on (SIGHUP).
  void set_max_line(std::size_t max_line) { max_line_ = max_line; }
  ChatCore& core() { return core_; }

  void on_connect(ClientId id, LoginState& s) { core_.connect(id, s, *events_); }
  // Must not be called while holds_input(s): the line waits for the pending claim.
  Outcome on_line(ClientId id, LoginState& s, std::string_view line);
  Outcome on_overlong(ClientId id, LoginState& s);
  // Authentication did not finish in time: the goodbye is queued; the caller closes.
  void on_auth_timeout(ClientId id, LoginState& s) { core_.time_out(id, s); }
  void on_disconnect(ClientId id, LoginState& s, Departure why) { core_.disconnect(id, s, why); }
  void on_shutdown(ClientId id, const LoginState& s) { core_.shut_down(id, s); }

  // While a name claim is pending, the client's next lines wait, in order, unread: the
  // caller stops offering them and offers them again once the claim settled. While it
  // leaves (LEAVING) they wait too, for the close.
  static bool holds_input(const LoginState& s) { return s.state == State::ClaimingName || s.state == State::Leaving; }

 private:
  Outcome on_chat(ClientId id, LoginState& s, std::string_view line);

  ChatCore& core_;
  LineDialect dialect_;
  Dialect* events_;  // &dialect_ unless the door was given another
  std::size_t max_line_;
  std::string scratch_;  // sanitizer output, reused
};

}  // namespace chat
