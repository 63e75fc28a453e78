// NameRegistry: who decides that a name is free. Standalone, the room itself, at once; in a
// cluster, Redis, later. So claiming a name is asynchronous (PROTOCOL.md "Names").
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "protocol/client_id.h"

namespace chat {

class Room;

// A registry's answer to a claim.
enum class NameAnswer : std::uint8_t {
  Granted,
  Taken,        // someone has it
  Unavailable,  // it cannot be decided now (a cluster cut off from Redis): try again later
};

class NameRegistry {
 public:
  virtual ~NameRegistry() = default;
  // Asks for `name` (valid) for `id`; `done(answer)` is called once, before claim() returns
  // or later from the event loop, unless cancel(id) came first.
  virtual void claim(ClientId id, std::string_view name, std::function<void(NameAnswer)> done) = 0;
  // The claim of `id` no longer matters (it left): its answer is not wanted.
  virtual void cancel(ClientId id) = 0;
  // `id` gave up `name`, which it held.
  virtual void release(ClientId id, std::string_view name) = 0;
  // A grant nobody could take (the client was gone, or the room refused it): `id` never
  // joined under `name`. A registry that announced the join already (a cluster's log) says
  // it went; otherwise the same as release().
  virtual void discard(ClientId id, std::string_view name) { release(id, name); }
};

// One node alone: a name is free when nobody in the room has it.
class LocalNames final : public NameRegistry {
 public:
  explicit LocalNames(const Room& room) : room_(room) {}
  void claim(ClientId id, std::string_view name, std::function<void(NameAnswer)> done) override;
  void cancel(ClientId /*id*/) override {}
  void release(ClientId /*id*/, std::string_view /*name*/) override {}

 private:
  const Room& room_;
};

}  // namespace chat
