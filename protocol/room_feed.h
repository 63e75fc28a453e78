// RoomFeed: where the core sends what the whole room hears (a public line, a private line,
// a join, a departure). Standalone (LocalFeed) it goes straight to the Room's members; in a
// cluster (cluster/cluster_feed.h) it goes into the chat's log first, and every node hands
// its own members only what it reads back, so every client sees one order.
#pragma once

#include <string_view>

#include "protocol/chat_event.h"
#include "protocol/client_id.h"

namespace chat {

class Room;

class RoomFeed {
 public:
  virtual ~RoomFeed() = default;
  // `id` has joined the room as `name` and been welcomed: the others are told.
  virtual void joined(ClientId id, std::string_view name) = 0;
  // A public line (clean `text`; `rich`: its door's formatting kept, or empty).
  virtual void said(ClientId id, std::string_view name, std::string_view text, std::string_view rich) = 0;
  // A private line to the member `to` (perhaps on another node), and its echo to `from`.
  virtual void whispered(ClientId from, std::string_view from_name, ClientId to, std::string_view to_name,
                         std::string_view text, std::string_view rich) = 0;
  // `id` has left the room already; `kind` is Left or Disconnected (then `why`).
  virtual void departed(ClientId id, std::string_view name, EventKind kind, Departure why) = 0;
  // Whether a private line to a name this node does not know yet goes to the feed anyway
  // (`to` is then ClientId{}), which decides at the line's place in the chat's order. A
  // cluster does: a user who joined on another node an instant ago is in the room there,
  // and "not connected" must mean connected nowhere.
  virtual bool decides_unknown_recipients() const { return false; }
  // Whether a member who leaves on purpose stays in the room (LEAVING: hearing what comes
  // before its leave) until the feed reports the leave in place (ChatCore::departure_settled).
  // A cluster does: the Bye sits at the leave's place in the chat's order.
  virtual bool departs_later() const { return false; }
};

// One node alone: the room is the whole chat.
class LocalFeed final : public RoomFeed {
 public:
  explicit LocalFeed(Room& room) : room_(room) {}
  void joined(ClientId id, std::string_view name) override;
  void said(ClientId id, std::string_view name, std::string_view text, std::string_view rich) override;
  void whispered(ClientId from, std::string_view from_name, ClientId to, std::string_view to_name,
                 std::string_view text, std::string_view rich) override;
  void departed(ClientId id, std::string_view name, EventKind kind, Departure why) override;

 private:
  Room& room_;
};

}  // namespace chat
