// The cluster's log entries (cluster/log_event.h) as anyone with access to Redis could write
// them: fields cut from the input at NUL bytes (name, value, name, value...). An entry is
// either refused or a valid event: its names are names, its text is clean, its rich text
// cannot end an IRC line; encoding it again gives the same event back; applied to a room
// with local and remote members it renders only whole, clean lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/cluster_room.h"
#include "cluster/log_event.h"
#include "protocol/line_dialect.h"
#include "protocol/names.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// PROTOCOL.md "Content hygiene": TAB is the one control byte relayed text keeps.
bool is_clean_byte(char c) { return (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t'; }

struct CheckingTransport : chat::Transport {
  void deliver(chat::ClientId, const reactor::PayloadRef& line) override {
    std::string_view v = line.view();
    FUZZ_CHECK(!v.empty() && v.back() == '\n', "a delivery that is not a whole line");
    FUZZ_CHECK(v.find('\n') == v.size() - 1, "one delivery, several lines");
    for (char c : v.substr(0, v.size() - 1)) FUZZ_CHECK(is_clean_byte(c), "a control byte reached a client");
  }
};

bool same(const cluster::LogEvent& a, const cluster::LogEvent& b) {
  return a.kind == b.kind && a.owner == b.owner && a.client == b.client && a.name == b.name && a.peer == b.peer &&
         a.text == b.text && a.displaced_owner == b.displaced_owner && a.displaced_client == b.displaced_client &&
         a.since == b.since && a.displaced_since == b.displaced_since &&
         (a.rich == b.rich || (a.rich.empty() && b.rich == b.text) || (b.rich.empty() && a.rich == a.text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  bus::LogEntry entry;
  entry.node = "writer";
  std::string_view rest = input;
  while (!rest.empty() && entry.fields.size() < 16) {
    std::size_t cut = rest.find('\0');
    std::string field(rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
    cut = rest.find('\0');
    std::string value(rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
    entry.fields.emplace_back(std::move(field), std::move(value));
  }
  std::optional<cluster::LogEvent> event = cluster::decode(entry);
  if (!event) return 0;
  FUZZ_CHECK(chat::is_valid_name(event->name), "an author that is not a name");
  if (event->kind == cluster::LogKind::Whisper) FUZZ_CHECK(chat::is_valid_name(event->peer), "a bad recipient");
  for (char c : event->text) FUZZ_CHECK(is_clean_byte(c), "unclean text");
  for (char c : event->rich)
    FUZZ_CHECK((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) ||
                   std::string_view("\x01\x02\x03\x0f\x11\x16\x1d\x1e\x1f").find(c) != std::string_view::npos,
               "rich text with a byte no IRC client should get");

  bus::LogEntry again;
  again.node = "writer";
  again.fields = cluster::encode(*event, "writer");
  std::optional<cluster::LogEvent> back = cluster::decode(again);
  FUZZ_CHECK(back && same(*back, *event), "encode(decode(x)) is not x");

  CheckingTransport transport;
  chat::Room room(transport);
  chat::LineDialect lines;
  room.join(chat::ClientId(1, 1), "alice", lines);
  room.join(chat::ClientId(2, 1), "bob", lines);
  cluster::ClusterRoom cluster_room(room, "here");
  cluster_room.apply(*event);
  event->owner = "here";
  event->client = chat::ClientId(1, 1).value();
  cluster_room.apply(*event);
  return 0;
}
