// The standalone NameRegistry: the room is the whole chat, so it answers at once.
#include "protocol/name_registry.h"

#include "protocol/room.h"

namespace chat {

void LocalNames::claim(ClientId /*id*/, std::string_view name, std::function<void(NameAnswer)> done) {
  done(room_.find(name) ? NameAnswer::Taken : NameAnswer::Granted);
}

}  // namespace chat
