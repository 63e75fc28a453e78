// RESP2 command and reply writing (see writer.h).
#include "resp/writer.h"

#include <charconv>

namespace resp {
namespace {

std::size_t digits(std::size_t n) {
  std::size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// Writes "<kind><n>\r\n" at `at`; returns the position after it.
char* header(char* at, char kind, std::size_t n) {
  *at++ = kind;
  at = std::to_chars(at, at + 20, n).ptr;
  *at++ = '\r';
  *at++ = '\n';
  return at;
}

void append_header(std::string& out, char kind, std::int64_t n) {
  char buf[24];
  buf[0] = kind;
  char* end = std::to_chars(buf + 1, buf + sizeof buf, n).ptr;
  out.append(buf, end).append("\r\n");
}

void append_item(std::string& out, const RespItem& item) {
  switch (item.type) {
    case RespType::SimpleString: out.append("+").append(item.text).append("\r\n"); break;
    case RespType::Error: out.append("-").append(item.text).append("\r\n"); break;
    case RespType::Integer: append_header(out, ':', item.integer); break;
    case RespType::Bulk:
      append_header(out, '$', static_cast<std::int64_t>(item.text.size()));
      out.append(item.text).append("\r\n");
      break;
    case RespType::Null: out.append("$-1\r\n"); break;
    case RespType::NullArray: out.append("*-1\r\n"); break;
    case RespType::Array: append_header(out, '*', item.integer); break;
  }
}

}  // namespace

std::size_t command_size(std::span<const std::string_view> args) {
  std::size_t size = 3 + digits(args.size());
  for (std::string_view a : args) size += 5 + digits(a.size()) + a.size();
  return size;
}

void append_command(std::string& out, std::span<const std::string_view> args) {
  const std::size_t start = out.size();
  const std::size_t size = command_size(args);
  // resize_and_overwrite would skip the zero fill, but it is C++23.
  out.resize(start + size);
  char* at = header(out.data() + start, '*', args.size());
  for (std::string_view a : args) {
    at = header(at, '$', a.size());
    if (!a.empty()) at = std::char_traits<char>::copy(at, a.data(), a.size()) + a.size();
    *at++ = '\r';
    *at++ = '\n';
  }
}

void append_reply(std::string& out, const RespReply& reply) {
  append_item(out, reply.top);
  for (const RespItem& item : reply.items) append_item(out, item);
}

}  // namespace resp
