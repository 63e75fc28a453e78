// LoginSlots: the connections still logging in (not yet CHATTING), grouped by source
// address, so that admission can cap them in total and per source and, when there is no
// room, pick whom to evict: the oldest connection of the source holding the most. A flood
// from a few addresses thus evicts itself, not the one person logging in from elsewhere.
// Every operation is O(1) (at most one hash lookup).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace net {

class LoginSlots {
 public:
  // `id` (a descriptor, >= 0) must not be present already.
  void add(int id, const std::string& source);
  // Absent: nothing happens, so every way out of logging in may call it.
  void remove(int id);
  bool contains(int id) const;
  std::size_t size() const { return size_; }
  std::size_t count_from(const std::string& source) const;
  std::size_t sources() const { return groups_.size(); }  // sources holding any
  // The oldest connection of the source with the most; -1 when there is none.
  int victim() const;

 private:
  struct Group {
    const std::string* source = nullptr;  // the map's key
    std::size_t count = 0;
    int oldest = -1, newest = -1;            // this source's members, in arrival order
    Group *prev = nullptr, *next = nullptr;  // the other groups of the same count
  };
  struct Member {
    Group* group = nullptr;
    int older = -1, newer = -1;
  };
  void link(Group& g);    // into buckets_[g.count]
  void unlink(Group& g);  // out of buckets_[g.count]

  std::vector<Member> members_;  // by id
  std::unordered_map<std::string, Group> groups_;
  std::vector<Group*> buckets_;  // buckets_[n]: the first group with n members
  std::size_t top_ = 0;          // the largest n whose bucket is not empty (0: none)
  std::size_t size_ = 0;
};

}  // namespace net
