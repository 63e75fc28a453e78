// Transport: how the protocol hands a line to one client. bin/ implements it over sockets;
// tests implement it with a vector. A second transport (another node, another protocol)
// would sit behind the Room, which is the one place deciding who receives a line.
#pragma once

#include <cstdint>

#include "reactor/payload.h"

namespace chat {

using ClientId = std::uint32_t;

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues `line` for `to`. Must not call back into the Room or ChatService.
  virtual void deliver(ClientId to, const reactor::PayloadRef& line) = 0;
};

}  // namespace chat
