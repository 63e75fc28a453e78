// RPL_ISUPPORT tokens and lines. Only what the door implements is announced: one channel
// type, no channel modes a client could set, no user prefixes but the operator's '@'.
#include "doors/irc/isupport.h"

#include <array>

#include "doors/irc/irc_message.h"
#include "doors/irc/irc_writer.h"

namespace irc {

std::vector<std::string> isupport_tokens(const IsupportSettings& settings) {
  std::vector<std::string> tokens = {
      "CASEMAPPING=ascii",
      "CHANLIMIT=#:1",
      "CHANMODES=,,,",
      "CHANNELLEN=" + std::to_string(settings.channel_length),
      "CHANTYPES=#",
      "MAXTARGETS=" + std::to_string(settings.max_targets),
      "NICKLEN=" + std::to_string(settings.nick_length),
      "PREFIX=(o)@",
      "TOPICLEN=" + std::to_string(settings.topic_length),
  };
  // A network name with a space or nothing in it would break the token: left out.
  if (!settings.network.empty() && settings.network.find(' ') == std::string::npos)
    tokens.push_back("NETWORK=" + settings.network);
  return tokens;
}

std::vector<reactor::PayloadRef> isupport_lines(std::string_view server, std::string_view nick,
                                                const IsupportSettings& settings) {
  constexpr std::size_t kTokensPerLine = kMaxParams - 2;
  const std::vector<std::string> tokens = isupport_tokens(settings);
  std::vector<reactor::PayloadRef> lines;
  for (std::size_t first = 0; first < tokens.size(); first += kTokensPerLine) {
    std::array<std::string_view, kTokensPerLine + 1> params{};
    std::size_t n = 0;
    for (std::size_t i = first; i < tokens.size() && n < kTokensPerLine; ++i) params[n++] = tokens[i];
    params[n++] = "are supported by this server";
    lines.push_back(numeric_line(server, Numeric::RplIsupport, nick, params.data(), n));
  }
  return lines;
}

}  // namespace irc
