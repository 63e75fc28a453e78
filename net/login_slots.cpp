// LoginSlots: per-source arrival lists, and the sources bucketed by how many they hold, so
// that the largest is always at hand (counts change by one at a time).
#include "net/login_slots.h"

namespace net {

void LoginSlots::link(Group& g) {
  if (buckets_.size() <= g.count) buckets_.resize(g.count + 1, nullptr);
  g.prev = nullptr;
  g.next = buckets_[g.count];
  if (g.next) g.next->prev = &g;
  buckets_[g.count] = &g;
}

void LoginSlots::unlink(Group& g) {
  if (g.prev) {
    g.prev->next = g.next;
  } else {
    buckets_[g.count] = g.next;
  }
  if (g.next) g.next->prev = g.prev;
  g.prev = g.next = nullptr;
}

void LoginSlots::add(int id, const std::string& source) {
  if (id < 0 || contains(id)) return;
  auto [it, inserted] = groups_.try_emplace(source);
  Group& g = it->second;
  if (inserted) g.source = &it->first;
  if (g.count > 0) unlink(g);
  ++g.count;
  link(g);
  if (g.count > top_) top_ = g.count;

  if (static_cast<std::size_t>(id) >= members_.size()) members_.resize(static_cast<std::size_t>(id) + 1);
  Member& m = members_[static_cast<std::size_t>(id)];
  m = {&g, g.newest, -1};
  if (g.newest >= 0) members_[static_cast<std::size_t>(g.newest)].newer = id;
  g.newest = id;
  if (g.oldest < 0) g.oldest = id;
  ++size_;
}

void LoginSlots::remove(int id) {
  if (!contains(id)) return;
  Member& m = members_[static_cast<std::size_t>(id)];
  Group& g = *m.group;
  if (m.older >= 0) {
    members_[static_cast<std::size_t>(m.older)].newer = m.newer;
  } else {
    g.oldest = m.newer;
  }
  if (m.newer >= 0) {
    members_[static_cast<std::size_t>(m.newer)].older = m.older;
  } else {
    g.newest = m.older;
  }
  m = {};
  --size_;

  unlink(g);
  // The bucket just left was the top one only if g was at the top; g is now one below it.
  if (g.count == top_ && !buckets_[top_]) --top_;
  if (--g.count > 0) {
    link(g);
    return;
  }
  std::string source = *g.source;  // a copy: erasing by the node's own key would read freed memory
  groups_.erase(source);
}

bool LoginSlots::contains(int id) const {
  return id >= 0 && static_cast<std::size_t>(id) < members_.size() &&
         members_[static_cast<std::size_t>(id)].group != nullptr;
}

std::size_t LoginSlots::count_from(const std::string& source) const {
  auto it = groups_.find(source);
  return it == groups_.end() ? 0 : it->second.count;
}

int LoginSlots::victim() const { return top_ == 0 ? -1 : buckets_[top_]->oldest; }

}  // namespace net
