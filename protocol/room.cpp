// Room implementation: dense member arrays for fan-out, ordered index for names.
#include "protocol/room.h"

#include "protocol/names.h"

namespace chat {

bool Room::join(ClientId id, std::string_view name) {
  if (contains(id)) return false;
  auto [it, inserted] = by_key_.emplace(name_key(name), id);
  if (!inserted) return false;
  slot_of_[id] = ids_.size();
  ids_.push_back(id);
  names_.emplace_back(name);
  return true;
}

void Room::leave(ClientId id) {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return;
  std::size_t slot = it->second;
  by_key_.erase(name_key(names_[slot]));
  slot_of_.erase(it);
  if (slot + 1 != ids_.size()) {  // the last member moves into the hole
    ids_[slot] = ids_.back();
    names_[slot] = std::move(names_.back());
    slot_of_[ids_[slot]] = slot;
  }
  ids_.pop_back();
  names_.pop_back();
}

std::optional<ClientId> Room::find(std::string_view name) const {
  auto it = by_key_.find(name_key(name));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::string_view Room::name_of(ClientId id) const {
  auto it = slot_of_.find(id);
  return it == slot_of_.end() ? std::string_view() : std::string_view(names_[it->second]);
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
  std::span<const ClientId> everyone(ids_);
  auto sender = except ? slot_of_.find(*except) : slot_of_.end();
  if (sender == slot_of_.end()) {
    transport_.deliver_all(everyone, line);
    return;
  }
  // Everyone before the sender, then everyone after: member order, without a test per member.
  transport_.deliver_all(everyone.first(sender->second), line);
  transport_.deliver_all(everyone.subspan(sender->second + 1), line);
}

}  // namespace chat
