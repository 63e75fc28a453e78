// Room: who is in the chat and who receives each event. Every delivery goes through here,
// grouped by door: an event is rendered once per door that has recipients, and each group
// gets its members' ids in one call, so a bus to other nodes plugs in at one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/chat_event.h"
#include "protocol/dialect.h"
#include "protocol/transport.h"

namespace chat {

class Room {
 public:
  explicit Room(Transport& transport) : transport_(transport) {}

  // False when the name is taken (ignoring case). The name must already be valid. Events
  // for `id` are rendered by `dialect`, which must outlive its members.
  bool join(ClientId id, std::string_view name, Dialect& dialect);
  void leave(ClientId id);
  bool contains(ClientId id) const { return place_of_.contains(id); }

  std::optional<ClientId> find(std::string_view name) const;
  // The member's name as they chose it, or empty.
  std::string_view name_of(ClientId id) const;
  std::size_t size() const { return place_of_.size(); }

  // Names in case-insensitive alphabetical order; at most `limit` of them.
  std::vector<std::string_view> names(std::size_t limit = SIZE_MAX) const;

  // To every member except `except`.
  void broadcast(const ChatEvent& event, std::optional<ClientId> except);
  // To one member; nothing when `to` is not one.
  void send_to(ClientId to, const ChatEvent& event);
  // To a client who is not (or not yet) a member, in its door's dialect.
  void send_to(ClientId to, Dialect& dialect, const ChatEvent& event);
  // Bytes already rendered, to one client (a door's replies in its own grammar).
  void send_bytes(ClientId to, const reactor::PayloadRef& bytes) { transport_.deliver(to, bytes); }

 private:
  // One door's members in a dense array: the ids go to the transport in one piece.
  struct Group {
    Dialect* dialect;
    std::vector<ClientId> ids;
  };
  struct Place {
    std::uint32_t group;
    std::uint32_t index;
    std::string name;
  };
  Group& group_of(Dialect& dialect);

  std::vector<Group> groups_;                     // one per door that ever had a member (few)
  std::unordered_map<ClientId, Place> place_of_;  // id -> where it is, and its name
  std::map<std::string, ClientId> by_key_;        // lower-cased name -> id, sorted
  Transport& transport_;
};

}  // namespace chat
