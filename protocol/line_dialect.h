// LineDialect: the line door's rendering of ChatEvents, in the shapes of PROTOCOL.md
// ("[t] <a> x", "[t] [private] <a> x", "[t] * x", "[t] ! x", and the login lines).
#pragma once

#include <string_view>

#include "protocol/dialect.h"
#include "protocol/format.h"

namespace chat {

// The command summary sent on login and for @ajuda.
std::string_view help_text();

class LineDialect final : public Dialect {
 public:
  // `stamp` is "[HH:MM:SS] ", formatted once a second by the caller.
  void set_stamp(const Timestamp& stamp) { stamp_ = stamp; }
  std::string_view stamp() const { return stamp_.view(); }

  reactor::PayloadRef render(const ChatEvent& event) override;

 private:
  Timestamp stamp_;
};

// "Online (N): a, b" with at most `limit` names (then "and K more").
std::string online_list(const Room& room, std::size_t limit);

}  // namespace chat
