// RESP2 reply parsing (see parser.h).
#include "resp/parser.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace resp {
namespace {

// The longest header a number needs ("-9223372036854775808" is 20 bytes).
constexpr std::size_t kMaxHeader = 32;

bool to_int(std::string_view s, std::int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

std::size_t item_span(const std::vector<RespItem>& items, std::size_t i) {
  std::size_t end = i + 1;
  std::int64_t owed = items[i].type == RespType::Array ? items[i].integer : 0;
  while (owed > 0 && end < items.size()) {
    const RespItem& next = items[end++];
    --owed;
    if (next.type == RespType::Array) owed += next.integer;
  }
  return end - i;
}

void RespParser::reset() {
  std::string().swap(pending_);
  error_.clear();
  pos_ = 0;
  raw_.clear();
  open_.clear();
  declared_ = 0;
}

RespParser::Step RespParser::fail(std::string message) {
  error_ = std::move(message);
  pos_ = 0;
  raw_.clear();
  open_.clear();
  declared_ = 0;
  return Step::Bad;
}

RespParser::Step RespParser::parse_bulk(std::string_view buf, std::string_view line, std::size_t& at, Raw& item) {
  std::int64_t n = 0;
  if (!to_int(line, n) || n < -1) return fail("bad RESP bulk length");
  if (n == -1) return Step::Done;  // null bulk string: `item` says so already
  if (static_cast<std::uint64_t>(n) > limits_.max_bulk)
    return fail("RESP bulk string longer than " + std::to_string(limits_.max_bulk) + " bytes");
  const auto size = static_cast<std::size_t>(n);
  if (buf.size() - at < size + 2) {
    // Not all here: the header is parsed again next time (it is short), and the whole reply
    // must fit the cap.
    if (at + size + 2 > limits_.max_reply)
      return fail("RESP reply longer than " + std::to_string(limits_.max_reply) + " bytes");
    return Step::Incomplete;
  }
  if (buf[at + size] != '\r' || buf[at + size + 1] != '\n') return fail("RESP bulk string not followed by CRLF");
  item = {RespType::Bulk, at, size, 0};
  at += size + 2;
  return Step::Done;
}

RespParser::Step RespParser::parse_array_header(std::string_view line, Raw& item) {
  std::int64_t n = 0;
  if (!to_int(line, n) || n < -1) return fail("bad RESP array length");
  if (n == -1) {
    item.type = RespType::NullArray;
    return Step::Done;
  }
  // Every element is announced by its array's count, so this bounds the items kept.
  if (static_cast<std::uint64_t>(n) > limits_.max_elements - declared_)
    return fail("RESP reply with more than " + std::to_string(limits_.max_elements) + " elements");
  if (n > 0 && open_.size() >= limits_.max_depth)
    return fail("RESP arrays nested deeper than " + std::to_string(limits_.max_depth));
  declared_ += static_cast<std::size_t>(n);
  item = {RespType::Array, 0, 0, n};
  return Step::Done;
}

RespParser::Step RespParser::parse_item(std::string_view buf) {
  if (pos_ >= buf.size()) return Step::Incomplete;
  const char kind = buf[pos_];
  if (kind != '+' && kind != '-' && kind != ':' && kind != '$' && kind != '*')
    return fail("not a RESP reply (first byte " + std::to_string(static_cast<unsigned char>(kind)) + ")");
  std::size_t at = pos_ + 1;
  const bool text_line = kind == '+' || kind == '-';
  const std::size_t limit = text_line ? limits_.max_bulk : kMaxHeader;
  const std::size_t avail = buf.size() - at;
  const void* cr = std::memchr(buf.data() + at, '\r', std::min(avail, limit + 1));
  if (!cr) {
    if (avail > limit)
      return fail(text_line ? "RESP line longer than " + std::to_string(limit) + " bytes" : "RESP header without CRLF");
    return Step::Incomplete;
  }
  const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(cr) - (buf.data() + at));
  if (at + len + 1 >= buf.size()) return Step::Incomplete;  // the '\n' has not arrived
  if (buf[at + len + 1] != '\n') return fail("RESP line with a CR not followed by LF");
  const std::string_view line = buf.substr(at, len);
  const std::size_t line_at = at;
  at += len + 2;
  Raw item{RespType::Null, 0, 0, 0};
  switch (kind) {
    case '+': item = {RespType::SimpleString, line_at, len, 0}; break;
    case '-': item = {RespType::Error, line_at, len, 0}; break;
    case ':':
      item.type = RespType::Integer;
      if (!to_int(line, item.integer)) return fail("bad RESP integer");
      break;
    case '$': {
      const Step s = parse_bulk(buf, line, at, item);
      if (s != Step::Done) return s;
      break;
    }
    default: {  // '*'
      const Step s = parse_array_header(line, item);
      if (s != Step::Done) return s;
      break;
    }
  }
  raw_.push_back(item);
  pos_ = at;
  return Step::Done;
}

RespParser::Step RespParser::parse_one(std::string_view buf, std::size_t& used) {
  for (;;) {
    const Step s = parse_item(buf);
    if (s == Step::Bad) return s;
    if (s == Step::Incomplete) {
      if (buf.size() > limits_.max_reply)
        return fail("RESP reply longer than " + std::to_string(limits_.max_reply) + " bytes");
      return s;
    }
    if (pos_ > limits_.max_reply) return fail("RESP reply longer than " + std::to_string(limits_.max_reply) + " bytes");
    const Raw& item = raw_.back();
    if (item.type == RespType::Array && item.integer > 0) {
      open_.push_back(item.integer);
      continue;
    }
    // A complete element: it may complete its array, which completes its parent, and so on.
    while (!open_.empty()) {
      if (--open_.back() > 0) break;
      open_.pop_back();
    }
    if (open_.empty()) break;
  }
  auto view = [&](const Raw& r) {
    return RespItem{r.type, r.length ? buf.substr(r.offset, r.length) : std::string_view(), r.integer};
  };
  reply_.top = view(raw_.front());
  reply_.items.clear();
  for (std::size_t i = 1; i < raw_.size(); ++i) reply_.items.push_back(view(raw_[i]));
  used = pos_;
  pos_ = 0;
  raw_.clear();
  declared_ = 0;
  return Step::Done;
}

}  // namespace resp
