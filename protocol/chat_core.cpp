// ChatCore: the transitions AwaitPassword -> AwaitName -> (ClaimingName) -> Chatting -> Gone,
// and the verbs of the room.
#include "protocol/chat_core.h"

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

ChatEvent event(EventKind kind, std::string_view name = {}) {
  ChatEvent e;
  e.kind = kind;
  e.name = name;
  return e;
}

}  // namespace

void ChatCore::set_motd(const std::vector<std::string>& lines) {
  motd_.clear();
  for (const std::string& line : lines) motd_.push_back(sanitized(line));
}

void ChatCore::reply(ClientId id, const LoginState& s, const ChatEvent& e) {
  if (s.dialect) room_.send_to(id, *s.dialect, e);
}

void ChatCore::connect(ClientId id, LoginState& s, Dialect& dialect) {
  s.dialect = &dialect;
  if (open_) {
    s.state = State::AwaitName;
    reply(id, s, event(EventKind::NamePrompt));
    return;
  }
  s.state = State::AwaitPassword;
  reply(id, s, event(EventKind::PasswordPrompt));
}

bool ChatCore::authenticate(ClientId id, LoginState& s, std::string_view password) {
  if (s.state != State::AwaitPassword) return false;
  if (!constant_time_equals(password, password_)) {
    s.state = State::Gone;
    reply(id, s, event(EventKind::PasswordWrong));
    return false;
  }
  s.state = State::AwaitName;
  reply(id, s, event(EventKind::NamePrompt));
  return true;
}

ClaimStatus ChatCore::claim_name(ClientId id, LoginState& s, std::string_view offered) {
  std::string_view name = trim_blanks(offered);
  if (!is_valid_name(name)) {
    prompt_name_again(id, s, EventKind::NameInvalid, name);
    return ClaimStatus::Invalid;
  }
  s.state = State::ClaimingName;
  s.name = std::string(name);
  in_claim_ = true;
  answered_in_claim_ = false;
  names_.claim(id, s.name, [this, id, name = s.name](NameAnswer answer) {
    if (in_claim_) {
      answered_in_claim_ = true;
      answer_in_claim_ = answer;
      return;
    }
    LoginState* s = directory_ ? directory_->login_of(id) : nullptr;
    if (!s || s->state != State::ClaimingName) {
      // Asked for someone who left (or a departed client's slot holds a newcomer now).
      if (answer == NameAnswer::Granted) names_.discard(id, name);
      return;
    }
    settle_claim(id, *s, answer);
    directory_->name_claim_settled(id, s->state == State::Chatting);
  });
  in_claim_ = false;
  if (!answered_in_claim_) return ClaimStatus::Pending;
  settle_claim(id, s, answer_in_claim_);
  if (s.state == State::Chatting) return ClaimStatus::Accepted;
  return answer_in_claim_ == NameAnswer::Unavailable ? ClaimStatus::Unavailable : ClaimStatus::Taken;
}

void ChatCore::settle_claim(ClientId id, LoginState& s, NameAnswer answer) {
  const bool granted = answer == NameAnswer::Granted;
  if (!granted || !room_.join(id, s.name, *s.dialect)) {
    if (granted) names_.discard(id, s.name);
    std::string name = std::move(s.name);
    s.name.clear();
    prompt_name_again(id, s, answer == NameAnswer::Unavailable ? EventKind::NameUnavailable : EventKind::NameTaken,
                      name);
    return;
  }
  s.state = State::Chatting;
  welcome(id, s);
}

void ChatCore::lose_name(ClientId id, LoginState& s) {
  if (s.state != State::Chatting) return;
  room_.leave(id);
  std::string name = std::move(s.name);
  s.name.clear();
  prompt_name_again(id, s, EventKind::NameLost, name);
}

void ChatCore::prompt_name_again(ClientId id, LoginState& s, EventKind why, std::string_view name) {
  s.state = State::AwaitName;
  reply(id, s, event(why, name));
  reply(id, s, event(EventKind::NamePrompt));
}

void ChatCore::welcome(ClientId id, LoginState& s) {
  ChatEvent hello = event(EventKind::Welcome, s.name);
  hello.room = &room_;
  reply(id, s, hello);
  reply(id, s, event(EventKind::Help));
  for (const std::string& line : motd_) {
    ChatEvent motd_line = event(EventKind::Motd);
    motd_line.text = line;
    reply(id, s, motd_line);
  }
  feed_->joined(id, s.name);
}

void ChatCore::say(ClientId id, const LoginState& s, std::string_view text, std::string_view rich) {
  feed_->said(id, s.name, text, rich);
}

void ChatCore::whisper(ClientId id, const LoginState& s, std::string_view target, std::string_view text,
                       std::string_view rich) {
  std::optional<ClientId> to = room_.find(target);
  if (!to && feed_->decides_unknown_recipients() && is_valid_name(target)) {
    feed_->whispered(id, s.name, ClientId{}, target, text, rich);
    return;
  }
  if (!to) {
    ChatEvent e = event(EventKind::NotConnected, s.name);
    e.peer = target;
    reply(id, s, e);
    return;
  }
  feed_->whispered(id, s.name, *to, room_.name_of(*to), text, rich);
}

void ChatCore::list(ClientId id, const LoginState& s) {
  ChatEvent e = event(EventKind::UserList);
  e.room = &room_;
  reply(id, s, e);
}

void ChatCore::help(ClientId id, const LoginState& s) { reply(id, s, event(EventKind::Help)); }

void ChatCore::leave(ClientId id, LoginState& s) {
  if (s.state != State::Chatting) {
    abandon_login(id, s);
    return;
  }
  if (feed_->departs_later() && directory_) {
    s.state = State::Leaving;
    feed_->departed(id, s.name, EventKind::Left, Departure::Lost);
    return;
  }
  reply(id, s, event(EventKind::Goodbye, s.name));
  room_.leave(id);
  s.state = State::Gone;
  feed_->departed(id, s.name, EventKind::Left, Departure::Lost);
  names_.release(id, s.name);
}

void ChatCore::departure_settled(ClientId id) {
  LoginState* s = directory_ ? directory_->login_of(id) : nullptr;
  if (!s || s->state != State::Leaving) return;  // gone meanwhile, or a newcomer in its slot
  reply(id, *s, event(EventKind::Goodbye, s->name));
  room_.leave(id);
  s->state = State::Gone;
  names_.release(id, s->name);
  directory_->left(id);
}

void ChatCore::abandon_login(ClientId id, LoginState& s) {
  if (s.state == State::ClaimingName) names_.cancel(id);
  if (s.state != State::Chatting) s.state = State::Gone;
}

void ChatCore::time_out(ClientId id, LoginState& s) {
  if (s.state != State::AwaitPassword && s.state != State::AwaitName && s.state != State::ClaimingName) return;
  abandon_login(id, s);
  reply(id, s, event(EventKind::LoginTimedOut));
}

void ChatCore::disconnect(ClientId id, LoginState& s, Departure why) {
  if (s.state == State::Leaving) {  // its leave is on its way: nothing more to tell anyone
    room_.leave(id);
    s.state = State::Gone;
    names_.release(id, s.name);
    return;
  }
  if (s.state != State::Chatting) {
    abandon_login(id, s);  // a pending claim ends without a word to anyone
    return;
  }
  room_.leave(id);
  s.state = State::Gone;
  // The feed first: a cluster frees the name only once the departure is in the log, so
  // nobody can join under it before the others have heard that its holder left.
  feed_->departed(id, s.name, EventKind::Disconnected, why);
  names_.release(id, s.name);
}

void ChatCore::shut_down(ClientId id, const LoginState& s) {
  if (s.state == State::Gone) return;
  ChatEvent e = event(EventKind::ShuttingDown);
  e.chatting = s.state == State::Chatting || s.state == State::Leaving;
  reply(id, s, e);
}

}  // namespace chat
