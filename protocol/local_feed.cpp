// LocalFeed: the room-wide events of one node alone, straight to the Room.
#include "protocol/room.h"
#include "protocol/room_feed.h"

namespace chat {

void LocalFeed::joined(ClientId id, std::string_view name) {
  ChatEvent e;
  e.kind = EventKind::Joined;
  e.name = name;
  room_.broadcast(e, id);
}

void LocalFeed::said(ClientId id, std::string_view name, std::string_view text, std::string_view rich) {
  ChatEvent e;
  e.kind = EventKind::Public;
  e.name = name;
  e.text = text;
  e.rich = rich;
  room_.broadcast(e, id);
}

void LocalFeed::whispered(ClientId from, std::string_view from_name, ClientId to, std::string_view to_name,
                          std::string_view text, std::string_view rich) {
  ChatEvent e;
  e.kind = EventKind::Private;
  e.name = from_name;
  e.peer = to_name;
  e.text = text;
  e.rich = rich;
  room_.send_to(to, e);
  e.kind = EventKind::PrivateEcho;
  room_.send_to(from, e);
}

void LocalFeed::departed(ClientId /*id*/, std::string_view name, EventKind kind, Departure why) {
  if (kind == EventKind::Disconnected && why == Departure::Silent) return;
  ChatEvent e;
  e.kind = kind;
  e.name = name;
  e.departure = why;
  room_.broadcast(e, std::nullopt);
}

}  // namespace chat
