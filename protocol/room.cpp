// Room implementation: dense member array for fan-out, ordered index for names.
#include "protocol/room.h"

#include "protocol/names.h"

namespace chat {

bool Room::join(ClientId id, std::string_view name) {
  if (contains(id)) return false;
  auto [it, inserted] = by_key_.emplace(name_key(name), id);
  if (!inserted) return false;
  slot_of_[id] = members_.size();
  members_.push_back({id, std::string(name)});
  return true;
}

void Room::leave(ClientId id) {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return;
  std::size_t slot = it->second;
  by_key_.erase(name_key(members_[slot].name));
  slot_of_.erase(it);
  if (slot + 1 != members_.size()) {
    members_[slot] = std::move(members_.back());
    slot_of_[members_[slot].id] = slot;
  }
  members_.pop_back();
}

std::optional<ClientId> Room::find(std::string_view name) const {
  auto it = by_key_.find(name_key(name));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::string_view Room::name_of(ClientId id) const {
  auto it = slot_of_.find(id);
  return it == slot_of_.end() ? std::string_view() : std::string_view(members_[it->second].name);
}

std::vector<std::string_view> Room::names(std::size_t limit) const {
  std::vector<std::string_view> out;
  out.reserve(std::min(limit, by_key_.size()));
  for (const auto& [key, id] : by_key_) {
    if (out.size() == limit) break;
    out.push_back(name_of(id));
  }
  return out;
}

void Room::broadcast(const reactor::PayloadRef& line, std::optional<ClientId> except) {
  for (const Member& m : members_) {
    if (except && m.id == *except) continue;
    transport_.deliver(m.id, line);
  }
}

}  // namespace chat
