// ClusterRoom: log entries become Room membership changes and deliveries to local members.
#include "cluster/cluster_room.h"

#include <algorithm>
#include <charconv>

#include "protocol/names.h"

namespace cluster {
namespace {

chat::ChatEvent event_of(chat::EventKind kind, std::string_view name) {
  chat::ChatEvent e;
  e.kind = kind;
  e.name = name;
  return e;
}

}  // namespace

std::string ClusterRoom::remote_key(std::string_view owner, std::uint64_t client) {
  return std::string(owner).append(1, '|').append(std::to_string(client));
}

bool ClusterRoom::add_remote(std::string_view owner, std::uint64_t client, std::string_view name) {
  const std::string key = remote_key(owner, client);
  if (remote_.contains(key)) return true;
  if (std::optional<chat::ClientId> holder = room_.find(name)) {
    if (!is_remote(*holder)) return false;  // a local member has it: Redis decided for it, this is stale
    forget_remote_named(name);
  }
  chat::ClientId id(next_slot_++, kRemoteGeneration);
  if (room_.join(id, name, silent_)) remote_.emplace(key, id);
  return true;
}

void ClusterRoom::remove_remote(std::string_view owner, std::uint64_t client) {
  auto it = remote_.find(remote_key(owner, client));
  if (it == remote_.end()) return;
  room_.leave(it->second);
  remote_.erase(it);
}

void ClusterRoom::forget_remote_named(std::string_view name) {
  std::optional<chat::ClientId> holder = room_.find(name);
  if (!holder || !is_remote(*holder)) return;
  room_.leave(*holder);
  std::erase_if(remote_, [&](const auto& kv) { return kv.second == *holder; });
}

std::deque<ClusterRoom::Displaced>::iterator ClusterRoom::find_displaced(const LogEvent& e) {
  if (displaced_.empty()) return displaced_.end();
  const std::string key = chat::name_key(e.name);
  return std::find_if(displaced_.begin(), displaced_.end(),
                      [&](const Displaced& d) { return d.client == e.client && d.owner == e.owner && d.key == key; });
}

void ClusterRoom::displace(const LogEvent& e) {
  Displaced d{e.displaced_owner, e.displaced_client, chat::name_key(e.name), e.displaced_since};
  if (displaced_.size() == kDisplacedKept) displaced_.pop_front();
  displaced_.push_back(d);
  std::optional<chat::ClientId> member;
  if (d.owner == node_) {
    member = chat::ClientId::from_value(d.client);
  } else if (auto it = remote_.find(remote_key(d.owner, d.client)); it != remote_.end()) {
    member = it->second;
  }
  const bool here = member && room_.contains(*member) && chat::name_key(room_.name_of(*member)) == d.key;
  const std::string name(here ? room_.name_of(*member) : std::string_view());  // as the displaced typed it
  // Its own node: told and out of the room, or its claim refused.
  if (d.owner == node_ && on_displaced_) on_displaced_(*member, e.name);
  if (!here) return;
  if (room_.contains(*member)) room_.leave(*member);
  if (is_remote(*member)) remote_.erase(remote_key(d.owner, d.client));
  chat::ChatEvent gone = event_of(chat::EventKind::Disconnected, name);
  gone.departure = chat::Departure::Lost;
  room_.broadcast(gone, std::nullopt);
}

void ClusterRoom::forget_all_remote() {
  for (const auto& [key, id] : remote_) room_.leave(id);
  remote_.clear();
}

void ClusterRoom::seed(const std::vector<bus::NameEntry>& names) {
  for (const bus::NameEntry& n : names) {
    std::uint64_t client = 0;
    auto [end, ec] = std::from_chars(n.client.data(), n.client.data() + n.client.size(), client);
    if (n.node == node_ || ec != std::errc() || !chat::is_valid_name(n.display)) continue;
    add_remote(n.node, client, n.display);
  }
}

void ClusterRoom::apply(const LogEvent& e) {
  const chat::ClientId author = chat::ClientId::from_value(e.client);
  if (auto was = find_displaced(e); was != displaced_.end()) {
    if (e.kind != LogKind::Join || e.since == was->since) {
      // An earlier claim took the name: this claim's join, lines and departure are nothing
      // (its leaver still hears Bye).
      if (e.kind == LogKind::Leave && is_mine(e) && on_own_leave_) on_own_leave_(author);
      return;
    }
    displaced_.erase(was);  // the same member claiming the name anew, later
  }
  switch (e.kind) {
    case LogKind::Join: {
      if (!e.displaced_owner.empty()) displace(e);
      bool tell = true;
      if (!is_mine(e))
        tell = add_remote(e.owner, e.client, e.name);
      else if (on_own_join_)
        on_own_join_(author);
      if (tell)
        room_.broadcast(event_of(chat::EventKind::Joined, e.name), is_mine(e) ? std::optional(author) : std::nullopt);
      return;
    }
    case LogKind::Say: {
      chat::ChatEvent line = event_of(chat::EventKind::Public, e.name);
      line.text = e.text;
      line.rich = e.rich;
      room_.broadcast(line, is_mine(e) ? std::optional(author) : std::nullopt);
      return;
    }
    case LogKind::Whisper: {
      std::optional<chat::ClientId> to = room_.find(e.peer);
      chat::ChatEvent line = event_of(chat::EventKind::Private, e.name);
      line.text = e.text;
      line.rich = e.rich;
      line.peer = to ? room_.name_of(*to) : std::string_view(e.peer);
      if (to && !is_remote(*to)) room_.send_to(*to, line);
      if (!is_mine(e) || !room_.contains(author)) return;
      if (!to)
        line.kind = chat::EventKind::NotConnected;  // gone between the line and its turn
      else
        line.kind = chat::EventKind::PrivateEcho;
      room_.send_to(author, line);
      return;
    }
    case LogKind::Leave:
    case LogKind::Disconnect:
    case LogKind::TooSlow: {
      if (!is_mine(e))
        remove_remote(e.owner, e.client);
      else if (e.kind == LogKind::Leave && on_own_leave_)
        on_own_leave_(author);
      chat::ChatEvent gone =
          event_of(e.kind == LogKind::Leave ? chat::EventKind::Left : chat::EventKind::Disconnected, e.name);
      gone.departure = e.kind == LogKind::TooSlow ? chat::Departure::TooSlow : chat::Departure::Lost;
      room_.broadcast(gone, std::nullopt);
      return;
    }
  }
}

}  // namespace cluster
