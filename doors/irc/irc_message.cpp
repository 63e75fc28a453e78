// The IRC line parser: one left-to-right pass, every part a view of the line.
#include "doors/irc/irc_message.h"

namespace irc {

namespace {

constexpr bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// vendor: a host name (letters, digits, '-', '.'); name: letters, digits, '-'.
bool is_key_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_letter(c) && !is_digit(c) && c != '-') return false;
  return true;
}

bool is_vendor(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_letter(c) && !is_digit(c) && c != '-' && c != '.') return false;
  return true;
}

// A value holds anything but NUL, CR, LF, ';' and space (the line checks already exclude
// NUL and CR, the space ended the section).
bool is_valid_tag_list(std::string_view tags) {
  if (tags.empty()) return false;
  while (true) {
    const std::size_t end = tags.find(';');
    const std::string_view tag = tags.substr(0, end);
    const std::size_t eq = tag.find('=');
    if (!is_valid_tag_key(tag.substr(0, eq))) return false;
    if (end == std::string_view::npos) return true;
    tags.remove_prefix(end + 1);
    if (tags.empty()) return false;  // a trailing ';' announces a tag that is not there
  }
}

void skip_spaces(std::string_view& s) {
  const std::size_t n = s.find_first_not_of(' ');
  s.remove_prefix(n == std::string_view::npos ? s.size() : n);
}

std::string_view take_word(std::string_view& s) {
  const std::size_t end = s.find(' ');
  const std::string_view word = s.substr(0, end);
  s.remove_prefix(word.size());
  return word;
}

}  // namespace

std::string_view to_string(ParseStatus status) {
  switch (status) {
    case ParseStatus::Ok: return "ok";
    case ParseStatus::Empty: return "empty line";
    case ParseStatus::LineTooLong: return "line over 512 bytes";
    case ParseStatus::TagsTooLong: return "tags over 8191 bytes";
    case ParseStatus::BadCharacter: return "NUL or CR in the line";
    case ParseStatus::BadTags: return "malformed tags";
    case ParseStatus::BadPrefix: return "empty prefix";
    case ParseStatus::NoCommand: return "no command";
    case ParseStatus::BadCommand: return "malformed command";
  }
  return "unknown";
}

bool is_valid_tag_key(std::string_view key) {
  if (!key.empty() && key.front() == '+') key.remove_prefix(1);
  const std::size_t slash = key.rfind('/');
  if (slash == std::string_view::npos) return is_key_name(key);
  return is_vendor(key.substr(0, slash)) && is_key_name(key.substr(slash + 1));
}

ParseResult parse_message(std::string_view line) {
  ParseResult result;
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) {
    result.status = ParseStatus::BadCharacter;
    return result;
  }
  Message& m = result.message;
  std::string_view rest = line;
  skip_spaces(rest);
  if (rest.empty()) return result;  // Empty

  if (rest.front() == '@') {
    rest.remove_prefix(1);
    m.tags = take_word(rest);
    // '@', the tags and the one space after them (absent when the line ends here).
    if (m.tags.size() + 2 > kMaxTagBytes) {
      result.status = ParseStatus::TagsTooLong;
      return result;
    }
    if (!is_valid_tag_list(m.tags)) {
      result.status = ParseStatus::BadTags;
      return result;
    }
    skip_spaces(rest);
  }
  // Counted as if it ended in CRLF, however the peer ended it.
  if (rest.size() + 2 > kMaxLineBytes) {
    result.status = ParseStatus::LineTooLong;
    return result;
  }
  if (!rest.empty() && rest.front() == ':') {
    rest.remove_prefix(1);
    m.prefix = take_word(rest);
    if (m.prefix.empty()) {
      result.status = ParseStatus::BadPrefix;
      return result;
    }
    skip_spaces(rest);
  }
  if (rest.empty()) {
    result.status = ParseStatus::NoCommand;
    return result;
  }

  m.raw_command = take_word(rest);
  const std::string_view cmd = m.raw_command;
  const bool numeric = cmd.size() == 3 && is_digit(cmd[0]) && is_digit(cmd[1]) && is_digit(cmd[2]);
  bool letters = cmd.size() <= kMaxCommandLength;
  for (char c : cmd) letters = letters && is_letter(c);
  if (!numeric && !letters) {
    result.status = ParseStatus::BadCommand;
    return result;
  }
  for (char c : cmd) m.command_upper_[m.command_length_++] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;

  while (true) {
    skip_spaces(rest);
    if (rest.empty()) break;
    // The fifteenth parameter is the rest of the line, spaces and all (RFC 2812 2.3.1).
    if (rest.front() == ':' || m.param_count == kMaxParams - 1) {
      if (rest.front() == ':') rest.remove_prefix(1);
      m.params[m.param_count++] = rest;
      m.has_trailing = true;
      break;
    }
    m.params[m.param_count++] = take_word(rest);
  }
  result.status = ParseStatus::Ok;
  return result;
}

bool TagReader::next(Tag& tag) {
  if (rest_.empty()) return false;
  const std::size_t end = rest_.find(';');
  const std::string_view item = rest_.substr(0, end);
  rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
  const std::size_t eq = item.find('=');
  tag.key = item.substr(0, eq);
  tag.raw_value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
  return true;
}

std::string_view unescape_tag_value(std::string_view raw, std::string& scratch) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  scratch.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {
      scratch.push_back(raw[i]);
      continue;
    }
    if (++i == raw.size()) break;
    switch (raw[i]) {
      case ':': scratch.push_back(';'); break;
      case 's': scratch.push_back(' '); break;
      case 'r': scratch.push_back('\r'); break;
      case 'n': scratch.push_back('\n'); break;
      default: scratch.push_back(raw[i]); break;  // "\\" and unknown escapes alike
    }
  }
  return scratch;
}

void append_escaped_tag_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case ';': out += "\\:"; break;
      case ' ': out += "\\s"; break;
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      default: out.push_back(c); break;
    }
  }
}

}  // namespace irc
