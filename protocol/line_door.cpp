// LineDoor: lines to verbs, by login state; in CHATTING, by command (PROTOCOL.md "Commands").
#include "protocol/line_door.h"

#include "protocol/command.h"
#include "protocol/sanitize.h"

namespace chat {

Outcome LineDoor::on_line(ClientId id, LoginState& s, std::string_view line) {
  switch (s.state) {
    case State::AwaitPassword:
      return core_.authenticate(id, s, line) ? Outcome::PasswordAccepted : Outcome::PasswordRejected;
    case State::AwaitName:
      switch (core_.claim_name(id, s, line)) {
        case ClaimStatus::Accepted: return Outcome::NameAccepted;
        case ClaimStatus::Pending: return Outcome::NamePending;
        case ClaimStatus::Invalid:
        case ClaimStatus::Taken:
        case ClaimStatus::Unavailable: return Outcome::NameRefused;
      }
      return Outcome::NameRefused;
    case State::Chatting: return on_chat(id, s, line);
    case State::ClaimingName:
    case State::Leaving:
    case State::Gone: return Outcome::None;
  }
  return Outcome::None;
}

Outcome LineDoor::on_overlong(ClientId id, LoginState& s) {
  ChatEvent e{s.state == State::Chatting ? EventKind::LineTooLong : EventKind::LoginTooLong};
  e.count = max_line_;
  if (s.state == State::Chatting) {
    core_.reply(id, s, e);
    return Outcome::None;
  }
  if (s.state == State::Gone || s.state == State::ClaimingName || s.state == State::Leaving) return Outcome::None;
  core_.abandon_login(id, s);
  core_.reply(id, s, e);
  return Outcome::TooLongBeforeChat;
}

Outcome LineDoor::on_chat(ClientId id, LoginState& s, std::string_view line) {
  // Cleaned first, so `@sair` with a control byte glued to it is `@sair`, and what a command
  // quotes back or relays is clean. Clean text (the common case) comes back uncopied.
  Command cmd = parse_command(sanitize(line, scratch_));
  switch (cmd.kind) {
    case CommandKind::Empty: return Outcome::None;
    case CommandKind::Public: core_.say(id, s, cmd.text); return Outcome::None;
    case CommandKind::Private: core_.whisper(id, s, cmd.target, cmd.text); return Outcome::None;
    case CommandKind::PrivateUsage: core_.reply(id, s, ChatEvent{EventKind::PrivateUsage}); return Outcome::None;
    case CommandKind::Users: core_.list(id, s); return Outcome::None;
    case CommandKind::Help: core_.help(id, s); return Outcome::None;
    case CommandKind::Unknown: {
      ChatEvent e{EventKind::UnknownCommand};
      e.peer = cmd.target;
      core_.reply(id, s, e);
      return Outcome::None;
    }
    case CommandKind::Quit: core_.leave(id, s); return s.state == State::Leaving ? Outcome::QuitPending : Outcome::Quit;
  }
  return Outcome::None;
}

}  // namespace chat
