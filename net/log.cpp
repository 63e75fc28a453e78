// Log formatting and the stderr writer. A log reader that stalls (a full pipe, a busy
// journald) must never stall the event loop, so when stderr is a socket or a pipe every
// write is non-blocking, and what the reader cannot take at once waits in a bounded backlog.
//
// O_NONBLOCK is never set on stderr itself: it belongs to an open file description shared
// with the parent (a terminal, the shell's pipe), which would start failing with EAGAIN.
// Instead a socket gets MSG_DONTWAIT per send(), and a pipe is opened a second time through
// /proc/self/fd/2 (a new description of the same pipe, Linux) with O_NONBLOCK. Files and
// terminals keep plain blocking writes: a disk does not stall for long, and a terminal
// stopped with ^S is a choice of the operator.
#include "net/log.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <span>

namespace net {
namespace {

constexpr std::size_t kMaxBacklog = std::size_t{256} * 1024;

enum class WriteMode { Blocking, SocketDontWait, NonBlockingFd };

struct Sink {
  int fd = STDERR_FILENO;
  WriteMode mode = WriteMode::Blocking;
  LogFormat format = LogFormat::Text;
  std::string backlog;  // whole lines (the first maybe partly written) in order
  std::uint64_t dropped = 0;
};

Sink& sink() {
  static Sink s;
  return s;
}

// Bytes written, or -1 with errno (EAGAIN: the reader is behind).
ssize_t write_some(const Sink& s, std::string_view bytes) {
  ssize_t n;
  do {
    if (s.mode == WriteMode::SocketDontWait)
      n = send(s.fd, bytes.data(), bytes.size(), MSG_DONTWAIT);
    else
      n = write(s.fd, bytes.data(), bytes.size());
  } while (n < 0 && errno == EINTR);
  return n;
}

// Writes from the front of the backlog; true when it is empty. A reader gone for good
// (EPIPE, EBADF) discards the backlog: nobody will read it.
bool flush_backlog(Sink& s) {
  while (!s.backlog.empty()) {
    ssize_t n = write_some(s, s.backlog);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
      s.backlog.clear();
      break;
    }
    s.backlog.erase(0, static_cast<std::size_t>(n));
  }
  log_detail::backlog_pending = false;
  return true;
}

void report_recovery(Sink& s) {
  if (s.dropped == 0) return;
  std::uint64_t dropped = s.dropped;
  s.dropped = 0;
  log_event(LogLevel::Warn, "log_lines_dropped",
            std::to_string(dropped) + " log lines dropped: the log reader was too slow", {{"count", dropped}});
}

void emit(std::string_view line) {
  Sink& s = sink();
  if (!s.backlog.empty() && !flush_backlog(s)) {
    if (s.backlog.size() + line.size() <= kMaxBacklog)
      s.backlog.append(line);
    else
      ++s.dropped;
    return;
  }
  while (!line.empty()) {
    ssize_t n = write_some(s, line);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        s.backlog.assign(line);  // at most one line, always below the bound
        log_detail::backlog_pending = true;
      }
      return;  // any other error: the line is lost, as an unchecked write would lose it
    }
    line.remove_prefix(static_cast<std::size_t>(n));
  }
  report_recovery(s);
}

void append_two(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// 2026-01-02 10:00:01 (local time, as the chat's own stamps).
void append_text_stamp(std::string& out, const timespec& now) {
  std::tm t{};
  localtime_r(&now.tv_sec, &t);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
  out.append(buf, n);
}

// 2026-01-02T10:00:01.234Z (UTC, millisecond resolution: unambiguous for machines).
void append_json_stamp(std::string& out, const timespec& now) {
  std::tm t{};
  gmtime_r(&now.tv_sec, &t);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  out.append(buf, n);
  int ms = static_cast<int>(now.tv_nsec / 1000000);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + ms / 100));
  append_two(out, ms % 100);
  out.push_back('Z');
}

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it is invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_sequence(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b = byte(0);
  std::size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (len == 0 || b > 0xF4 || b == 0xC0 || b == 0xC1 || s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i)
    if ((byte(i) & 0xC0) != 0x80) return 0;
  unsigned char second = byte(1);
  if (b == 0xE0 && second < 0xA0) return 0;  // overlong
  if (b == 0xED && second > 0x9F) return 0;  // surrogate
  if (b == 0xF0 && second < 0x90) return 0;  // overlong
  if (b == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
  return len;
}

// One walk for both formats. Each shows a value as is, but for what could forge or hide lines
// or drive a terminal: control characters (C0, DEL, C1) become escapes ("\n", "\x1b" or
// "\u001b", "\u009b"), a backslash is doubled so that an escape is never ambiguous, and an
// invalid UTF-8 byte is "\xff" in text (the byte stays visible) or U+FFFD in JSON (whose
// strings are Unicode). JSON also escapes the quote that ends its string.
enum class Escaping { Text, Json };

void append_escaped(std::string& out, std::string_view text, Escaping style) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool json = style == Escaping::Json;
  auto hex = [&out](const char* prefix, unsigned c) {
    out += prefix;
    out.push_back(kHex[(c >> 4) & 0xF]);
    out.push_back(kHex[c & 0xF]);
  };
  while (!text.empty()) {
    auto c = static_cast<unsigned char>(text.front());
    if (c >= 0x80) {
      std::size_t len = utf8_sequence(text);
      if (len == 0) {
        if (json)
          out += "\\ufffd";
        else
          hex("\\x", c);
        len = 1;
      } else if (len == 2 && c == 0xC2 && static_cast<unsigned char>(text[1]) < 0xA0) {
        hex("\\u00", static_cast<unsigned char>(text[1]));  // U+0080..U+009F
      } else {
        out.append(text.substr(0, len));
      }
      text.remove_prefix(len);
      continue;
    }
    text.remove_prefix(1);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '"':
        if (json)
          out += "\\\"";
        else
          out.push_back('"');
        break;
      default:
        if (c < 0x20 || c == 0x7F)
          hex(json ? "\\u00" : "\\x", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
}

void append_text_escaped(std::string& out, std::string_view text) { append_escaped(out, text, Escaping::Text); }

void append_field_value(std::string& out, const LogField& f) {
  switch (f.kind) {
    case LogField::Kind::Text: append_json_string(out, f.text); return;
    case LogField::Kind::Integer: out += std::to_string(f.integer); return;
    case LogField::Kind::Real: {
      char buf[32];
      int n = std::snprintf(buf, sizeof buf, "%.3f", f.real);
      out.append(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
      return;
    }
  }
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  append_text_escaped(out, text);
  return out;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::Error: return "error";
    case LogLevel::Warn: return "warn";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_escaped(out, text, Escaping::Json);
  out.push_back('"');
}

namespace {

std::string format_line(LogFormat format, LogLevel level, std::string_view event, std::string_view message,
                        const LogField* fields, std::size_t count, const timespec& now) {
  std::string line;
  line.reserve(96 + message.size());
  if (format == LogFormat::Text) {
    append_text_stamp(line, now);
    line.append(" [").append(to_string(level)).append("] ");
    append_text_escaped(line, message);
  } else {
    line.append(R"({"ts":")");
    append_json_stamp(line, now);
    line.append(R"(","level":")").append(to_string(level)).append(R"(","event":)");
    append_json_string(line, event);
    line.append(",\"msg\":");
    append_json_string(line, message);
    for (const LogField& f : std::span(fields, count)) {
      line.push_back(',');
      append_json_string(line, f.key);
      line.push_back(':');
      append_field_value(line, f);
    }
    line.push_back('}');
  }
  line.push_back('\n');
  return line;
}

void write_event(LogLevel level, std::string_view event, std::string_view message, const LogField* fields,
                 std::size_t count) {
  if (!log_enabled(level)) return;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  emit(format_line(sink().format, level, event, message, fields, count, now));
}

}  // namespace

std::string format_log_line(LogFormat format, LogLevel level, std::string_view event, std::string_view message,
                            const std::vector<LogField>& fields, const timespec& now) {
  return format_line(format, level, event, message, fields.data(), fields.size(), now);
}

void configure_log(LogLevel level, LogFormat format) {
  set_log_level(level);
  Sink& s = sink();
  s.format = format;
  struct stat st {};
  if (s.mode != WriteMode::Blocking || fstat(STDERR_FILENO, &st) != 0) return;  // configured already
  if (S_ISSOCK(st.st_mode)) {
    s.mode = WriteMode::SocketDontWait;
  } else if (S_ISFIFO(st.st_mode)) {
    int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      s.fd = fd;
      s.mode = WriteMode::NonBlockingFd;
    }
  }
}

void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields) {
  write_event(level, event, message, fields.begin(), fields.size());
}

void log_event(LogLevel level, std::string_view event, std::string_view message, const std::vector<LogField>& fields) {
  write_event(level, event, message, fields.data(), fields.size());
}

void log_client(LogLevel level, std::string_view event, std::string_view verb, std::string_view name,
                const reactor::PeerAddress& peer, std::string_view reason) {
  if (!log_enabled(level)) return;
  std::string address = peer.to_string();
  std::string message(verb);
  message.push_back(' ');
  if (!name.empty()) message.append(name).push_back(' ');
  message.append(address);
  if (!reason.empty()) message.append(": ").append(reason);
  if (name.empty() && reason.empty())
    log_event(level, event, message, {{"peer", address}});
  else if (reason.empty())
    log_event(level, event, message, {{"name", name}, {"peer", address}});
  else if (name.empty())
    log_event(level, event, message, {{"peer", address}, {"reason", reason}});
  else
    log_event(level, event, message, {{"name", name}, {"peer", address}, {"reason", reason}});
}

void log_line(std::string_view message) { log_event(LogLevel::Info, "message", message); }

void log_retry_backlog() {
  Sink& s = sink();
  if (!s.backlog.empty() && flush_backlog(s)) report_recovery(s);
}

void log_drain(int timeout_ms) {
  Sink& s = sink();
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!s.backlog.empty()) {
    if (flush_backlog(s)) {
      report_recovery(s);
      continue;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{s.fd, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(left.count()));
  }
}

}  // namespace net
