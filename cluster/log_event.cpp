// LogEvent <-> the stream entry's one field `e`: its parts `tag=value`, one per line, with
// the tags k (kind), c (client), a (author), p (peer), x (text), r (rich), o (owner, when not
// the writer), s (a join's claim time), d, dc and ds (a join's displaced member: node,
// client, claim time). One field, not one per part: Redis parses, stores and hands every
// node fewer strings per line (docs/SCALING.md, "Measured costs"). Entries with the parts
// as fields of their own (before 2026-12-04) are read too.
#include "cluster/log_event.h"

#include <algorithm>
#include <charconv>

#include "bus/bus_keys.h"
#include "protocol/names.h"
#include "protocol/sanitize.h"

namespace cluster {
namespace {

constexpr std::string_view kKinds = "jmwlds";  // in LogKind order
// Longer than any line a node accepts (max-line is at most 16 MiB): not an entry of ours.
constexpr std::size_t kMaxField = std::size_t{1} << 24;
constexpr std::string_view kEventField = "e";
constexpr char kPartEnd = '\n';

// What rich text may hold besides printable text: IRC's formatting codes and CTCP's \x01
// (as doors/irc/irc_clean.h keeps them); nothing that ends an IRC line or moves a cursor.
bool is_rich_byte(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c >= 0x20 && c != 0x7f) || c == 0x01 || c == 0x02 || c == 0x03 || c == 0x0f || c == 0x11 || c == 0x16 ||
         c == 0x1d || c == 0x1e || c == 0x1f;
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

struct Seen {
  bool kind = false, client = false, name = false, peer = false, text = false;
};

// One field into `e`; false when its value is not valid for it (the entry is nothing then).
bool read_field(LogEvent& e, Seen& seen, std::string_view field, std::string_view value) {
  if (value.size() > kMaxField) return false;
  if (field == "k") {
    std::size_t at = kKinds.find(value);
    if (value.size() != 1 || at == std::string_view::npos) return false;
    e.kind = static_cast<LogKind>(at);
    seen.kind = true;
  } else if (field == "c" || field == "dc" || field == "s" || field == "ds") {
    auto v = number(value);
    if (!v) return false;
    std::uint64_t& to = field == "c"    ? e.client
                        : field == "dc" ? e.displaced_client
                        : field == "s"  ? e.since
                                        : e.displaced_since;
    to = *v;
    seen.client = seen.client || field == "c";
  } else if (field == "a") {
    e.name = value;
    seen.name = true;
  } else if (field == "o") {
    e.owner = value;
  } else if (field == "d") {
    e.displaced_owner = value;
  } else if (field == "p") {
    e.peer = value;
    seen.peer = true;
  } else if (field == "x") {
    e.text = chat::sanitized(value);
    seen.text = true;
  } else if (field == "r") {
    for (char ch : value)
      if (is_rich_byte(ch)) e.rich.push_back(ch);
  }
  return true;
}

// One part; a line break inside a value (nothing clean has one) would split it: a space.
void put(std::string& out, std::string_view tag, std::string_view value) {
  if (!out.empty()) out.push_back(kPartEnd);
  out.append(tag).push_back('=');
  const std::size_t from = out.size();
  out.append(value);
  std::replace(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), kPartEnd, ' ');
}

// The parts of `e`'s value into `e`; false on a part without its '='.
bool read_parts(LogEvent& e, Seen& seen, std::string_view parts) {
  while (!parts.empty()) {
    const std::size_t end = std::min(parts.find(kPartEnd), parts.size());
    const std::string_view part = parts.substr(0, end);
    parts.remove_prefix(std::min(end + 1, parts.size()));
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos || !read_field(e, seen, part.substr(0, eq), part.substr(eq + 1))) return false;
  }
  return true;
}

}  // namespace

bus::EntryFields encode(const LogEvent& e, std::string_view writer) {
  std::string parts;
  parts.reserve(32 + e.name.size() + e.text.size() + e.rich.size());
  put(parts, "k", std::string_view(&kKinds[static_cast<std::size_t>(e.kind)], 1));
  put(parts, "c", std::to_string(e.client));
  put(parts, "a", e.name);
  if (e.owner != writer) put(parts, "o", e.owner);
  if (e.kind == LogKind::Whisper) put(parts, "p", e.peer);
  if (e.kind == LogKind::Join && e.since != 0) put(parts, "s", std::to_string(e.since));
  if (e.kind == LogKind::Join && !e.displaced_owner.empty()) {
    put(parts, "d", e.displaced_owner);
    put(parts, "dc", std::to_string(e.displaced_client));
    put(parts, "ds", std::to_string(e.displaced_since));
  }
  if (e.kind == LogKind::Say || e.kind == LogKind::Whisper) {
    put(parts, "x", e.text);
    if (!e.rich.empty() && e.rich != e.text) put(parts, "r", e.rich);
  }
  bus::EntryFields f;
  f.emplace_back(std::string(kEventField), std::move(parts));
  return f;
}

std::optional<LogEvent> decode(const bus::LogEntry& entry) {
  LogEvent e;
  e.owner = entry.node;
  Seen seen;
  for (const auto& [field, value] : entry.fields) {
    const bool ok = field == kEventField ? value.size() <= kMaxEventBytes && read_parts(e, seen, value)
                                         : read_field(e, seen, field, value);
    if (!ok) return std::nullopt;
  }
  if (!seen.kind || !seen.client || !seen.name || !chat::is_valid_name(e.name) || !bus::valid_node_name(e.owner))
    return std::nullopt;
  const bool needs_text = e.kind == LogKind::Say || e.kind == LogKind::Whisper;
  if (needs_text && !seen.text) return std::nullopt;
  if (!needs_text) {
    e.text.clear();
    e.rich.clear();
  }
  if (e.kind != LogKind::Whisper) e.peer.clear();
  if (e.kind != LogKind::Join) {
    e.since = 0;
    e.displaced_owner.clear();
  }
  if (!e.displaced_owner.empty() && !bus::valid_node_name(e.displaced_owner)) return std::nullopt;
  if (e.displaced_owner.empty()) {
    e.displaced_client = 0;
    e.displaced_since = 0;
  }
  if (e.kind == LogKind::Whisper && (!seen.peer || !chat::is_valid_name(e.peer))) return std::nullopt;
  return e;
}

std::string line_start(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(text.substr(0, cut)).append("...");
}

}  // namespace cluster
