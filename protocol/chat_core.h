// ChatCore: the chat itself, for every door. Doors drive it through verbs (authenticate,
// claim_name, say, whisper, list, help, leave) and it answers with ChatEvents through the
// Room, which each door's Dialect renders. It owns the login state machine
// AWAIT_PASSWORD -> AWAIT_NAME -> (CLAIMING_NAME) -> CHATTING; the per-client LoginState is
// kept by the caller, next to its connection, and passed in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/chat_event.h"
#include "protocol/login_state.h"
#include "protocol/name_registry.h"
#include "protocol/room.h"
#include "protocol/room_feed.h"

namespace chat {

// Where the core finds a client again when an answer arrives later (a name claim), by an id
// whose generation tells a departed client from the newcomer in its slot.
class ClientDirectory {
 public:
  virtual ~ClientDirectory() = default;
  // The client's state, or null when `id` names nobody any more.
  virtual LoginState* login_of(ClientId id) = 0;
  // A claim that was pending has been answered (`accepted`: now CHATTING; else AWAIT_NAME
  // again, told why). The door processes the lines it held meanwhile.
  virtual void name_claim_settled(ClientId id, bool accepted) = 0;
  // A leave that was pending (LEAVING) is done: the client has been told goodbye and is
  // GONE; the door closes the connection after flushing.
  virtual void left(ClientId id) = 0;
};

enum class ClaimStatus {
  Accepted,     // CHATTING: welcomed, the others told
  Invalid,      // AWAIT_NAME: not a name (told, prompted again)
  Taken,        // AWAIT_NAME: someone has it (told, prompted again)
  Unavailable,  // AWAIT_NAME: names cannot be checked now (told, prompted again)
  Pending,      // CLAIMING_NAME: the answer comes through ClientDirectory::name_claim_settled
};

class ChatCore {
 public:
  ChatCore(std::string password, Room& room, NameRegistry& names)
      : password_(std::move(password)), room_(room), names_(names), local_feed_(room), feed_(&local_feed_) {}

  // Where room-wide events go (a cluster's log); standalone, straight to the room.
  void set_feed(RoomFeed& feed) { feed_ = &feed; }
  // Needed only with a registry that answers later.
  void set_directory(ClientDirectory* directory) { directory_ = directory; }
  // Settings the server may change while running (SIGHUP): from the next attempt or login on.
  void set_password(std::string password) { password_ = std::move(password); }
  // The message of the day: shown line by line after the welcome. Sanitized here.
  void set_motd(const std::vector<std::string>& lines);
  // Open chat (--open): no password; a new client starts at AWAIT_NAME.
  void set_open(bool open) { open_ = open; }
  bool open() const { return open_; }
  Room& room() { return room_; }
  const std::vector<std::string>& motd() const { return motd_; }
  // Bytes a door writes in its own grammar, outside any event (IRC numerics).
  void send_bytes(ClientId id, const reactor::PayloadRef& bytes) { room_.send_bytes(id, bytes); }

  // A new client of the door whose dialect is `dialect`: AWAIT_PASSWORD, prompted.
  void connect(ClientId id, LoginState& s, Dialect& dialect);
  // AWAIT_PASSWORD: true (AWAIT_NAME, prompted) or false (GONE, told: close the connection).
  bool authenticate(ClientId id, LoginState& s, std::string_view password);
  // AWAIT_NAME: offers `name` (surrounding blanks are not part of it).
  ClaimStatus claim_name(ClientId id, LoginState& s, std::string_view name);
  // CHATTING. `text` and `target` must be clean already (sanitize()); `rich` is the text
  // with its door's formatting kept, when it has any (ChatEvent::rich).
  void say(ClientId id, const LoginState& s, std::string_view text, std::string_view rich = {});
  void whisper(ClientId id, const LoginState& s, std::string_view target, std::string_view text,
               std::string_view rich = {});
  void list(ClientId id, const LoginState& s);
  void help(ClientId id, const LoginState& s);
  // Leaves on purpose (@sair, QUIT): told goodbye, the others told; GONE. With a feed that
  // departs_later(), LEAVING instead: still in the room until departure_settled(id).
  void leave(ClientId id, LoginState& s);
  // The feed has the leave of `id` in place (or gave up on it): goodbye, out of the room,
  // GONE, and the directory's left(id). Nothing for a client that is not LEAVING.
  void departure_settled(ClientId id);
  // Ends a login without a word from the core (the door said why): GONE.
  void abandon_login(ClientId id, LoginState& s);
  // The login took too long: told, GONE.
  void time_out(ClientId id, LoginState& s);
  // The connection is gone; the others are told as `why` says. GONE.
  void disconnect(ClientId id, LoginState& s, Departure why);
  // A member's name was given to an earlier claim while its node was cut off (a cluster
  // whose Redis lost its state): it leaves the room without a notice of its own, is told,
  // and is asked for a new name (AWAIT_NAME). The door sees name_claim_settled(id, false).
  void lose_name(ClientId id, LoginState& s);
  // The server is stopping: tell this client (the caller closes after flushing).
  void shut_down(ClientId id, const LoginState& s);
  // A reply in the client's own dialect (for doors' own errors, and the core's).
  void reply(ClientId id, const LoginState& s, const ChatEvent& event);

 private:
  void settle_claim(ClientId id, LoginState& s, NameAnswer answer);
  void welcome(ClientId id, LoginState& s);
  void prompt_name_again(ClientId id, LoginState& s, EventKind why, std::string_view name);

  std::string password_;
  Room& room_;
  NameRegistry& names_;
  LocalFeed local_feed_;
  RoomFeed* feed_;
  ClientDirectory* directory_ = nullptr;
  bool open_ = false;
  std::vector<std::string> motd_;  // sanitized
  // Set while claim_name() waits for names_.claim() to return: an answer given inside the
  // call completes the claim there, not through the directory.
  bool in_claim_ = false;
  bool answered_in_claim_ = false;
  NameAnswer answer_in_claim_ = NameAnswer::Taken;
};

}  // namespace chat
