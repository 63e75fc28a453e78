// ChatEvent: what the chat core tells clients, before any door has rendered it. The core
// decides who receives an event; each door's Dialect renders it once per recipient group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chat {

class Room;

// Why a client in the room went away without leaving; decides what the others are told.
enum class Departure : std::uint8_t {
  Lost,     // EOF, reset, keepalive: "* alice disconnected"
  TooSlow,  // dropped for not reading: "* alice was disconnected (too slow)"
  Silent,   // server shutdown: nobody is told
};

// Why a line never reached the chat's log (NotDelivered); decides what its sender is told.
enum class Undelivered : std::uint8_t {
  Reconnecting,  // the chat's store is unreachable, did not answer in time, or is being rejoined
  Busy,          // the store is reachable but this node's queue to it is full: try again shortly
};

enum class EventKind : std::uint8_t {
  // Logging in (the client has no name yet).
  PasswordPrompt,
  PasswordWrong,  // then the connection closes
  NamePrompt,
  NameInvalid,      // name: what was offered
  NameTaken,        // name
  NameUnavailable,  // name: names cannot be checked now (a cluster reconnecting to Redis)
  LoginTooLong,     // count: the maximum line; then the connection closes
  LoginTimedOut,    // then the connection closes
  // In the room.
  Welcome,  // name: the newcomer; room: who is online
  Help,
  Motd,          // text: one line of the message of the day
  Public,        // name: sender; text
  Private,       // name: sender; peer: recipient; text (to the recipient)
  PrivateEcho,   // name: sender; peer: recipient; text (to the sender)
  Joined,        // name
  Left,          // name
  Disconnected,  // name; departure
  UserList,      // room
  Goodbye,       // name: who left (to them)
  NotConnected,  // name: who asked; peer: the name nobody has
  LineTooLong,   // count: the maximum line
  // A cluster's news (docs/SCALING.md).
  NotDelivered,  // text: the start of the sender's line, which the chat's log never stored; undelivered
  LinesMissed,   // count: lines this node fell too far behind to deliver
  ChatReset,     // the chat's store came back without its history; names are claimed again
  NameLost,      // name: claimed earlier by someone else while this node was cut off; AWAIT_NAME
  // Replies a dialect makes to its own grammar (the core never sends them).
  PrivateUsage,    // a private message without a user or a text
  UnknownCommand,  // peer: the word that is no command
  // Both: the server is stopping.
  ShuttingDown,
};

struct ChatEvent {
  EventKind kind = EventKind::Help;
  std::string_view name = {};
  std::string_view peer = {};
  std::string_view text = {};
  // The text as its door's users wrote it, IRC formatting included (`text` has none): what
  // an IRC client shows. Empty: the same as `text`.
  std::string_view rich = {};
  const Room* room = nullptr;
  std::size_t count = 0;
  Departure departure = Departure::Lost;
  Undelivered undelivered = Undelivered::Reconnecting;
  bool chatting = false;  // ShuttingDown: whether the recipient was in the room
};

}  // namespace chat
