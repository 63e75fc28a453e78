// ChatService: the per-client state machine and the chat commands, as pure logic.
// Lines come in, lines go out through the Room, and each call returns an Outcome that
// tells the caller (bin/) what to log and whether to close the connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/format.h"
#include "protocol/login_state.h"
#include "protocol/room.h"

namespace chat {

enum class Outcome {
  None,              // nothing for the caller to do
  PasswordAccepted,  // now AwaitName
  PasswordRejected,  // close after flushing the goodbye
  NameAccepted,      // now Chatting
  NameRefused,       // still AwaitName
  Quit,              // said @sair: close after flushing the goodbye
  TooLongBeforeChat  // over-long line before CHATTING: close after flushing the goodbye
};

// Whether the caller must close the connection (after flushing what is queued).
inline bool closes_connection(Outcome o) {
  return o == Outcome::PasswordRejected || o == Outcome::Quit || o == Outcome::TooLongBeforeChat;
}

// Why a client in the room went away without @sair; decides what the others are told.
enum class Departure {
  Lost,     // EOF, reset, keepalive: "* alice disconnected"
  TooSlow,  // dropped for not reading: "* alice was disconnected (too slow)"
  Silent,   // server shutdown: nobody is told
};

class ChatService {
 public:
  ChatService(std::string password, std::size_t max_line, Room& room)
      : password_(std::move(password)), max_line_(max_line), room_(room) {}

  void set_stamp(const Timestamp& stamp) { stamp_ = stamp; }
  // Settings the server may change while running (SIGHUP): they apply from the next
  // password attempt, over-long line report and login on.
  void set_password(std::string password) { password_ = std::move(password); }
  void set_max_line(std::size_t max_line) { max_line_ = max_line; }
  // The message of the day: each line is shown as a notice after the welcome and the
  // command summary. Lines are sanitized like chat text; none: no MOTD.
  void set_motd(const std::vector<std::string>& lines);
  std::string_view stamp() const { return stamp_.view(); }

  void on_connect(ClientId id, LoginState& s);
  Outcome on_line(ClientId id, LoginState& s, std::string_view line);
  Outcome on_overlong(ClientId id, LoginState& s);
  // Authentication did not finish in time: the goodbye is queued; the caller closes.
  void on_auth_timeout(ClientId id, LoginState& s);
  void on_disconnect(ClientId id, LoginState& s, Departure why);
  // The server is going down: tell this client (the caller closes after flushing).
  void on_shutdown(ClientId id, const LoginState& s);

 private:
  Outcome on_password(ClientId id, LoginState& s, std::string_view line);
  Outcome on_name(ClientId id, LoginState& s, std::string_view line);
  Outcome on_chat(ClientId id, LoginState& s, std::string_view line);
  // `target` and `text` are already clean (views into the cleaned line).
  void send_private(ClientId id, LoginState& s, std::string_view target, std::string_view text);
  std::string online_list(std::size_t limit) const;
  void reply_notice(ClientId id, std::string_view text) { room_.send_to(id, notice_line(stamp_.view(), text)); }
  void reply_error(ClientId id, std::string_view text) { room_.send_to(id, error_line(stamp_.view(), text)); }
  void reply_plain(ClientId id, std::string_view text) { room_.send_to(id, plain_line(text)); }

  std::string password_;
  std::size_t max_line_;
  Room& room_;
  Timestamp stamp_;
  std::string scratch_;            // sanitizer output, reused
  std::vector<std::string> motd_;  // sanitized
};

// The command summary sent on login and for @ajuda.
std::string_view help_text();

}  // namespace chat
