// Server-line parser. Every shape is a fixed prefix, then names scanned to their closing
// character: no search through the text, which may be 4 KiB. chat-swarm parses every line
// it reads, so the common shape (public) is decided on its first byte, with no memcmp.
#include "protocol/server_line.h"

#include <array>

#include "protocol/names.h"

namespace chat {
namespace {

constexpr std::size_t kStampLength = 10;  // "[HH:MM:SS]", then one space
constexpr std::string_view kPrivateTag = "[private] ";
constexpr std::string_view kEchoTag = "[private to ";

// is_name_char as a table: one load per character of the name.
constexpr std::array<bool, 256> name_char_table() {
  std::array<bool, 256> t{};
  for (std::size_t c = 0; c < t.size(); ++c) t[c] = is_name_char(static_cast<char>(c));
  return t;
}
constexpr std::array<bool, 256> kNameChars = name_char_table();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool has_stamp(std::string_view l) {
  return l.size() > kStampLength && l[0] == '[' && is_digit(l[1]) && is_digit(l[2]) && l[3] == ':' && is_digit(l[4]) &&
         is_digit(l[5]) && l[6] == ':' && is_digit(l[7]) && is_digit(l[8]) && l[9] == ']' && l[10] == ' ';
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A valid name at the start of `s`, ended by `close` and a space; `rest` is what follows.
// One pass over the name's characters, which cannot be `close`.
bool name_then(std::string_view s, char close, std::string_view& name, std::string_view& rest) {
  std::size_t end = 0;
  std::size_t limit = s.size() < kMaxNameLength ? s.size() : kMaxNameLength;
  while (end < limit && kNameChars[static_cast<unsigned char>(s[end])]) ++end;
  if (end == 0 || end + 1 >= s.size() || s[end] != close || s[end + 1] != ' ') return false;
  name = s.substr(0, end);
  rest = s.substr(end + 2);
  return true;
}

// "<author> text".
bool author_and_text(std::string_view s, ServerLine& out) {
  return !s.empty() && s.front() == '<' && name_then(s.substr(1), '>', out.author, out.text);
}

// What follows the timestamp.
void parse_stamped(std::string_view rest, ServerLine& out) {
  char first = rest.empty() ? '\0' : rest[0];
  bool marker = rest.size() >= 2 && rest[1] == ' ';  // "* " or "! "
  if (first == '*' && marker) {
    out.kind = ServerLineKind::Notice;
    out.text = rest.substr(2);
  } else if (first == '!' && marker) {
    out.kind = ServerLineKind::Error;
    out.text = rest.substr(2);
  } else if (first == '<' && name_then(rest.substr(1), '>', out.author, out.text)) {
    out.kind = ServerLineKind::Public;
  } else if (first != '[') {
    out.text = rest;
  } else if (starts_with(rest, kPrivateTag) && author_and_text(rest.substr(kPrivateTag.size()), out)) {
    out.kind = ServerLineKind::Private;
  } else if (std::string_view after; starts_with(rest, kEchoTag) &&
                                     name_then(rest.substr(kEchoTag.size()), ']', out.target, after) &&
                                     author_and_text(after, out)) {
    out.kind = ServerLineKind::PrivateEcho;
  } else {
    out = ServerLine{ServerLineKind::Other, out.stamp, {}, {}, rest};
  }
}

}  // namespace

std::string_view to_string(ServerLineKind kind) {
  switch (kind) {
    case ServerLineKind::Public: return "public";
    case ServerLineKind::Private: return "private";
    case ServerLineKind::PrivateEcho: return "private-echo";
    case ServerLineKind::Notice: return "notice";
    case ServerLineKind::Error: return "error";
    case ServerLineKind::Prompt: return "prompt";
    case ServerLineKind::Other: return "other";
  }
  return "?";
}

ServerLine parse_server_line(std::string_view line) {
  ServerLine out;
  if (has_stamp(line)) {
    out.stamp = line.substr(0, kStampLength);
    parse_stamped(line.substr(kStampLength + 1), out);
    return out;
  }
  out.text = line;
  if (line == "Password:" || line == "Username:") {
    out.kind = ServerLineKind::Prompt;
  } else if (starts_with(line, "* ")) {
    out.kind = ServerLineKind::Notice;
    out.text = line.substr(2);
  } else if (starts_with(line, "! ")) {
    out.kind = ServerLineKind::Error;
    out.text = line.substr(2);
  }
  return out;
}

}  // namespace chat
