// RPL_ISUPPORT (005): the tokens that tell a client the server's rules (names, channels,
// case mapping), split into lines that fit IRC's 512 bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/payload.h"

namespace irc {

struct IsupportSettings {
  std::string network;              // NETWORK=
  std::size_t nick_length = 24;     // the chat's name rule (protocol/names.h)
  std::size_t channel_length = 50;  // CHANNELLEN=
  std::size_t topic_length = 390;   // TOPICLEN=
  std::size_t max_targets = 1;      // PRIVMSG/NOTICE take one target
};

// "CASEMAPPING=ascii", "CHANTYPES=#", ...: one token each, in the order they are sent.
std::vector<std::string> isupport_tokens(const IsupportSettings& settings);

// `:server 005 nick TOKEN... :are supported by this server`, at most 13 tokens a line
// (15 parameters with the nick and the trailing text).
std::vector<reactor::PayloadRef> isupport_lines(std::string_view server, std::string_view nick,
                                                const IsupportSettings& settings);

}  // namespace irc
