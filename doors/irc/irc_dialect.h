// IrcDialect: the IRC door's rendering of ChatEvents. The room is one channel; what others
// do arrives as PRIVMSG, JOIN and QUIT from `nick!nick@server`, refusals as numerics. Events
// an IRC client has no use for (prompts, the line door's welcome and help) render as nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "doors/irc/irc_framing.h"
#include "protocol/dialect.h"

namespace irc {

class IrcDialect final : public chat::Dialect {
 public:
  // `framing`: null for a TCP client (lines as written); it must outlive the dialect.
  IrcDialect(std::string server_name, std::string channel, const IrcFraming* framing = nullptr)
      : server_(std::move(server_name)), channel_(std::move(channel)), framing_(framing) {}

  const std::string& server_name() const { return server_; }
  const std::string& channel() const { return channel_; }
  // "nick!nick@server": how every user of every door appears (no addresses are shown).
  std::string prefix_of(std::string_view nick) const;

  reactor::PayloadRef render(const chat::ChatEvent& event) override;
  // `lines` as this dialect's clients receive them (framed, when there is a framing).
  reactor::PayloadRef framed(const reactor::PayloadRef& lines) const {
    return framing_ && lines ? framing_->frame(lines) : lines;
  }

 private:
  reactor::PayloadRef render_lines(const chat::ChatEvent& event) const;
  reactor::PayloadRef closing_link(std::string_view why) const;

  std::string server_;
  std::string channel_;
  const IrcFraming* framing_;
};

// One payload holding every line of `lines`, in order.
reactor::PayloadRef concat(const std::vector<reactor::PayloadRef>& lines);

// `:prefix COMMAND target :text` as many times as it takes: text longer than one IRC line
// allows (a line-door user may send 4096 bytes) is split at UTF-8 boundaries, nothing lost.
reactor::PayloadRef text_lines(std::string_view prefix, std::string_view command, std::string_view target,
                               std::string_view text);

}  // namespace irc
