// RESP2 reply parsing and command writing (see resp.h).
#include "bin/chat_swarm/resp.h"

#include <charconv>
#include <cstring>

namespace swarm {
namespace {

constexpr std::int64_t kMaxArray = 1024;

enum class Line { Ok, Incomplete, Bad };

// The line at `pos` up to "\r\n" (a '\r' must be followed by '\n').
Line take_line(std::string_view buf, std::size_t& pos, std::string_view& line) {
  const char* start = buf.data() + pos;
  const void* cr = std::memchr(start, '\r', buf.size() - pos);
  if (!cr) return Line::Incomplete;
  std::size_t len = static_cast<const char*>(cr) - start;
  if (pos + len + 1 >= buf.size()) return Line::Incomplete;  // the '\n' has not arrived
  if (buf[pos + len + 1] != '\n') return Line::Bad;
  line = std::string_view(start, len);
  pos += len + 2;
  return Line::Ok;
}

bool to_int(std::string_view s, std::int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

void append_command(std::string& out, std::initializer_list<std::string_view> words) {
  out += '*';
  out += std::to_string(words.size());
  out += "\r\n";
  for (std::string_view w : words) {
    out += '$';
    out += std::to_string(w.size());
    out += "\r\n";
    out += w;
    out += "\r\n";
  }
}

RespParser::Step RespParser::parse_item(std::string_view buf, std::size_t& pos, RespItem& item, bool top) {
  if (pos >= buf.size()) return Step::Incomplete;
  char kind = buf[pos];
  std::size_t at = pos + 1;
  if (kind != '+' && kind != '-' && kind != ':' && kind != '$' && kind != '*') {
    error_ = "not a RESP reply (first byte " + std::to_string(static_cast<unsigned char>(kind)) + ")";
    return Step::Bad;
  }
  std::string_view line;
  switch (take_line(buf, at, line)) {
    case Line::Ok: break;
    case Line::Bad: error_ = "RESP line with a CR not followed by LF"; return Step::Bad;
    case Line::Incomplete:
      // A number cannot be long: without its CRLF after 32 bytes it never will be one.
      if (kind != '+' && kind != '-' && buf.size() - pos > 32) {
        error_ = "RESP header without CRLF";
        return Step::Bad;
      }
      return Step::Incomplete;
  }
  switch (kind) {
    case '+': item = {RespType::SimpleString, line, 0}; break;
    case '-': item = {RespType::Error, line, 0}; break;
    case ':':
      item = {RespType::Integer, {}, 0};
      if (!to_int(line, item.integer)) {
        error_ = "bad RESP integer";
        return Step::Bad;
      }
      break;
    case '$': {
      std::int64_t len = 0;
      if (!to_int(line, len) || len < -1) {
        error_ = "bad RESP bulk length";
        return Step::Bad;
      }
      if (len == -1) {
        item = {RespType::Null, {}, 0};
        break;
      }
      if (static_cast<std::uint64_t>(len) > max_reply_) {
        error_ = "RESP bulk string longer than " + std::to_string(max_reply_) + " bytes";
        return Step::Bad;
      }
      std::size_t n = static_cast<std::size_t>(len);
      if (buf.size() - at < n + 2) return Step::Incomplete;
      if (buf[at + n] != '\r' || buf[at + n + 1] != '\n') {
        error_ = "RESP bulk string not followed by CRLF";
        return Step::Bad;
      }
      item = {RespType::Bulk, buf.substr(at, n), 0};
      at += n + 2;
      break;
    }
    case '*': {
      std::int64_t count = 0;
      if (!to_int(line, count) || count < -1 || count > kMaxArray) {
        error_ = "bad RESP array length";
        return Step::Bad;
      }
      if (!top) {
        error_ = "nested RESP arrays are not expected";
        return Step::Bad;
      }
      item = {count < 0 ? RespType::Null : RespType::Array, {}, count < 0 ? 0 : count};
      break;
    }
  }
  pos = at;
  return Step::Done;
}

RespParser::Step RespParser::parse_one(std::string_view buf, std::size_t& used) {
  std::size_t pos = 0;
  reply_.items.clear();
  if (Step s = parse_item(buf, pos, reply_.top, true); s != Step::Done) return s;
  if (reply_.top.type == RespType::Array) {
    for (std::int64_t i = 0; i < reply_.top.integer; ++i) {
      RespItem& item = reply_.items.emplace_back();
      if (Step s = parse_item(buf, pos, item, false); s != Step::Done) return s;
    }
  }
  used = pos;
  return Step::Done;
}

}  // namespace swarm
