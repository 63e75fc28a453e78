// Scenario plans: turning --scenario, --clients, --senders, --rate and --messages into roles.
#include "bin/chat_swarm/scenario.h"

#include <algorithm>
#include <cmath>

namespace swarm {

std::string_view to_string(Departure d) {
  switch (d) {
    case Departure::Stay: return "stay";
    case Departure::Quit: return "quit";
    case Departure::Close: return "close";
    case Departure::Reset: return "reset";
  }
  return "?";
}

Plan make_plan(const Options& o) {
  Plan plan;
  plan.scenario = o.scenario;
  std::uint32_t n = o.clients;
  plan.slots.resize(n);
  auto send_room = [&](std::uint32_t slot) {
    plan.slots[slot].sends = true;
    plan.slots[slot].audience = Audience::Room;
  };
  switch (o.scenario) {
    case Scenario::Fanout:
      for (std::uint32_t i = 0; i < o.senders.value_or(std::min<std::uint32_t>(10, n)); ++i) send_room(i);
      break;
    case Scenario::Chatter:
      for (std::uint32_t i = 0; i < o.senders.value_or(n); ++i) send_room(i);
      break;
    case Scenario::Private: {
      // Slots 2k and 2k+1 are partners; with an odd count the last slot only listens.
      std::uint32_t paired = n / 2 * 2;
      std::uint32_t senders = o.senders.value_or(paired);
      for (std::uint32_t i = 0; i < paired; ++i) plan.slots[i].peer = i ^ 1u;
      for (std::uint32_t i = 0; i < senders; ++i) {
        plan.slots[i].sends = true;
        plan.slots[i].audience = Audience::Peer;
      }
      break;
    }
    case Scenario::Churn: {
      // The first half (rounded up) stays all along, some of it sending; the rest churns
      // and every churner talks.
      std::uint32_t stayers = n - n / 2;
      for (std::uint32_t i = 0; i < o.senders.value_or(std::min<std::uint32_t>(10, stayers)); ++i) send_room(i);
      for (std::uint32_t i = stayers; i < n; ++i) {
        send_room(i);
        plan.slots[i].churns = true;
      }
      break;
    }
    case Scenario::LoginStorm: plan.cycles_logins = true; break;
    case Scenario::PubSub: {
      // Senders first, on connections of their own (a subscribed Redis connection cannot
      // publish); the same shape in chat mode, where their copies of each other's lines
      // are read but owed to nobody.
      std::uint32_t senders = o.senders.value_or(1);
      plan.slots.resize(n + senders);
      for (std::uint32_t i = 0; i < senders; ++i) {
        send_room(i);
        plan.slots[i].listens = false;
      }
      break;
    }
  }
  for (const SlotRole& r : plan.slots)
    if (r.listens) ++plan.listeners;
  plan.closed_loop = o.closed_loop;
  for (SlotRole& r : plan.slots)
    if (r.sends) r.sender_rank = plan.sending_slots++;
  if (plan.sending_slots > 0 && !plan.closed_loop) {
    plan.per_sender_rate = o.rate / plan.sending_slots;
    plan.interval_ns = static_cast<std::int64_t>(std::llround(1e9 / plan.per_sender_rate));
    if (plan.interval_ns < 1) plan.interval_ns = 1;
  }
  if (o.messages) {
    plan.by_count = true;
    std::uint64_t each = *o.messages / std::max<std::uint32_t>(plan.sending_slots, 1);
    std::uint64_t extra = *o.messages % std::max<std::uint32_t>(plan.sending_slots, 1);
    for (SlotRole& r : plan.slots)
      if (r.sends) r.quota = each + (r.sender_rank < extra ? 1 : 0);
  }
  return plan;
}

}  // namespace swarm
