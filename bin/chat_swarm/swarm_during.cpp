// --during-run: starting the command at its second, watching for its end, and the report's
// before / during / after split of the same truth accounting.
#include <algorithm>
#include <cstdio>

#include "bin/chat_swarm/swarm.h"

namespace swarm {
namespace {
constexpr auto kPollEvery = std::chrono::milliseconds(20);
constexpr const char* kPhaseNames[3] = {"before", "during", "after"};
}  // namespace

void Swarm::start_during() {
  during_timer_ = {};
  std::string error;
  if (!during_->start(now_ns(), error)) {
    count_error("--during-run: " + error);
    return;
  }
  if (options_.progress)
    (void)std::fprintf(stderr, "chat-swarm: --during-run started: %s\n", during_->command().c_str());
  during_timer_ = loop_->add_timer(kPollEvery, [this] { poll_during(); });
}

void Swarm::poll_during() {
  during_timer_ = {};
  if (!during_->poll(now_ns())) {
    during_timer_ = loop_->add_timer(kPollEvery, [this] { poll_during(); });
    return;
  }
  if (options_.progress)
    (void)std::fprintf(stderr, "chat-swarm: --during-run %s after %.2f s\n", during_->outcome().c_str(),
                       static_cast<double>(during_->ended_ns() - during_->started_ns()) / 1e9);
}

// "During" lasts --during-for from the command's start, and longer if the command does.
std::int64_t Swarm::during_end_ns() const {
  const std::int64_t span_end = during_at_ns_ + static_cast<std::int64_t>(options_.during_for_s * 1e9);
  if (!during_ || !during_->started()) return span_end;
  if (during_->running()) return INT64_MAX;
  return std::max(span_end, during_->ended_ns() < 0 ? span_end : during_->ended_ns());
}

std::size_t Swarm::phase_of(std::int64_t queued_ns) const {
  if (queued_ns < during_at_ns_) return 0;
  return queued_ns < during_end_ns() ? 1 : 2;
}

void Swarm::build_phase_reports(Report& r) {
  if (!during_) return;
  r.during.command = during_->command();
  r.during.at_s = options_.during_at_s;
  r.during.started = during_->started();
  r.during.outcome = during_->started() ? during_->outcome() : "not run: the run ended first";
  if (during_->started() && during_->ended_ns() >= 0)
    r.during.ran_s = static_cast<double>(during_->ended_ns() - during_->started_ns()) / 1e9;
  if (during_->started() && !during_->succeeded())
    r.warnings.push_back("--during-run " + r.during.outcome + ": " + r.during.command);
  const std::int64_t bounds[4] = {INT64_MIN, during_at_ns_, during_end_ns(), INT64_MAX};
  for (std::size_t p = 0; p < 3; ++p) {
    PhaseReport phase;
    phase.name = kPhaseNames[p];
    auto seconds = [this](std::int64_t at) {
      const std::int64_t clamped = std::clamp(at, send_start_ns_, std::max(send_start_ns_, send_end_ns_));
      return static_cast<double>(clamped - send_start_ns_) / 1e9;
    };
    phase.from_s = seconds(bounds[p]);
    phase.to_s = seconds(bounds[p + 1]);
    const TimeSlice slice{bounds[p], bounds[p + 1]};
    phase.tally = ledger_.tally(0, nullptr, &slice);
    phase.latency = phase_latency_[p].summary();
    r.during.phases.push_back(std::move(phase));
  }
}

}  // namespace swarm
