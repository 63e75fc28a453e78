// ConnectionTable: the connection layer's one table of connections, a slot map. An id names a slot and
// the generation it had when the connection moved in, so a late callback holding the id of a
// connection that left finds nothing, even when a newcomer got its descriptor and its slot.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "net/connection.h"
#include "protocol/client_id.h"

namespace net {

class ConnectionTable {
 public:
  // Takes `c` (whose fd must not be in the table) and sets c->id.
  chat::ClientId insert(std::unique_ptr<Connection> c) {
    std::uint32_t slot = 0;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    Slot& s = slots_[slot];
    c->id = chat::ClientId(slot, s.generation);
    int fd = c->fd();
    if (static_cast<std::size_t>(fd) >= slot_of_fd_.size()) slot_of_fd_.resize(static_cast<std::size_t>(fd) + 1, kNone);
    slot_of_fd_[static_cast<std::size_t>(fd)] = slot;
    s.connection = std::move(c);
    ++size_;
    return s.connection->id;
  }

  // The fan-out's lookup: an index and a compare. Null when the id's connection has left.
  Connection* find(chat::ClientId id) const {
    if (id.slot() >= slots_.size()) return nullptr;
    const Slot& s = slots_[id.slot()];
    return s.generation == id.generation() ? s.connection.get() : nullptr;
  }
  // The poller reports descriptors: which connection holds `fd` now.
  Connection* find_fd(int fd) const {
    if (fd < 0 || static_cast<std::size_t>(fd) >= slot_of_fd_.size()) return nullptr;
    std::uint32_t slot = slot_of_fd_[static_cast<std::size_t>(fd)];
    return slot == kNone ? nullptr : slots_[slot].connection.get();
  }

  // Frees the connection; its id never finds anything again. A slot whose generation would
  // wrap is retired instead of reused, so no id is ever issued twice.
  void erase(chat::ClientId id) {
    if (find(id) == nullptr) return;
    Slot& s = slots_[id.slot()];
    slot_of_fd_[static_cast<std::size_t>(s.connection->fd())] = kNone;
    s.connection.reset();
    --size_;
    if (s.generation == UINT32_MAX) return;
    ++s.generation;
    free_.push_back(id.slot());
  }

  std::size_t size() const { return size_; }

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.connection) f(*s.connection);
  }

  // For tests: the generation the next connection in `slot` gets.
  std::uint32_t generation_of(std::uint32_t slot) const { return slots_[slot].generation; }
  // For tests: makes `slot`'s generation `g`, as if it had been reused that often.
  void set_generation_for_test(std::uint32_t slot, std::uint32_t g) { slots_[slot].generation = g; }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Slot {
    std::unique_ptr<Connection> connection;
    // Starts at 1: ClientId{n} (generation 0), as tests write ids, never names a connection.
    std::uint32_t generation = 1;
  };
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;        // vacant slots, reused last-freed first
  std::vector<std::uint32_t> slot_of_fd_;  // by descriptor: the slot, or kNone
  std::size_t size_ = 0;
};

}  // namespace net
