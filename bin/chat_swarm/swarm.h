// Swarm: one event loop driving every bot through the run's phases:
//   Connecting (ramp-up until every client is in the room) -> Sending (open-loop schedules or
//   closed loop, churn) -> Draining (until every owed line arrived, or --drain-timeout) -> Done.
// swarm.cpp holds the phases and the report; swarm_sending.cpp the senders' schedules and the
// closed loop; swarm_io.cpp one bot's socket (a reactor::LineStream); swarm_lines.cpp what
// the server's lines mean; swarm_redis.cpp the same bot speaking Redis pub/sub (--proto redis).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bin/chat_swarm/bot.h"
#include "bin/chat_swarm/during_run.h"
#include "bin/chat_swarm/histogram.h"
#include "bin/chat_swarm/ledger.h"
#include "bin/chat_swarm/net.h"
#include "bin/chat_swarm/options.h"
#include "bin/chat_swarm/order_check.h"
#include "bin/chat_swarm/pacer.h"
#include "bin/chat_swarm/report.h"
#include "bin/chat_swarm/scenario.h"
#include "reactor/event_loop.h"
#include "reactor/token_bucket.h"

namespace swarm {

class Swarm final : public reactor::IoHandler {
 public:
  // Sockets stay below `descriptor_limit` minus a small reserve the swarm keeps for itself
  // (its report file, the libraries it calls).
  // `servers` are the --targets, resolved, in order.
  Swarm(const Options& options, Plan plan, std::vector<Address> servers, std::vector<Address> sources,
        std::uint64_t descriptor_limit);
  static constexpr int kReservedDescriptors = 8;
  ~Swarm() override;
  Swarm(const Swarm&) = delete;
  Swarm& operator=(const Swarm&) = delete;

  // Runs the whole test; false (with `error`) if the event loop could not be set up.
  bool run(Report& report, std::string& error);

  void on_io(int fd, std::uint8_t events) override;

 private:
  enum class Phase { Connecting, Sending, Draining, Done };
  static constexpr BotId kNoBot = UINT32_MAX;

  // swarm.cpp: phases.
  void queue_connect(std::uint32_t slot, std::int64_t after_ns);
  void spawn_tick();
  void initial_settled(Bot& bot);
  void ready_deadline();
  // swarm_sending.cpp: sending.
  void start_sending();
  void start_bot(Bot& bot);
  void schedule_send(const Bot& bot);
  void send_due(BotId id, std::uint32_t generation);
  void send_message(Bot& bot, std::int64_t intended_ns);
  void closed_loop_next(Bot& bot);
  void closed_loop_ack(BotId sender, Seq seq);
  void closed_loop_recheck();
  std::uint64_t listeners_owed(const Bot& sender) const;
  void hold(const char* what, std::function<void()> then);
  void sender_finished();
  void life_over(BotId id);
  void storm_check_done();
  // swarm.cpp: draining and the report.
  void stop_sending();
  void check_drained();
  void finish();
  void progress_tick();
  void on_signal(int signo);
  void build_report(Report& report);
  void build_target_reports(Report& report);
  // swarm_during.cpp: --during-run.
  void start_during();
  void poll_during();
  std::size_t phase_of(std::int64_t queued_ns) const;  // 0 before, 1 during, 2 after
  std::int64_t during_end_ns() const;
  void build_phase_reports(Report& report);
  const char* phase_name() const;

  // swarm_io.cpp: one bot's connection.
  void spawn(std::uint32_t slot);
  void connected(Bot& bot);
  void read_ready(Bot& bot);
  void ended(Bot& bot, int err);
  // swarm_lines.cpp: what the server's lines mean.
  void handle_line(Bot& bot, std::string_view raw);
  void became_ready(Bot& bot, Tick t);
  void chat_line(Bot& bot, const ServerLine& line, std::string_view raw, Tick t);
  void receive_message(Bot& bot, const ServerLine& line, Channel channel, Tick t);
  void accept_message(Bot& bot, std::string_view text, BotId from, Channel channel, Tick t);
  // swarm_io.cpp again.
  void leave(Bot& bot, Departure how);
  void vanish_on_purpose(Bot& bot);
  void departed(Bot& bot);
  void fail(Bot& bot, const std::string& reason);
  void close_socket(Bot& bot, bool reset);
  void set_state(Bot& bot, BotState next);
  void count_state(const Bot& bot, BotState s, bool add);
  void queue_line(Bot& bot, std::string_view line);
  void queue_raw(Bot& bot, std::string_view bytes);

  // swarm_ws.cpp: the same bot in WebSocket frames.
  void ws_connected(Bot& bot);
  void ws_bytes(Bot& bot, std::string_view bytes);
  void queue_ws_lines(Bot& bot, std::string_view lines);
  void flush_all();
  BotId bot_named(std::string_view name) const;

  // swarm_irc.cpp: the same bot over IRC.
  void irc_connected(Bot& bot);
  void irc_line(Bot& bot, std::string_view raw);
  void queue_irc_message(Bot& bot, std::string_view text);

  // swarm_redis.cpp: the same bot over RESP.
  void redis_connected(Bot& bot);
  void redis_reply(Bot& bot, const resp::RespReply& reply);
  void queue_publish(Bot& bot, std::string_view payload);
  void count_error(const std::string& kind);

  Tick tick() { return ++tick_; }
  std::int64_t now_ns() const;

  const Options& options_;
  Plan plan_;
  std::vector<Address> servers_;
  std::vector<std::uint32_t> target_of_slot_;
  std::vector<Address> sources_;
  std::size_t next_source_ = 0;
  int max_socket_fd_;
  std::string prefix_;
  std::string channel_;      // redis
  std::string irc_channel_;  // irc
  std::string scratch_irc_;

  std::unique_ptr<reactor::EventLoop> loop_;
  std::unique_ptr<Pacer> pacer_;  // after loop_: destroyed first
  reactor::Clock::time_point epoch_;
  Phase phase_ = Phase::Connecting;
  Tick tick_ = 0;

  Ledger ledger_;
  std::vector<std::unique_ptr<Bot>> bots_;  // index: BotId; kept to the end for the report
  std::vector<BotId> bot_of_fd_;
  std::vector<BotId> flush_list_;
  std::vector<char> read_buffer_;
  std::string scratch_;
  std::int64_t read_ns_ = 0;  // when the current read() returned

  std::deque<std::uint32_t> connect_queue_;
  reactor::TokenBucket connect_bucket_;
  reactor::TimerId spawn_timer_;
  reactor::TimerId ready_timer_;
  reactor::TimerId end_timer_;
  reactor::TimerId drain_timer_;
  reactor::TimerId drain_deadline_;
  reactor::TimerId progress_timer_;
  ChurnDice dice_;

  // Bots by state, kept by set_state.
  std::uint64_t connecting_ = 0;
  std::uint64_t open_ = 0;
  std::uint64_t in_room_ = 0;
  std::uint64_t departing_ = 0;
  std::uint64_t steady_open_ = 0;  // open bots of slots that neither churn nor cycle
  std::uint64_t listeners_in_room_ = 0;

  // Counts for the report and the progress line.
  std::uint64_t connect_attempts_ = 0;
  std::uint64_t connected_ = 0;
  std::uint64_t logins_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t spawned_ = 0;
  std::uint64_t initial_settled_ = 0;
  std::uint64_t initial_ready_ = 0;
  std::uint64_t churn_bots_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t corrupted_ = 0;
  std::uint64_t foreign_ = 0;
  std::uint64_t senders_active_ = 0;
  std::map<std::string, std::uint64_t> departures_;
  std::map<std::string, std::uint64_t> errors_;
  std::uint64_t error_total_ = 0;
  std::int64_t first_connect_ns_ = -1;
  std::int64_t last_initial_ready_ns_ = 0;
  std::int64_t send_start_ns_ = 0;
  std::int64_t send_end_ns_ = 0;
  std::int64_t end_ns_ = 0;  // duration mode: messages are meant for [send_start, end)
  double run_s_ = 0;         // wall time and CPU time of the run itself, before the verdict is computed
  double run_cpu_s_ = 0;
  bool interrupted_ = false;
  bool held_before_ = false;
  bool held_after_ = false;
  reactor::TimerId hold_timer_;
  bool drain_timed_out_ = false;

  struct Snapshot {
    std::uint64_t sent = 0, delivered = 0, logins = 0;
    std::int64_t at_ns = 0;
  } last_progress_;

  Histogram latency_;
  Histogram latency_write_;
  Histogram send_lag_;
  Histogram login_latency_;
  Histogram claim_latency_;

  // Per target, for the report's per-node table.
  struct TargetCounts {
    std::uint64_t connected = 0, logins = 0, failed = 0;
    Histogram latency, claim_latency;
  };
  std::vector<TargetCounts> per_target_;
  void count_failure(std::uint32_t target) {
    ++failed_;
    ++per_target_[target].failed;
  }

  OrderCheck order_;

  std::unique_ptr<DuringRun> during_;
  reactor::TimerId during_timer_;
  std::int64_t during_at_ns_ = INT64_MAX;
  Histogram phase_latency_[3];
};

}  // namespace swarm
