// A bot's reading of chat-server's lines: the shared parser's kinds, with the lines before
// CHATTING told apart (each prompt, a refusal, a notice while logging in).
#include "bin/chat_swarm/server_line.h"

#include "protocol/server_line.h"

namespace swarm {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool starts_with(std::string_view s, std::string_view head) { return s.substr(0, head.size()) == head; }

LineKind kind_of(const chat::ServerLine& l) {
  using chat::ServerLineKind;
  switch (l.kind) {
    case ServerLineKind::Public: return LineKind::Public;
    case ServerLineKind::Private: return LineKind::Private;
    case ServerLineKind::PrivateEcho: return LineKind::Echo;
    case ServerLineKind::Notice: return l.stamp.empty() ? LineKind::PlainNotice : LineKind::Notice;
    case ServerLineKind::Error: return l.stamp.empty() ? LineKind::Refusal : LineKind::Error;
    case ServerLineKind::Prompt: return l.text == "Password:" ? LineKind::PasswordPrompt : LineKind::NamePrompt;
    case ServerLineKind::Other: return LineKind::Malformed;
  }
  return LineKind::Malformed;
}

}  // namespace

ServerLine parse_server_line(std::string_view line) {
  chat::ServerLine l = chat::parse_server_line(line);
  LineKind kind = kind_of(l);
  if (kind == LineKind::Malformed) return {};
  return {kind, l.author, l.target, l.text};
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
