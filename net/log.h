// Server log: one line per event on stderr, as text ("2026-01-02 10:00:01 [info] connect
// 127.0.0.1:5000") or as one JSON object per line (--log-format json). Events below the
// --log-level are skipped before any string is built. Passwords never reach this file:
// callers log addresses, names and reasons only.
#pragma once

#include <concepts>
#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/socket.h"

namespace net {

enum class LogLevel { Error, Warn, Info, Debug };
enum class LogFormat { Text, Json };

namespace log_detail {
inline LogLevel max_level = LogLevel::Info;
inline bool backlog_pending = false;
}  // namespace log_detail

// The format is chosen once at start-up; the level may change at any time (SIGHUP reload).
void configure_log(LogLevel level, LogFormat format);
inline void set_log_level(LogLevel level) { log_detail::max_level = level; }
inline bool log_enabled(LogLevel level) { return level <= log_detail::max_level; }
std::string_view to_string(LogLevel level);

// One "key": value of a JSON log line. Text lines carry only the message, which says the
// same in words. Text values are views: the caller keeps them alive for the call.
struct LogField {
  enum class Kind { Text, Integer, Real };
  LogField(std::string_view k, std::string_view v) : key(k), text(v) {}
  LogField(std::string_view k, const char* v) : key(k), text(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), text(v) {}
  template <std::integral T>
  LogField(std::string_view k, T v) : key(k), kind(Kind::Integer), integer(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), kind(Kind::Real), real(v) {}

  std::string_view key;
  Kind kind = Kind::Text;
  std::string_view text;
  std::int64_t integer = 0;
  double real = 0;
};

// Writes one event if `level` is enabled. `event` is a stable snake_case name for machines;
// `message` the human sentence (the whole text line, and "msg" in JSON).
void log_event(LogLevel level, std::string_view event, std::string_view message,
               std::initializer_list<LogField> fields = {});
void log_event(LogLevel level, std::string_view event, std::string_view message, const std::vector<LogField>& fields);

// A client's event: "VERB [NAME ]PEER[: REASON]", with name, peer and reason as fields.
// Formats nothing when `level` is off, so it is cheap on hot paths.
void log_client(LogLevel level, std::string_view event, std::string_view verb, std::string_view name,
                const reactor::PeerAddress& peer, std::string_view reason = {});

// An info-level line without fields (event "message").
void log_line(std::string_view message);

// Lines a stalled log reader could not take at once wait in a bounded backlog (beyond it
// they are dropped and counted). The server retries it once per loop iteration, without
// blocking; log_drain waits at most `timeout_ms` for it at exit.
inline bool log_backlog_pending() { return log_detail::backlog_pending; }
void log_retry_backlog();
void log_drain(int timeout_ms);

// For tests: one formatted line (with its '\n') at time `now`, and JSON string escaping
// (quotes, backslashes, control characters; invalid UTF-8 becomes U+FFFD).
std::string format_log_line(LogFormat format, LogLevel level, std::string_view event, std::string_view message,
                            const std::vector<LogField>& fields, const timespec& now);
void append_json_string(std::string& out, std::string_view text);
// What a text line shows of `text`: control characters and invalid UTF-8 as C-style escapes
// ("\x1b", "\r", "\n"), a backslash doubled. Every text line's message goes through it, and
// main() passes its start-up errors through it too.
std::string escape_text(std::string_view text);

}  // namespace net
