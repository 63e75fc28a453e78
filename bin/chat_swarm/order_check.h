// The one-order check (docs/LOAD_TESTING.md, "One order"): in one chat, however many nodes
// serve it, every receiver sees the public lines of all senders in one interleaving. Each
// receiver's first copies of public lines are kept in arrival order (4 bytes a delivery);
// at the end a reference order is built from the two receivers that got the most (the
// second fills in what the first could not see, such as its own lines), and every
// receiver's sequence must be a subsequence of it. Lines neither reference got are not
// placed, so they cannot count against anyone.
#pragma once

#include <cstdint>
#include <vector>

#include "bin/chat_swarm/ledger.h"

namespace swarm {

struct OrderVerdict {
  std::uint64_t receivers = 0;  // receivers that got at least one public line
  std::uint64_t differing = 0;  // of them, how many saw an order the reference contradicts
  BotId reference = 0;          // the receiver the reference order mostly comes from
  BotId first_differing = 0;    // valid when differing > 0
  bool complete = true;         // false: the run delivered more than could be recorded
};

class OrderCheck {
 public:
  // Past this many recorded deliveries (1 GiB) later lines are not recorded.
  static constexpr std::uint64_t kMaxRecorded = std::uint64_t{1} << 28;

  // A first copy of a public line, numbered by the order it was sent in the whole run.
  void observe(BotId receiver, std::uint32_t line);
  OrderVerdict verdict() const;

 private:
  std::vector<std::vector<std::uint32_t>> traces_;  // by receiver
  std::uint32_t lines_ = 0;                         // highest line number seen, plus one
  std::uint64_t recorded_ = 0;
  bool complete_ = true;
};

}  // namespace swarm
