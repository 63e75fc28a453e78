// LineDialect: one line per event; broadcasts are built once into one shared payload.
#include "protocol/line_dialect.h"

#include <string>

#include "protocol/room.h"

namespace chat {
namespace {

// The welcome lists this many names at most; @usuarios lists all.
constexpr std::size_t kWelcomeNames = 50;

std::string too_long(std::size_t max_line) { return "line too long (max " + std::to_string(max_line) + " bytes)"; }

// "<before>'<text>'<after>", appended piece by piece (g++ 12 warns falsely on operator+ chains).
std::string quoted(std::string_view before, std::string_view text, std::string_view after) {
  std::string out;
  out.reserve(before.size() + text.size() + after.size() + 2);
  out.append(before).append(1, '\'').append(text).append(1, '\'').append(after);
  return out;
}

}  // namespace

std::string_view help_text() {
  return "Commands: @privado:<user> <message> (or @msg <user> <message>) private message; "
         "@usuarios (@users) who is online; @ajuda (@help) this help; @sair (@quit) leave";
}

std::string online_list(const Room& room, std::size_t limit) {
  std::string out = "Online (" + std::to_string(room.size()) + "): ";
  std::vector<std::string_view> names = room.names(limit);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  if (names.size() < room.size()) {
    out += " and " + std::to_string(room.size() - names.size()) + " more (@usuarios lists all)";
  }
  return out;
}

reactor::PayloadRef LineDialect::render(const ChatEvent& e) {
  std::string_view t = stamp_.view();
  switch (e.kind) {
    case EventKind::PasswordPrompt: return plain_line("Password:");
    case EventKind::PasswordWrong: return plain_line("! Wrong password. Bye.");
    case EventKind::NamePrompt: return plain_line("Username:");
    case EventKind::NameInvalid: return plain_line("! names are 1-24 letters, digits, _ or -");
    case EventKind::NameTaken: return plain_line(quoted("! name ", e.name, " is taken"));
    case EventKind::NameUnavailable:
      return plain_line("! names cannot be checked now (the chat is reconnecting); try again");
    case EventKind::LoginTooLong: return plain_line("! " + too_long(e.count) + ". Bye.");
    case EventKind::LoginTimedOut: return plain_line("! Authentication timed out. Bye.");
    case EventKind::Welcome:
      return notice_line(t, "Welcome, " + std::string(e.name) + "! " + online_list(*e.room, kWelcomeNames));
    case EventKind::Help: return notice_line(t, help_text());
    case EventKind::Motd: return notice_line(t, e.text);
    case EventKind::Public: return public_line(t, e.name, e.text);
    case EventKind::Private: return private_line(t, e.name, e.text);
    case EventKind::PrivateEcho: return private_echo_line(t, e.peer, e.name, e.text);
    case EventKind::Joined: return notice_line(t, std::string(e.name) + " joined the chat");
    case EventKind::Left: return notice_line(t, std::string(e.name) + " left the chat");
    case EventKind::Disconnected:
      return notice_line(t, std::string(e.name) +
                                (e.departure == Departure::TooSlow ? " was disconnected (too slow)" : " disconnected"));
    case EventKind::UserList: return notice_line(t, online_list(*e.room, SIZE_MAX));
    case EventKind::Goodbye: return notice_line(t, "Bye, " + std::string(e.name) + "!");
    case EventKind::NotConnected: return error_line(t, quoted("user ", e.peer, " is not connected"));
    case EventKind::LineTooLong: return error_line(t, too_long(e.count));
    case EventKind::PrivateUsage: return error_line(t, "usage: @privado:<user> <message>");
    case EventKind::UnknownCommand: return error_line(t, quoted("unknown command ", e.peer, " (try @ajuda)"));
    case EventKind::NotDelivered:
      return error_line(t, quoted(e.undelivered == Undelivered::Busy ? "not delivered: the chat is busy: "
                                                                     : "not delivered: the chat is reconnecting: ",
                                  e.text, ""));
    case EventKind::LinesMissed:
      return notice_line(t, std::to_string(e.count) + " lines were missed here (this server fell behind the chat)");
    case EventKind::ChatReset:
      return notice_line(t, "the chat's store restarted without its history; names are being checked again");
    case EventKind::NameLost:
      return plain_line(quoted("! your name ", e.name, " was claimed earlier by someone else; choose another"));
    case EventKind::ShuttingDown:
      return e.chatting ? notice_line(t, "Server is shutting down") : plain_line("* Server is shutting down");
  }
  return {};
}

}  // namespace chat
