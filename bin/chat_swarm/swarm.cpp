// Swarm phases: ramp-up, open-loop or closed-loop sending, churn, draining, and the report.
#include "bin/chat_swarm/swarm.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "reactor/poller.h"

namespace swarm {
namespace {

constexpr std::size_t kSpawnBatch = 256;  // connects per loop pass, so reading never starves
constexpr auto kDrainPoll = std::chrono::milliseconds(5);

reactor::Clock::duration ns(std::int64_t v) { return std::chrono::nanoseconds(v < 0 ? 0 : v); }

}  // namespace

Swarm::Swarm(const Options& options, Plan plan, std::vector<Address> servers, std::vector<Address> sources,
             std::uint64_t descriptor_limit)
    : options_(options),
      plan_(std::move(plan)),
      servers_(std::move(servers)),
      target_of_slot_(deal_clients(options.targets, static_cast<std::uint32_t>(plan_.slots.size()))),
      sources_(std::move(sources)),
      max_socket_fd_(static_cast<int>(std::min<std::uint64_t>(descriptor_limit, INT32_MAX)) - kReservedDescriptors),
      prefix_(options.name_prefix.empty() ? std::string("sw") + std::to_string(getpid() % 100000) + "_"
                                          : options.name_prefix),
      channel_(options.channel.empty() ? prefix_ + "room" : options.channel),
      irc_channel_(options.channel.empty() ? "#chat" : options.channel),
      connect_bucket_(options.connect_rate, std::max(1.0, options.connect_rate / 100)),
      dice_(options.seed),
      per_target_(servers_.size()) {
  if (!options.during_run.empty()) during_ = std::make_unique<DuringRun>(options.during_run);
  ledger_.set_nodes(static_cast<std::uint16_t>(std::min<std::size_t>(servers_.size(), UINT16_MAX)));
}

Swarm::~Swarm() {
  for (const auto& bot : bots_)
    if (bot->stream.attached()) ::close(bot->stream.fd());
}

std::int64_t Swarm::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(reactor::Clock::now() - epoch_).count();
}

const char* Swarm::phase_name() const {
  switch (phase_) {
    case Phase::Connecting: return "connecting";
    case Phase::Sending: return plan_.cycles_logins ? "storming" : "sending";
    case Phase::Draining: return "draining";
    case Phase::Done: return "done";
  }
  return "?";
}

bool Swarm::run(Report& report, std::string& error) {
  auto poller = reactor::make_poller(reactor::available_backends().front());
  if (!poller) {
    error = "cannot create the readiness backend";
    return false;
  }
  loop_ = std::make_unique<reactor::EventLoop>(std::move(poller));
  if (!loop_->handle_signals({SIGINT, SIGTERM}, [this](int signo) { on_signal(signo); })) {
    error = "cannot install signal handlers";
    return false;
  }
  loop_->set_before_sleep([this] { flush_all(); });
  read_buffer_.resize(std::size_t{64} * 1024);
  epoch_ = reactor::Clock::now();
  pacer_ = std::make_unique<Pacer>(*loop_, epoch_,
                                   [this](std::uint32_t id, std::uint32_t generation) { send_due(id, generation); });

  if (plan_.cycles_logins) {
    phase_ = Phase::Sending;  // a login storm has no ramp-up: logging in is the load
    send_start_ns_ = 0;
    if (!options_.logins)
      end_timer_ = loop_->add_timer(ns(static_cast<std::int64_t>(options_.duration_s * 1e9)), [this] {
        end_timer_ = {};
        stop_sending();
      });
  } else {
    ready_timer_ = loop_->add_timer(ns(static_cast<std::int64_t>(options_.ready_timeout_s * 1e9)), [this] {
      ready_timer_ = {};
      ready_deadline();
    });
  }
  std::uint64_t first_wave = plan_.slots.size();
  if (plan_.cycles_logins && options_.logins) first_wave = std::min<std::uint64_t>(first_wave, *options_.logins);
  for (std::uint32_t slot = 0; slot < first_wave; ++slot) connect_queue_.push_back(slot);
  spawn_tick();
  progress_timer_ = loop_->add_timer(std::chrono::seconds(1), [this] { progress_tick(); });
  last_progress_.at_ns = now_ns();

  if (!loop_->run()) {
    error = std::string("event loop failed: ") + std::strerror(errno);
    return false;
  }
  run_s_ = static_cast<double>(now_ns()) / 1e9;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0)
    run_cpu_s_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  build_report(report);
  return true;
}

// ---- ramp-up ---------------------------------------------------------------------------

void Swarm::queue_connect(std::uint32_t slot, std::int64_t after_ns) {
  auto push = [this, slot] {
    if (phase_ != Phase::Sending) return;
    if (plan_.cycles_logins && options_.logins && spawned_ + connect_queue_.size() >= *options_.logins) return;
    connect_queue_.push_back(slot);
    if (!spawn_timer_) spawn_timer_ = loop_->add_timer(ns(0), [this] { spawn_tick(); });
  };
  if (after_ns <= 0) {
    push();
  } else {
    loop_->add_timer(ns(after_ns), push);
  }
}

void Swarm::spawn_tick() {
  spawn_timer_ = {};
  std::size_t started = 0;
  while (!connect_queue_.empty() && started < kSpawnBatch) {
    if (!connect_bucket_.try_take(reactor::Clock::now())) break;
    std::uint32_t slot = connect_queue_.front();
    connect_queue_.pop_front();
    spawn(slot);
    ++started;
  }
  if (connect_queue_.empty() || spawn_timer_) return;  // a failed connect may have re-armed it
  auto wait =
      started == kSpawnBatch ? reactor::Clock::duration::zero() : connect_bucket_.wait_for_token(reactor::Clock::now());
  spawn_timer_ = loop_->add_timer(wait, [this] { spawn_tick(); });
}

// An initial bot is in the room, or will never be: once all are, sending starts.
void Swarm::initial_settled(Bot& bot) {
  if (!bot.initial) return;
  bot.initial = false;
  ++initial_settled_;
  if (phase_ == Phase::Connecting && initial_settled_ == plan_.slots.size()) start_sending();
}

void Swarm::ready_deadline() {
  if (phase_ != Phase::Connecting) return;
  std::string why = "not logged in within --ready-timeout";
  while (!connect_queue_.empty()) {  // never even started: count each, drop none silently
    count_failure(target_of_slot_[connect_queue_.front()]);
    connect_queue_.pop_front();
    count_error(why + " (never connected)");
    ++initial_settled_;
  }
  for (std::size_t i = 0; i < bots_.size() && phase_ == Phase::Connecting; ++i) {
    Bot& bot = *bots_[i];
    if (bot.initial && is_open(bot.state)) fail(bot, why);
  }
  if (phase_ == Phase::Connecting) start_sending();
}

// ---- draining --------------------------------------------------------------------------

void Swarm::stop_sending() {
  if (phase_ == Phase::Draining || phase_ == Phase::Done) return;
  bool was_sending = phase_ == Phase::Sending;
  phase_ = Phase::Draining;
  send_end_ns_ = now_ns();
  loop_->cancel_timer(end_timer_);
  loop_->cancel_timer(ready_timer_);
  loop_->cancel_timer(spawn_timer_);
  connect_queue_.clear();
  for (const auto& b : bots_) {
    Bot& bot = *b;
    // Duration mode: what was meant for before the end still goes out (unless interrupted).
    if (was_sending && bot.sending && !interrupted_ && !plan_.by_count && !plan_.closed_loop &&
        bot.state == BotState::Chatting) {
      for (;;) {
        std::int64_t intended = bot.send_start_ns + plan_.intended_offset_ns(*bot.role, bot.sent);
        if (intended >= end_ns_ || intended > send_end_ns_) break;
        send_message(bot, intended);
      }
    }
    bot.sending = false;
    ++bot.send_generation;
    loop_->cancel_timer(bot.life_timer);
    // Replacements still logging in are not needed any more; the login storm lets its
    // logins finish, since they are what it measures.
    bool logging_in = is_open(bot.state) && !in_room(bot.state);
    if (logging_in && !plan_.cycles_logins) {
      if (bot.initial) {
        count_failure(bot.target);
        count_error(interrupted_ ? "interrupted while logging in" : "not logged in when sending ended");
        initial_settled(bot);
      }
      close_socket(bot, false);
      set_state(bot, BotState::Closed);
    }
  }
  ledger_.begin_drain();
  drain_deadline_ = loop_->add_timer(ns(static_cast<std::int64_t>(options_.drain_timeout_s * 1e9)), [this] {
    drain_deadline_ = {};
    drain_timed_out_ = true;
    finish();
  });
  check_drained();
}

void Swarm::check_drained() {
  drain_timer_ = {};
  if (phase_ != Phase::Draining) return;
  // A --during-run command still running (a node restarting) is waited for, within the drain
  // deadline, so what follows it is measured too.
  bool done = ledger_.drain_pending() == 0 && departing_ == 0 && !(during_ && during_->running());
  if (plan_.cycles_logins) done = open_ == 0;
  if (done) {
    if (options_.hold_s > 0 && !held_after_ && !interrupted_) {
      held_after_ = true;
      loop_->cancel_timer(drain_deadline_);
      hold("drained", [this] { finish(); });
      return;
    }
    finish();
    return;
  }
  drain_timer_ = loop_->add_timer(kDrainPoll, [this] { check_drained(); });
}

void Swarm::finish() {
  if (phase_ == Phase::Done) return;
  if (phase_ != Phase::Draining) send_end_ns_ = now_ns();
  phase_ = Phase::Done;
  for (reactor::TimerId* t : {&spawn_timer_, &ready_timer_, &end_timer_, &drain_timer_, &drain_deadline_,
                              &progress_timer_, &hold_timer_, &during_timer_})
    loop_->cancel_timer(*t);
  if (during_ && during_->running()) {
    during_->poll(now_ns());
    during_->stop();
  }
  for (auto& b : bots_) {
    ++b->send_generation;
    loop_->cancel_timer(b->life_timer);
    if (b->stream.attached()) {
      close_socket(*b, false);
      set_state(*b, BotState::Closed);
    }
  }
  if (options_.progress) progress_tick();
  loop_->stop();
}

void Swarm::on_signal(int /*signo*/) {
  if (interrupted_ || phase_ == Phase::Draining) {
    interrupted_ = true;
    finish();
    return;
  }
  interrupted_ = true;
  if (phase_ == Phase::Connecting) initial_settled_ = plan_.slots.size();
  stop_sending();
}

// ---- progress and report ---------------------------------------------------------------

void Swarm::progress_tick() {
  progress_timer_ = {};
  std::int64_t now = now_ns();
  double dt = static_cast<double>(now - last_progress_.at_ns) / 1e9;
  if (dt <= 0) dt = 1;
  ProgressSample s;
  s.elapsed_s = static_cast<double>(now) / 1e9;
  s.phase = phase_name();
  s.connected = open_ - connecting_;
  s.ready = in_room_;
  s.sent = sent_;
  s.delivered = delivered_;
  s.errors = error_total_;
  s.send_rate = static_cast<double>(sent_ - last_progress_.sent) / dt;
  s.deliver_rate = static_cast<double>(delivered_ - last_progress_.delivered) / dt;
  s.login_rate = static_cast<double>(logins_ - last_progress_.logins) / dt;
  last_progress_ = {sent_, delivered_, logins_, now};
  if (options_.progress) {
    std::string line = format_progress(s) + "\n";
    (void)std::fputs(line.c_str(), stderr);
  }
  if (phase_ != Phase::Done) progress_timer_ = loop_->add_timer(std::chrono::seconds(1), [this] { progress_tick(); });
}

void Swarm::build_report(Report& r) {
  r.scenario = std::string(to_string(options_.scenario));
  r.proto = std::string(to_string(options_.targets.front().proto.value_or(options_.proto)));
  for (const Target& t : options_.targets)
    if (t.proto.value_or(options_.proto) != options_.targets.front().proto.value_or(options_.proto)) r.proto = "mixed";
  r.closed_loop = plan_.closed_loop;
  r.listeners = plan_.listeners;
  for (const Target& t : options_.targets) r.target.append(r.target.empty() ? "" : ",").append(t.text());
  r.clients = static_cast<std::uint32_t>(plan_.slots.size());
  r.senders = plan_.sending_slots;
  r.rate_total = plan_.sending_slots && !plan_.closed_loop ? options_.rate : 0;
  r.rate_per_sender = plan_.per_sender_rate;
  r.duration_s = options_.messages || options_.logins ? 0 : options_.duration_s;
  r.messages_target = options_.messages.value_or(0);
  r.logins_target = options_.logins.value_or(0);
  r.size = options_.size;
  r.connect_rate = options_.connect_rate;
  r.pipeline = options_.pipeline;
  r.source_ips = static_cast<std::uint32_t>(sources_.size());

  r.connect_attempts = connect_attempts_;
  r.connected = connected_;
  r.logins = logins_;
  r.failed = failed_;
  r.ready = initial_ready_;
  if (initial_ready_ && first_connect_ns_ >= 0)
    r.ready_s = static_cast<double>(last_initial_ready_ns_ - first_connect_ns_) / 1e9;
  if (plan_.cycles_logins) {
    double storm = static_cast<double>(send_end_ns_) / 1e9;
    r.login_rate = storm > 0 ? static_cast<double>(logins_) / storm : 0;
  } else {
    r.login_rate = r.ready_s > 0 ? static_cast<double>(initial_ready_) / r.ready_s : 0;
  }
  r.login_latency = login_latency_.summary();
  r.claim_latency = claim_latency_.summary();
  r.churn_bots = churn_bots_;
  r.departures = departures_;

  r.send_s = plan_.cycles_logins ? 0 : static_cast<double>(send_end_ns_ - send_start_ns_) / 1e9;
  if (r.send_s < 0) r.send_s = 0;
  r.tally = ledger_.tally(10);
  r.corrupted = corrupted_;
  r.foreign = foreign_;
  for (const StreamProblem& p : r.tally.problems)
    r.problems.push_back(describe_problem(p, bots_[p.receiver]->name, bots_[p.sender]->name));
  OrderVerdict order = order_.verdict();
  r.order.checked = order.receivers;
  r.order.differing = order.differing;
  r.order.complete = order.complete;
  if (order.receivers) r.order.reference = bots_[order.reference]->name;
  if (order.differing) r.order.example = bots_[order.first_differing]->name;
  build_target_reports(r);
  build_phase_reports(r);
  r.latency = latency_.summary();
  r.latency_write = latency_write_.summary();
  r.send_lag = send_lag_.summary();
  r.errors = errors_;
  r.error_total = error_total_;
  r.interrupted = interrupted_;
  r.drain_timed_out = drain_timed_out_;
  r.elapsed_s = run_s_;
  r.cpu_s = run_cpu_s_;
  judge(r);
}

}  // namespace swarm
