// Server: wires the reactor (sockets, readiness, timers) to the chat (ChatCore, LineDoor, Room).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "bin/chat_server/auth_throttle.h"
#include "bin/chat_server/connection.h"
#include "bin/chat_server/connection_table.h"
#include "bin/chat_server/login_slots.h"
#include "bin/chat_server/options.h"
#include "bin/chat_server/source_budget.h"
#include "bin/chat_server/stats.h"
#include "protocol/chat_core.h"
#include "protocol/line_door.h"
#include "protocol/name_registry.h"
#include "reactor/descriptor_reserve.h"
#include "reactor/event_loop.h"

namespace chat_server {

class Server final : public reactor::IoHandler, public chat::Transport, public chat::ClientDirectory {
 public:
  explicit Server(const Options& options);
  ~Server() override;

  // Binds, then runs until SIGINT/SIGTERM. Returns the process exit status.
  int run();

  // For embedders and benchmarks that drive the loop themselves (loop().run_once()): binds
  // and prepares everything run() does except signal handling. Returns 0, or the exit status
  // run() would have returned. port() and loop() are valid after it succeeded.
  int open();
  std::uint16_t port() const;
  reactor::EventLoop& loop() { return *loop_; }
  // What the server has counted so far (the "stats" log line).
  Stats stats() const;

  // How SIGHUP gets fresh settings (main() re-reads the config file); without one, SIGHUP
  // only logs that there is nothing to reload. False with a reason keeps the old settings.
  using Reload = std::function<bool(Options&, std::string& error)>;
  void set_reload(Reload reload) { reload_ = std::move(reload); }

  // chat::Transport
  // Output is counted against --max-output-total once per call, not per recipient (the
  // fan-out loop stays as it was); a recipient that takes nothing gives its share back.
  void deliver(chat::ClientId to, const reactor::PayloadRef& line) override {
    reserve_output(line.size());
    deliver_one(to, line);
  }
  void deliver_all(std::span<const chat::ClientId> to, const reactor::PayloadRef& line) override {
    reserve_output(line.size() * to.size());
    for (chat::ClientId id : to) deliver_one(id, line);
  }
  // chat::ClientDirectory: a name claim answered later finds its connection by id.
  chat::LoginState* login_of(chat::ClientId id) override;
  void name_claim_settled(chat::ClientId id, bool accepted) override;
  // reactor::IoHandler: the listener and every client socket.
  void on_io(int fd, std::uint8_t events) override;

 private:
  void deliver_one(chat::ClientId to, const reactor::PayloadRef& line);
  void accept_ready();
  static void refuse(int fd, const reactor::PeerAddress& peer, std::string_view line, std::string_view why);
  void pause_accepting();
  // Admission (admission.cpp): every limit a new connection meets, in order, and the
  // lock-out of a guess from a locked-out source on a connection opened before the lock.
  void admit(int fd, reactor::PeerAddress peer);
  bool evict_a_login();
  bool refuse_locked_guess(Connection& c);
  std::size_t effective_max_logging_in() const;
  void open_connection(int fd, reactor::PeerAddress peer, const std::string& source);
  void read_ready(Connection& c);
  void linger_read(Connection& c);
  void process_lines(Connection& c);
  bool take_frame(Connection& c, reactor::Frame frame, std::string_view line);
  void handle_outcome(Connection& c, chat::Outcome outcome);
  void input_ended(Connection& c, std::string_view reason);
  void finish_input(Connection& c);
  void peer_vanished(Connection& c);
  void arm_resume(Connection& c);
  void attach_source(Connection& c);
  void schedule_flush(Connection& c);
  void flush(Connection& c);
  void discard_output(Connection& c);
  void reserve_output(std::size_t bytes) {
    output_queued_ever_ += bytes;
    output_room_ -= static_cast<std::int64_t>(bytes);
    if (output_room_ < 0) [[unlikely]]
      shed_output();
  }
  void unreserve_output(std::size_t bytes) {
    output_queued_ever_ -= bytes;
    output_room_ += static_cast<std::int64_t>(bytes);
  }
  std::uint64_t queued_total() const { return output_budget_ - output_room_; }
  void set_output_budget(std::size_t budget);
  // --max-output-total (output_budget.cpp): the largest queues go first, as slow consumers.
  void shed_output();
  void close_after_flush(Connection& c, std::string_view reason);
  void begin_linger(Connection& c);
  // Marks the connection dead and queues it for cull(); nothing is freed until then.
  void condemn(Connection& c, std::string_view reason, chat::Departure departure);
  void update_interest(Connection& c);
  // The event loop's before-sleep hook: the flush pass, the cull, the log backlog, the stop.
  void end_iteration();
  // Writes every connection with output once, taking input mid-pass (see server.cpp).
  void flush_pass();
  void cull();
  void on_signal(int signo);
  void begin_shutdown(int signo);
  void log_stats() const;
  void arm_stats_timer();
  void arm_heap_trim_timer();
  // SIGHUP and the limits it may change (server_settings.cpp): nobody is dropped.
  void reload();
  void apply_reloaded(const Options& fresh);
  std::size_t effective_max_clients(std::size_t configured) const;
  std::size_t connections_from(const std::string& ip) const;
  void forget_address(const std::string& ip);
  void refresh_stamp();
  static std::string who(const Connection& c);

  Options options_;
  std::unique_ptr<reactor::EventLoop> loop_;
  chat::Room room_;
  chat::LocalNames names_;
  chat::ChatCore core_;
  chat::LineDoor line_door_;
  AuthThrottle throttle_;
  reactor::DescriptorReserve reserve_;
  ConnectionTable connections_;
  std::vector<Connection*> flush_list_;  // connections with output for the next flush pass
  std::vector<Connection*> flushing_;    // the pass under way (see flush_pass)
  std::vector<std::pair<Connection*, chat::Departure>> dead_list_;
  std::vector<char> read_buffer_;
  std::size_t open_count_ = 0;
  std::size_t max_clients_ = 0;
  std::uint64_t descriptor_limit_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;  // open connections by peer address
  LoginSlots logging_in_;                                // open connections not yet chatting, by source
  std::size_t max_logging_in_ = 0;
  SourceBudgets sources_;  // relayed bytes by source, while it has lines
  // Output accounting, kept off the per-delivery path: what every OutputQueue holds, summed
  // (what --max-output-total bounds), is the budget minus the room left; bytes_out is what
  // was ever queued minus what was discarded unsent minus what is queued now.
  std::int64_t output_budget_ = 0;  // --max-output-total, resolved
  std::int64_t output_room_ = 0;    // negative: over budget
  std::uint64_t output_queued_ever_ = 0;
  std::uint64_t output_discarded_ = 0;
  int listen_fd_ = -1;
  std::int64_t stamp_second_ = -1;
  bool shutting_down_ = false;
  reactor::TimerId accept_retry_timer_;
  Stats stats_;
  reactor::Clock::time_point started_ = reactor::Clock::now();
  reactor::TimerId log_retry_timer_;  // wakes an idle loop to retry a stalled log
  Reload reload_;
};

}  // namespace chat_server
