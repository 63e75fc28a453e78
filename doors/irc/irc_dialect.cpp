// IrcDialect: events as IRC lines, each broadcast built once into one payload.
#include "doors/irc/irc_dialect.h"

#include "doors/irc/irc_message.h"
#include "doors/irc/irc_writer.h"

namespace irc {

using chat::EventKind;
using reactor::PayloadRef;

PayloadRef concat(const std::vector<PayloadRef>& lines) {
  if (lines.size() == 1) return lines[0];
  std::size_t size = 0;
  for (const PayloadRef& line : lines) size += line.size();
  reactor::PayloadBuilder b(size);
  for (const PayloadRef& line : lines) b.append(line.view());
  return b.finish();
}

PayloadRef text_lines(std::string_view prefix, std::string_view command, std::string_view target,
                      std::string_view text) {
  // ":" prefix " " command " " target " :" text CRLF
  std::size_t overhead = 1 + prefix.size() + 1 + command.size() + 1 + target.size() + 2 + 2;
  std::size_t room = overhead < kMaxLineBytes ? kMaxLineBytes - overhead : 1;
  std::vector<PayloadRef> lines;
  do {
    std::size_t cut = text.size() <= room ? text.size() : utf8_cut(text, room);
    if (cut == 0) cut = std::min(room, text.size());  // never stall on a long odd sequence
    lines.push_back(write_line(prefix, command, {target}, text.substr(0, cut)));
    text.remove_prefix(cut);
  } while (!text.empty());
  return concat(lines);
}

std::string IrcDialect::prefix_of(std::string_view nick) const {
  std::string out;
  out.reserve(nick.size() * 2 + server_.size() + 2);
  out.append(nick).append(1, '!').append(nick).append(1, '@').append(server_);
  return out;
}

PayloadRef IrcDialect::closing_link(std::string_view why) const {
  std::string text = "Closing Link: ";
  text.append(server_).append(" (").append(why).append(")");
  return write_line({}, "ERROR", {}, text);
}

// The analyzer loses PayloadRef's count on the way out of render_lines and reports a leak
// (the false positive reactor/payload.h describes; the tests under ASan say otherwise).
PayloadRef IrcDialect::render(const chat::ChatEvent& e) {
  return framed(render_lines(e));  // NOLINT(clang-analyzer-cplusplus.NewDeleteLeaks)
}

PayloadRef IrcDialect::render_lines(const chat::ChatEvent& e) const {
  std::string_view text = e.rich.empty() ? e.text : e.rich;
  std::string_view me = e.name.empty() ? std::string_view("*") : e.name;
  switch (e.kind) {
    case EventKind::Public: return text_lines(prefix_of(e.name), "PRIVMSG", channel_, text);
    case EventKind::Private: return text_lines(prefix_of(e.name), "PRIVMSG", e.peer, text);
    case EventKind::Joined: return write_line(prefix_of(e.name), "JOIN", {channel_});
    case EventKind::Left: return write_line(prefix_of(e.name), "QUIT", {}, "Quit: left the chat");
    case EventKind::Disconnected:
      return write_line(prefix_of(e.name), "QUIT", {},
                        e.departure == chat::Departure::TooSlow ? "Too slow (SendQ exceeded)" : "Connection lost");
    case EventKind::Goodbye: return closing_link("Quit: left the chat");
    case EventKind::NotConnected: return numeric(server_, Numeric::ErrNoSuchNick, me, e.peer, "No such nick/channel");
    case EventKind::PasswordWrong:
      return concat({numeric(server_, Numeric::ErrPasswdMismatch, "*", "Password incorrect"),
                     closing_link("Password incorrect")});
    case EventKind::NameTaken:
      return numeric(server_, Numeric::ErrNicknameInUse, "*", e.name, "Nickname is already in use");
    case EventKind::NameInvalid:
      return numeric(server_, Numeric::ErrErroneousNickname, "*", e.name.empty() ? "*" : e.name,
                     "Erroneous nickname: 1-24 letters, digits, _ or -");
    case EventKind::LoginTooLong:
      return concat({numeric(server_, Numeric::ErrInputTooLong, "*", "Input line was too long"),
                     closing_link("Input line was too long")});
    case EventKind::LineTooLong: return numeric(server_, Numeric::ErrInputTooLong, me, "Input line was too long");
    case EventKind::LoginTimedOut: return closing_link("Registration timed out");
    case EventKind::NameUnavailable:
      return numeric(server_, Numeric::ErrUnavailResource, "*", e.name, "Nick/channel is temporarily unavailable");
    case EventKind::NotDelivered: {
      std::string why = e.undelivered == chat::Undelivered::Busy ? "Not delivered (the chat is busy): "
                                                                 : "Not delivered (the chat is reconnecting): ";
      why.append(e.text);
      return write_line(server_, "NOTICE", {channel_}, why);
    }
    case EventKind::LinesMissed:
      return write_line(server_, "NOTICE", {channel_},
                        std::to_string(e.count).append(" lines were missed here (this server fell behind the chat)"));
    case EventKind::ChatReset:
      return write_line(server_, "NOTICE", {channel_},
                        "The chat's store restarted without its history; names are being checked again");
    case EventKind::NameLost:
      return closing_link("Your nick was claimed earlier by someone else; reconnect with another");
    case EventKind::ShuttingDown: return closing_link("Server shutting down");
    // Registration, NAMES, MOTD and the rest are the door's own replies (irc_door.cpp);
    // an IRC client never echoes its own private message nor is prompted.
    case EventKind::PasswordPrompt:
    case EventKind::NamePrompt:
    case EventKind::Welcome:
    case EventKind::Help:
    case EventKind::Motd:
    case EventKind::UserList:
    case EventKind::PrivateEcho:
    case EventKind::PrivateUsage:
    case EventKind::UnknownCommand: return {};
  }
  return {};
}

}  // namespace irc
