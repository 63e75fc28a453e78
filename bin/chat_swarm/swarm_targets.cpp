// The report's per-target part: each target's clients, and the ledger's verdict on what its
// clients sent and what was owed to them.
#include "bin/chat_swarm/swarm.h"

namespace swarm {

void Swarm::build_target_reports(Report& r) {
  r.targets.clear();
  for (std::uint32_t k = 0; k < servers_.size(); ++k) {
    TargetReport t;
    t.target = options_.targets[k].text();
    for (std::uint32_t target : target_of_slot_) t.clients += target == k ? 1 : 0;
    const TargetCounts& counts = per_target_[k];
    t.connected = counts.connected;
    t.logins = counts.logins;
    t.failed = counts.failed;
    std::vector<bool> here(bots_.size(), false);
    for (const auto& bot : bots_) here[bot->id] = bot->target == k;
    t.tally = ledger_.tally(0, &here);
    t.latency = counts.latency.summary();
    t.claim_latency = counts.claim_latency.summary();
    r.targets.push_back(std::move(t));
  }
}

}  // namespace swarm
