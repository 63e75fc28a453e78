// Scenarios: who each client slot is (listener, sender, private partner, churner), how fast
// senders send, and the random choices of churn. A slot is a place in the swarm; churn and
// login-storm fill a slot with one bot after another.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "bin/chat_swarm/ledger.h"
#include "bin/chat_swarm/options.h"

namespace swarm {

struct SlotRole {
  bool sends = false;
  Audience audience = Audience::None;
  std::uint32_t peer = 0;         // Audience::Peer: the partner's slot
  bool churns = false;            // joins, talks, leaves and comes back as a new bot
  bool listens = true;            // false: a dedicated sender (pubsub), owed nothing
  std::uint32_t sender_rank = 0;  // place among the sending slots: spreads their send times
  std::uint64_t quota = 0;        // --messages: how many this slot sends (0 when by duration)
};

struct Plan {
  Scenario scenario = Scenario::Fanout;
  std::vector<SlotRole> slots;
  std::uint32_t sending_slots = 0;
  double per_sender_rate = 0;  // messages per second per sending slot
  std::int64_t interval_ns = 0;
  bool by_count = false;        // senders stop after their quota, not after the duration
  bool cycles_logins = false;   // login-storm
  bool closed_loop = false;     // the next message waits for every listener to have the last
  std::uint32_t listeners = 0;  // slots that listen

  // When a sender's k-th message is meant to go out, relative to when it starts sending.
  std::int64_t intended_offset_ns(const SlotRole& role, std::uint64_t k) const {
    return static_cast<std::int64_t>(role.sender_rank) * interval_ns / (sending_slots ? sending_slots : 1) +
           static_cast<std::int64_t>(k) * interval_ns;
  }
};

Plan make_plan(const Options& options);

// How a churning bot leaves.
enum class Departure : std::uint8_t {
  Stay,   // does not leave before the end
  Quit,   // "@sair", then reads until the server closes
  Close,  // vanishes: close() after a barrier
  Reset,  // vanishes: close() with SO_LINGER 0 (a TCP reset) after a barrier
};
std::string_view to_string(Departure d);

// Churn's random choices, reproducible from --seed.
class ChurnDice {
 public:
  explicit ChurnDice(std::uint64_t seed) : rng_(seed) {}
  // How long a churning bot stays once logged in: 1 to 3 s.
  std::int64_t lifetime_ns() { return std::uniform_int_distribution<std::int64_t>(1000, 3000)(rng_) * 1000000; }
  // Half quit politely, a quarter close, a quarter reset.
  Departure departure() {
    switch (std::uniform_int_distribution<int>(0, 3)(rng_)) {
      case 0:
      case 1: return Departure::Quit;
      case 2: return Departure::Close;
      default: return Departure::Reset;
    }
  }
  // The pause before the slot's next bot connects: 0 to 200 ms.
  std::int64_t pause_ns() { return std::uniform_int_distribution<std::int64_t>(0, 200)(rng_) * 1000000; }

 private:
  std::mt19937_64 rng_;
};

}  // namespace swarm
