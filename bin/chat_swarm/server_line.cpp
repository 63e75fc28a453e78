// Classifying chat-server's lines by shape.
#include "bin/chat_swarm/server_line.h"

namespace swarm {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

bool has_timestamp(std::string_view l) {
  return l.size() >= 11 && l[0] == '[' && digit(l[1]) && digit(l[2]) && l[3] == ':' && digit(l[4]) && digit(l[5]) &&
         l[6] == ':' && digit(l[7]) && digit(l[8]) && l[9] == ']' && l[10] == ' ';
}

// "<name> text" -> name and text.
bool split_author(std::string_view rest, ServerLine& out) {
  if (rest.empty() || rest[0] != '<') return false;
  auto close = rest.find("> ");
  if (close == std::string_view::npos || close < 2) return false;
  out.from = rest.substr(1, close - 1);
  out.text = rest.substr(close + 2);
  return true;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool starts_with(std::string_view s, std::string_view head) { return s.substr(0, head.size()) == head; }

}  // namespace

ServerLine parse_server_line(std::string_view line) {
  ServerLine out;
  if (!has_timestamp(line)) {
    if (line == "Password:") {
      out.kind = LineKind::PasswordPrompt;
    } else if (line == "Username:") {
      out.kind = LineKind::NamePrompt;
    } else if (starts_with(line, "! ")) {
      out.kind = LineKind::Refusal;
      out.text = line.substr(2);
    } else if (starts_with(line, "* ")) {
      out.kind = LineKind::PlainNotice;
      out.text = line.substr(2);
    }
    return out;
  }
  std::string_view rest = line.substr(11);
  if (starts_with(rest, "* ")) {
    out.kind = LineKind::Notice;
    out.text = rest.substr(2);
  } else if (starts_with(rest, "! ")) {
    out.kind = LineKind::Error;
    out.text = rest.substr(2);
  } else if (starts_with(rest, "<")) {
    if (split_author(rest, out)) out.kind = LineKind::Public;
  } else if (starts_with(rest, "[private] ")) {
    if (split_author(rest.substr(10), out)) out.kind = LineKind::Private;
  } else if (starts_with(rest, "[private to ")) {
    std::string_view tail = rest.substr(12);
    auto close = tail.find("] ");
    if (close != std::string_view::npos && close > 0 && split_author(tail.substr(close + 2), out)) {
      out.kind = LineKind::Echo;
      out.to = tail.substr(0, close);
    }
  }
  return out;
}

Notice parse_notice(std::string_view text) {
  Notice n;
  if (starts_with(text, "Welcome, ")) {
    auto bang = text.find("! ", 9);
    if (bang == std::string_view::npos && ends_with(text, "!")) bang = text.size() - 1;
    if (bang != std::string_view::npos) {
      n.kind = NoticeKind::Welcome;
      n.name = text.substr(9, bang - 9);
    }
    return n;
  }
  if (starts_with(text, "Bye, ") && ends_with(text, "!")) {
    n.kind = NoticeKind::Bye;
    n.name = text.substr(5, text.size() - 6);
    return n;
  }
  if (text == "Server is shutting down") {
    n.kind = NoticeKind::ShuttingDown;
    return n;
  }
  struct Tail {
    std::string_view text;
    NoticeKind kind;
  };
  static constexpr Tail kTails[] = {{" joined the chat", NoticeKind::Joined},
                                    {" left the chat", NoticeKind::Left},
                                    {" was disconnected (too slow)", NoticeKind::TooSlow},
                                    {" disconnected", NoticeKind::Disconnected}};
  for (const Tail& t : kTails) {
    if (ends_with(text, t.text) && text.size() > t.text.size() && text.find(' ') == text.size() - t.text.size()) {
      n.kind = t.kind;
      n.name = text.substr(0, text.size() - t.text.size());
      return n;
    }
  }
  return n;
}

}  // namespace swarm
