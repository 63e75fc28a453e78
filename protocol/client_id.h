// ClientId: who a line is for, as the protocol sees it. Never a descriptor: a slot in the
// server's connection table plus that slot's generation, so an id outlives nothing it named.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace chat {

class ClientId {
 public:
  constexpr ClientId() = default;
  // Not explicit, so that tests can say `connect(1)`: the slot, generation 0. The server only
  // ever holds ids its table issued (generation 1 and up), never ones made from a number.
  // cppcheck-suppress noExplicitConstructor ; on purpose, as above
  constexpr ClientId(std::uint32_t slot, std::uint32_t generation = 0) : slot_(slot), generation_(generation) {}

  constexpr std::uint32_t slot() const { return slot_; }
  constexpr std::uint32_t generation() const { return generation_; }
  // One number for hashing and for a node to qualify with its own (see docs/ARCHITECTURE.md).
  constexpr std::uint64_t value() const { return (std::uint64_t{generation_} << 32) | slot_; }

  // The inverse of value(): an id that another node's log entry names again.
  static constexpr ClientId from_value(std::uint64_t v) {
    return ClientId(static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(v >> 32));
  }

  friend constexpr bool operator==(ClientId, ClientId) = default;
  friend constexpr auto operator<=>(ClientId, ClientId) = default;

 private:
  std::uint32_t slot_ = 0;
  std::uint32_t generation_ = 0;
};

// "slot.generation", for logs and test messages.
inline std::string to_string(ClientId id) { return std::to_string(id.slot()) + "." + std::to_string(id.generation()); }

inline std::ostream& operator<<(std::ostream& out, ClientId id) { return out << to_string(id); }

}  // namespace chat

template <>
struct std::hash<chat::ClientId> {
  std::size_t operator()(chat::ClientId id) const noexcept { return std::hash<std::uint64_t>{}(id.value()); }
};
