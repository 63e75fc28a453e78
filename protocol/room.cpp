// Room implementation: dense member arrays per door for fan-out, an ordered index for names.
#include "protocol/room.h"

#include "protocol/names.h"

namespace chat {

Room::Group& Room::group_of(Dialect& dialect) {
  for (Group& g : groups_)
    if (g.dialect == &dialect) return g;
  groups_.push_back(Group{&dialect, {}});
  return groups_.back();
}

bool Room::join(ClientId id, std::string_view name, Dialect& dialect) {
  if (contains(id)) return false;
  auto [it, inserted] = by_key_.emplace(name_key(name), id);
  if (!inserted) return false;
  Group& g = group_of(dialect);
  auto group = static_cast<std::uint32_t>(&g - groups_.data());
  place_of_.emplace(id, Place{group, static_cast<std::uint32_t>(g.ids.size()), std::string(name)});
  g.ids.push_back(id);
  return true;
}

void Room::leave(ClientId id) {
  auto it = place_of_.find(id);
  if (it == place_of_.end()) return;
  Place& place = it->second;
  by_key_.erase(name_key(place.name));
  std::vector<ClientId>& ids = groups_[place.group].ids;
  if (place.index + 1 != ids.size()) {  // the group's last member moves into the hole
    ids[place.index] = ids.back();
    place_of_.find(ids[place.index])->second.index = place.index;
  }
  ids.pop_back();
  place_of_.erase(it);
}

std::optional<ClientId> Room::find(std::string_view name) const {
  auto it = by_key_.find(name_key(name));
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::string_view Room::name_of(ClientId id) const {
  auto it = place_of_.find(id);
  return it == place_of_.end() ? std::string_view() : std::string_view(it->second.name);
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

void Room::broadcast(const ChatEvent& event, std::optional<ClientId> except) {
  const Place* sender = nullptr;
  if (except) {
    auto it = place_of_.find(*except);
    if (it != place_of_.end()) sender = &it->second;
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    std::span<const ClientId> members(groups_[g].ids);
    bool has_sender = sender && sender->group == g;
    if (members.size() == (has_sender ? 1u : 0u)) continue;
    reactor::PayloadRef payload = groups_[g].dialect->render(event);
    if (!payload) continue;
    if (!has_sender) {
      transport_.deliver_all(members, payload);
      continue;
    }
    // Everyone before the sender, then everyone after: member order, without a test per member.
    transport_.deliver_all(members.first(sender->index), payload);
    transport_.deliver_all(members.subspan(sender->index + 1), payload);
  }
}

void Room::send_to(ClientId to, const ChatEvent& event) {
  auto it = place_of_.find(to);
  if (it != place_of_.end()) send_to(to, *groups_[it->second.group].dialect, event);
}

void Room::send_to(ClientId to, Dialect& dialect, const ChatEvent& event) {
  reactor::PayloadRef payload = dialect.render(event);
  if (payload) transport_.deliver(to, payload);
}

}  // namespace chat
