// ChatService: the transitions AwaitPassword -> AwaitName -> Chatting -> Gone, and commands.
#include "protocol/chat_service.h"

#include "protocol/command.h"
#include "protocol/names.h"
#include "protocol/sanitize.h"
#include "protocol/text.h"

namespace chat {
namespace {

// Compares without an early exit, so timing does not reveal how much of a guess was right.
bool constant_time_equals(std::string_view a, std::string_view b) {
  std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = static_cast<unsigned>(a.size() ^ b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

// The welcome lists this many names at most; @usuarios lists all.
constexpr std::size_t kWelcomeNames = 50;

}  // namespace

std::string_view help_text() {
  return "Commands: @privado:<user> <message> (or @msg <user> <message>) private message; "
         "@usuarios (@users) who is online; @ajuda (@help) this help; @sair (@quit) leave";
}

void ChatService::set_motd(const std::vector<std::string>& lines) {
  motd_.clear();
  for (const std::string& line : lines) motd_.push_back(sanitized(line));
}

void ChatService::on_connect(ClientId id, LoginState& s) {
  s.state = State::AwaitPassword;
  reply_plain(id, "Password:");
}

Outcome ChatService::on_line(ClientId id, LoginState& s, std::string_view line) {
  switch (s.state) {
    case State::AwaitPassword: return on_password(id, s, line);
    case State::AwaitName: return on_name(id, s, line);
    case State::Chatting: return on_chat(id, s, line);
    case State::Gone: return Outcome::None;
  }
  return Outcome::None;
}

Outcome ChatService::on_overlong(ClientId id, LoginState& s) {
  std::string message = "line too long (max " + std::to_string(max_line_) + " bytes)";
  if (s.state == State::Chatting) {
    reply_error(id, message);
    return Outcome::None;
  }
  if (s.state == State::Gone) return Outcome::None;
  s.state = State::Gone;
  reply_plain(id, "! " + message + ". Bye.");
  return Outcome::TooLongBeforeChat;
}

Outcome ChatService::on_password(ClientId id, LoginState& s, std::string_view line) {
  if (!constant_time_equals(line, password_)) {
    s.state = State::Gone;
    reply_plain(id, "! Wrong password. Bye.");
    return Outcome::PasswordRejected;
  }
  s.state = State::AwaitName;
  reply_plain(id, "Username:");
  return Outcome::PasswordAccepted;
}

Outcome ChatService::on_name(ClientId id, LoginState& s, std::string_view line) {
  std::string_view name = trim_blanks(line);
  if (!is_valid_name(name)) {
    reply_plain(id, "! names are 1-24 letters, digits, _ or -");
    reply_plain(id, "Username:");
    return Outcome::NameRefused;
  }
  if (!room_.join(id, name)) {
    reply_plain(id, "! name '" + std::string(name) + "' is taken");
    reply_plain(id, "Username:");
    return Outcome::NameRefused;
  }
  s.state = State::Chatting;
  s.name = std::string(name);
  reply_notice(id, "Welcome, " + s.name + "! " + online_list(kWelcomeNames));
  reply_notice(id, help_text());
  for (const std::string& motd_line : motd_) reply_notice(id, motd_line);
  room_.broadcast(notice_line(stamp_.view(), s.name + " joined the chat"), id);
  return Outcome::NameAccepted;
}

std::string ChatService::online_list(std::size_t limit) const {
  std::string out = "Online (" + std::to_string(room_.size()) + "): ";
  std::vector<std::string_view> names = room_.names(limit);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  if (names.size() < room_.size()) {
    out += " and " + std::to_string(room_.size() - names.size()) + " more (@usuarios lists all)";
  }
  return out;
}

Outcome ChatService::on_chat(ClientId id, LoginState& s, std::string_view line) {
  // Cleaned first, so `@sair` with a control byte glued to it is `@sair`, and what a command
  // quotes back or relays is clean. Clean text (the common case) comes back uncopied.
  Command cmd = parse_command(sanitize(line, scratch_));
  switch (cmd.kind) {
    case CommandKind::Empty: return Outcome::None;
    case CommandKind::Public: room_.broadcast(public_line(stamp_.view(), s.name, cmd.text), id); return Outcome::None;
    case CommandKind::Private: send_private(id, s, cmd.target, cmd.text); return Outcome::None;
    case CommandKind::PrivateUsage: reply_error(id, "usage: @privado:<user> <message>"); return Outcome::None;
    case CommandKind::Users: reply_notice(id, online_list(SIZE_MAX)); return Outcome::None;
    case CommandKind::Help: reply_notice(id, help_text()); return Outcome::None;
    case CommandKind::Unknown:
      reply_error(id, "unknown command '" + std::string(cmd.target) + "' (try @ajuda)");
      return Outcome::None;
    case CommandKind::Quit:
      reply_notice(id, "Bye, " + s.name + "!");
      room_.leave(id);
      room_.broadcast(notice_line(stamp_.view(), s.name + " left the chat"), std::nullopt);
      s.state = State::Gone;
      return Outcome::Quit;
  }
  return Outcome::None;
}

void ChatService::send_private(ClientId id, LoginState& s, std::string_view target, std::string_view text) {
  std::optional<ClientId> to = room_.find(target);
  if (!to) {
    reply_error(id, "user '" + std::string(target) + "' is not connected");
    return;
  }
  room_.send_to(*to, private_line(stamp_.view(), s.name, text));
  room_.send_to(id, private_echo_line(stamp_.view(), room_.name_of(*to), s.name, text));
}

void ChatService::on_auth_timeout(ClientId id, LoginState& s) {
  if (s.state != State::AwaitPassword && s.state != State::AwaitName) return;
  s.state = State::Gone;
  reply_plain(id, "! Authentication timed out. Bye.");
}

void ChatService::on_disconnect(ClientId id, LoginState& s, Departure why) {
  if (s.state != State::Chatting) {
    s.state = State::Gone;
    return;
  }
  room_.leave(id);
  s.state = State::Gone;
  if (why == Departure::Silent) return;
  std::string text = s.name + (why == Departure::TooSlow ? " was disconnected (too slow)" : " disconnected");
  room_.broadcast(notice_line(stamp_.view(), text), std::nullopt);
}

void ChatService::on_shutdown(ClientId id, const LoginState& s) {
  if (s.state == State::Chatting) {
    reply_notice(id, "Server is shutting down");
  } else if (s.state != State::Gone) {
    reply_plain(id, "* Server is shutting down");
  }
}

}  // namespace chat
