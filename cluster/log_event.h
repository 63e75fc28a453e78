// LogEvent: one room-wide event as it travels through the chat's log (a Redis stream entry).
// The bus moves opaque fields; this is the one place that knows which fields a chat event
// has, and it checks what it reads back: an entry another program (or an older node) wrote
// is either a valid event or nothing, never a line that breaks a client's screen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bus/chat_log.h"
#include "bus/log_reader.h"

namespace cluster {

// The longest event field a node reads: max-line is at most 16 MiB, and a line carries its
// clean text, its rich text and a few names and numbers.
inline constexpr std::size_t kMaxEventBytes = 3 * (std::size_t{1} << 24);
// The longest one a node whose max-line is `max_line` writes.
constexpr std::size_t event_bytes_for(std::size_t max_line) { return 2 * max_line + 4096; }

enum class LogKind : std::uint8_t {
  Join,        // name joined
  Say,         // a public line
  Whisper,     // a private line from name to peer
  Leave,       // left on purpose
  Disconnect,  // the connection was lost
  TooSlow,     // dropped for not reading
};

struct LogEvent {
  LogKind kind = LogKind::Say;
  // Whose event: the node that holds (or held) the client, and its id there. Usually the
  // writer; a surviving node writes a dead node's departures on its behalf.
  std::string owner;
  std::uint64_t client = 0;
  std::string name;  // the author
  std::string peer;  // Whisper: the recipient's name
  std::string text;  // Say, Whisper: clean (sanitized) text
  std::string rich;  // ... with its door's formatting, when it differs
  // Join: when the name was first claimed (Redis's clock, µs: names one claim), and the
  // member whose later claim of this name it displaced after Redis lost its state (the
  // earlier claim keeps the name), if any: that member's node, id there and claim's time.
  std::uint64_t since = 0;
  std::string displaced_owner;
  std::uint64_t displaced_client = 0;
  std::uint64_t displaced_since = 0;
};

// The entry's fields. The writer's node is the bus's own field; `owner` is stored only when
// it differs.
bus::EntryFields encode(const LogEvent& event, std::string_view writer);
// nullopt when the entry is not a valid event (unknown kind, bad name, missing field).
std::optional<LogEvent> decode(const bus::LogEntry& entry);

// The start of a line, for "not delivered: ..." (at most `max` bytes, cut on a character).
std::string line_start(std::string_view text, std::size_t max = 40);

}  // namespace cluster
