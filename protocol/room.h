// Room: who is in the chat and who receives each line. Every delivery of a chat line goes
// through here, so this is where a bus to other nodes will plug in.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/transport.h"

namespace chat {

class Room {
 public:
  explicit Room(Transport& transport) : transport_(transport) {}

  // False when the name is taken (ignoring case). The name must already be valid.
  bool join(ClientId id, std::string_view name);
  void leave(ClientId id);
  bool contains(ClientId id) const { return slot_of_.contains(id); }

  // The member's name as they chose it, or nullopt.
  std::optional<ClientId> find(std::string_view name) const;
  std::string_view name_of(ClientId id) const;
  std::size_t size() const { return ids_.size(); }

  // Names in case-insensitive alphabetical order; at most `limit` of them.
  std::vector<std::string_view> names(std::size_t limit = SIZE_MAX) const;

  // A public line: to every member except `from`.
  void broadcast(const reactor::PayloadRef& line, std::optional<ClientId> except);
  // A line to one member (private message, reply, error).
  void send_to(ClientId to, const reactor::PayloadRef& line) { transport_.deliver(to, line); }

 private:
  // Members in dense parallel arrays: slot i is ids_[i] called names_[i]. The ids alone go to
  // the transport for a broadcast, in one piece.
  std::vector<ClientId> ids_;
  std::vector<std::string> names_;
  std::unordered_map<ClientId, std::size_t> slot_of_;  // id -> slot
  std::map<std::string, ClientId> by_key_;             // lower-cased name -> id, sorted
  Transport& transport_;
};

}  // namespace chat
