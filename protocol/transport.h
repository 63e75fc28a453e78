// Transport: how the protocol hands a line to one client. bin/ implements it over sockets;
// tests implement it with a vector. A second transport (another node, another protocol)
// would sit behind the Room, which is the one place deciding who receives a line.
#pragma once

#include <span>

#include "protocol/client_id.h"
#include "reactor/payload.h"

namespace chat {

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues `line` for `to`. Must not call back into the Room or the ChatCore.
  virtual void deliver(ClientId to, const reactor::PayloadRef& line) = 0;
  // Queues `line` for each of `to`, in order. A broadcast makes one call instead of one per
  // member; a transport may override it to skip the per-member dispatch.
  virtual void deliver_all(std::span<const ClientId> to, const reactor::PayloadRef& line) {
    for (ClientId id : to) deliver(id, line);
  }
};

}  // namespace chat
