// parse_message on any bytes, checked against a plain reference parser written apart from it
// (strings and indices, a state machine for tag keys): the same verdict and the same parts;
// every view lies inside the input; limits hold; written back (tags escaped again) the message
// parses to itself; what write_line makes of it is one line of at most 512 bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doors/irc/irc_message.h"
#include "doors/irc/irc_writer.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using irc::ParseStatus;

struct Reference {
  ParseStatus status = ParseStatus::Empty;
  std::string tags, prefix, command;
  std::vector<std::string> params;
};

bool key_ok(const std::string& key) {
  // States: 0 start, 1 after '+', 2 in a name (vendor or key), 3 after '/', 4 in the key name.
  int state = 0;
  bool dot_seen = false;  // a '.' makes the word a vendor: it must be followed by '/'
  for (char c : key) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '+' && state == 0) {
      state = 1;
    } else if ((alnum || c == '-') && state != 4 && state != 3) {
      state = 2;
    } else if (c == '.' && (state == 2 || state == 0 || state == 1)) {
      state = 2;
      dot_seen = true;
    } else if (c == '/' && state == 2) {
      state = 3;
      dot_seen = false;
    } else if ((alnum || c == '-') && (state == 3 || state == 4)) {
      state = 4;
    } else {
      return false;
    }
  }
  return (state == 2 && !dot_seen) || state == 4;
}

bool tags_ok(const std::string& tags) {
  std::vector<std::string> items(1);
  for (char c : tags) {
    if (c == ';')
      items.emplace_back();
    else
      items.back() += c;
  }
  for (const std::string& item : items)
    if (!key_ok(item.substr(0, item.find('=')))) return false;
  return true;
}

// Three digits, or letters up to the length limit; `upper` gets the command in upper case.
bool command_ok(const std::string& cmd, std::string& upper) {
  bool digits = cmd.size() == 3;
  bool letters = cmd.size() <= irc::kMaxCommandLength;
  for (char c : cmd) {
    digits = digits && c >= '0' && c <= '9';
    letters = letters && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return digits || letters;
}

Reference reference_parse(std::string s) {
  Reference r;
  if (!s.empty() && s.back() == '\n') s.pop_back();
  if (!s.empty() && s.back() == '\r') s.pop_back();
  for (char c : s)
    if (c == '\0' || c == '\r' || c == '\n') {
      r.status = ParseStatus::BadCharacter;
      return r;
    }
  std::size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  auto word = [&] {
    std::string w;
    while (i < s.size() && s[i] != ' ') w += s[i++];
    return w;
  };
  skip();
  if (i == s.size()) return r;
  if (s[i] == '@') {
    ++i;
    r.tags = word();
    if (r.tags.size() + 2 > irc::kMaxTagBytes) {
      r.status = ParseStatus::TagsTooLong;
      return r;
    }
    if (!tags_ok(r.tags)) {
      r.status = ParseStatus::BadTags;
      return r;
    }
    skip();
  }
  if (s.size() - i + 2 > irc::kMaxLineBytes) {
    r.status = ParseStatus::LineTooLong;
    return r;
  }
  if (i < s.size() && s[i] == ':') {
    ++i;
    r.prefix = word();
    if (r.prefix.empty()) {
      r.status = ParseStatus::BadPrefix;
      return r;
    }
    skip();
  }
  if (i == s.size()) {
    r.status = ParseStatus::NoCommand;
    return r;
  }
  const std::string cmd = word();
  if (!command_ok(cmd, r.command)) {
    r.status = ParseStatus::BadCommand;
    return r;
  }
  for (skip(); i < s.size(); skip()) {
    if (s[i] == ':' || r.params.size() == irc::kMaxParams - 1) {
      r.params.push_back(s.substr(s[i] == ':' ? i + 1 : i));
      break;
    }
    r.params.push_back(word());
  }
  r.status = ParseStatus::Ok;
  return r;
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// The message written back by hand: tags re-escaped from their unescaped values.
std::string write_back(const irc::Message& m) {
  std::string out;
  if (!m.tags.empty()) {
    out += '@';
    irc::TagReader tags(m.tags);
    irc::Tag tag;
    std::string scratch;
    bool first = true;
    while (tags.next(tag)) {
      if (!first) out += ';';
      first = false;
      out += tag.key;
      const std::string_view value = irc::unescape_tag_value(tag.raw_value, scratch);
      if (!value.empty()) {
        out += '=';
        irc::append_escaped_tag_value(out, value);
      }
    }
    out += ' ';
  }
  if (!m.prefix.empty()) out.append(":").append(m.prefix).append(" ");
  out += m.command();
  for (std::size_t i = 0; i < m.param_count; ++i) {
    // The fifteenth parameter takes the rest of the line without a ':' too; adding one
    // where none was sent could push a full line over the limit.
    const std::string_view p = m.param(i);
    const bool last = i + 1 == m.param_count && m.has_trailing;
    const bool colon = last && (i + 1 < irc::kMaxParams || p.empty() || p.front() == ':' || p.front() == ' ');
    out += colon ? " :" : " ";
    out += m.param(i);
  }
  return out + "\r\n";
}

std::vector<std::string> unescaped_tags(std::string_view tags) {
  std::vector<std::string> out;
  irc::TagReader reader(tags);
  irc::Tag tag;
  std::string scratch;
  while (reader.next(tag))
    out.push_back(std::string(tag.key) + "=" + std::string(irc::unescape_tag_value(tag.raw_value, scratch)));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2 * irc::kMaxTagBytes) return 0;  // past both limits nothing new happens
  const std::string line(reinterpret_cast<const char*>(data), size);
  const irc::ParseResult got = irc::parse_message(line);
  const Reference want = reference_parse(line);
  FUZZ_CHECK(got.status == want.status, "the verdict differs from the reference parser's");
  if (got.status != ParseStatus::Ok) return 0;

  const irc::Message& m = got.message;
  FUZZ_CHECK(m.tags == want.tags && m.prefix == want.prefix && m.command() == want.command, "a part differs");
  FUZZ_CHECK(m.param_count == want.params.size() && m.param_count <= irc::kMaxParams, "parameter count differs");
  for (std::size_t i = 0; i < m.param_count; ++i) {
    FUZZ_CHECK(m.param(i) == want.params[i], "a parameter differs");
    FUZZ_CHECK(inside(m.param(i), line), "a parameter outside the input");
    if (i + 1 < m.param_count || !m.has_trailing)
      FUZZ_CHECK(!m.param(i).empty() && m.param(i).find(' ') == std::string_view::npos && m.param(i)[0] != ':',
                 "a middle parameter that could not be written back");
  }
  FUZZ_CHECK(inside(m.tags, line) && inside(m.prefix, line) && inside(m.raw_command, line), "a view outside the input");
  FUZZ_CHECK(m.tags.size() + 2 <= irc::kMaxTagBytes, "tags over their limit");

  const std::string again = write_back(m);
  const irc::ParseResult re = irc::parse_message(again);
  FUZZ_CHECK(re.status == ParseStatus::Ok, "written back, it no longer parses");
  FUZZ_CHECK(re.message.prefix == m.prefix && re.message.command() == m.command(), "written back, it changed");
  FUZZ_CHECK(re.message.param_count == m.param_count, "written back, its parameters changed");
  for (std::size_t i = 0; i < m.param_count; ++i)
    FUZZ_CHECK(re.message.param(i) == m.param(i), "written back, a parameter changed");
  FUZZ_CHECK(unescaped_tags(re.message.tags) == unescaped_tags(m.tags), "written back, the tag values changed");

  // The writer, given the same parts (as middles and a trailing), makes one bounded line.
  std::array<std::string_view, irc::kMaxParams> middles{};
  for (std::size_t i = 0; i < m.param_count; ++i) middles[i] = m.param(i);
  const std::size_t n = m.param_count;
  const std::string_view last = n == 0 ? std::string_view() : middles[n - 1];
  const reactor::PayloadRef out = n >= 2 ? irc::write_line(m.prefix, m.command(), {middles[0]}, last)
                                         : irc::write_line(m.prefix, m.command(), {}, last);
  FUZZ_CHECK(out.size() <= irc::kMaxLineBytes, "the writer went over 512 bytes");
  FUZZ_CHECK(out.view().find('\n') == out.size() - 1, "the writer made more than one line");
  const irc::ParseResult written = irc::parse_message(out.view());
  FUZZ_CHECK(written.status == ParseStatus::Ok && written.message.command() == m.command(),
             "the writer's line does not parse");
  return 0;
}
