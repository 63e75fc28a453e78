// ConnectionLayer: every client socket of the server, for every door. Listens and accepts,
// admits (lock-out, per-address caps, room for logins, capacity), reads and frames, paces
// input (flood control), queues and flushes output, lingers and closes; it knows nothing of
// chat. Doors (ConnectionHandler) get frames and answer through deliver() and the services.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "net/auth_throttle.h"
#include "net/connection.h"
#include "net/connection_handler.h"
#include "net/connection_table.h"
#include "net/limits.h"
#include "net/login_slots.h"
#include "net/source_budget.h"
#include "net/stats.h"
#include "protocol/client_id.h"
#include "reactor/descriptor_reserve.h"
#include "reactor/event_loop.h"
#include "reactor/payload.h"

namespace net {

class ConnectionLayer final : public reactor::IoHandler {
 public:
  // Raises the descriptor limit (capacity follows from it) and takes `limits`.
  ConnectionLayer(reactor::EventLoop& loop, const Limits& limits);
  ~ConnectionLayer() override;
  ConnectionLayer(const ConnectionLayer&) = delete;
  ConnectionLayer& operator=(const ConnectionLayer&) = delete;

  // A listener whose connections go to `door`, framed at `max_line` bytes. Returns its index
  // (for port() and set_max_line()), or -1 with `error` set. Every listener shares the
  // admission limits, the counters and the one ClientId space.
  int listen(const std::string& bind, std::uint16_t port, std::size_t max_line, ConnectionHandler& door,
             std::string& error);
  std::uint16_t port(int listener) const;
  // A reload: limits and max-line apply to what is admitted or read next; nobody is dropped.
  void set_limits(const Limits& limits);
  void set_max_line(int listener, std::size_t max_line);
  std::size_t max_clients() const { return max_clients_; }
  std::uint64_t descriptor_limit() const { return descriptor_limit_; }

  // The loop's before-sleep work: the flush pass, held input resumed, the cull.
  void end_iteration();
  // Stops accepting, tells every open connection's door (on_shutdown) and closes each after
  // flushing. Connections that do not finish in time stay for the caller to stop the loop.
  void begin_shutdown();
  std::size_t open_count() const { return open_count_; }
  // What the layer has counted; doors bump their own counters through counters().
  Stats stats() const;
  Stats& counters() { return stats_; }
  // Idle queues give back the memory they kept for their next lines (after a burst).
  void release_spare_output();

  // --- Services for the doors ---
  Connection* find(chat::ClientId id) const { return connections_.find(id); }
  // Queues `payload` for `to` (nothing if it has left). Output is counted against
  // --max-output-total once per call, not per recipient; one that takes nothing gives its
  // share back. deliver_all is the fan-out: one lookup and one push per recipient.
  void deliver(chat::ClientId to, const reactor::PayloadRef& payload) {
    reserve_output(payload.size());
    deliver_one(to, payload);
  }
  void deliver_all(std::span<const chat::ClientId> to, const reactor::PayloadRef& payload) {
    reserve_output(payload.size() * to.size());
    for (chat::ClientId id : to) deliver_one(id, payload);
  }
  // Closes once what is queued (the goodbye) is written; reads nothing more.
  void close_after_flush(Connection& c, std::string_view reason);
  // Marks the connection dead and queues it for the cull; nothing is freed until then.
  void condemn(Connection& c, std::string_view reason, Departure departure);
  // The peer logged in: it leaves the logins in progress, its login deadline is cancelled.
  void logged_in(Connection& c);
  // The peer must log in again (its name was taken away, ChatCore::lose_name): a login in
  // progress again, with a new deadline of --auth-timeout from now, as a new connection.
  void restart_login_deadline(Connection& c);
  // A wrong password: counts towards the brute-force lock-out of its source. True when this
  // one starts a lock-out.
  bool record_failed_login(Connection& c);
  // Whether the connection's source is locked out now (check a guess before comparing it).
  bool is_locked_out(const Connection& c) const;
  // A guess from a locked-out source: counted and logged as a refusal; the door then says
  // why and closes.
  void count_locked_guess(const Connection& c);
  // Offers the frames held since the door answered Hold (at the end of this iteration, in
  // order). Safe from any callback, and for an id that has gone.
  void resume_input(chat::ClientId id);
  // Flood control for a raw connection (Connection::raw): one token per message (a WebSocket
  // message, an HTTP request) of `bytes`, as take_frame charges a line. False: none now; the
  // door keeps the message and calls pause_input.
  bool take_token(Connection& c, std::size_t bytes);
  // A raw connection's door stops reading: until a token is due (on_bytes with nothing then),
  // or with `until_resume` until resume_input() (a pending name claim).
  void pause_input(Connection& c, bool until_resume);

  // reactor::IoHandler: the listeners and every client socket.
  void on_io(int fd, std::uint8_t events) override;

 private:
  struct Listener {
    int fd = -1;
    ConnectionHandler* door = nullptr;
    std::size_t max_line = 0;
  };

  // listener.cpp
  void accept_ready(const Listener& listener);
  void refuse(int fd, const reactor::PeerAddress& peer, const Listener& listener, Refusal why, std::size_t limit,
              std::string_view log_why);
  void pause_accepting();
  void open_connection(int fd, reactor::PeerAddress peer, const Listener& listener, const std::string& source);
  void arm_login_deadline(Connection& c);
  void close_listeners();
  // admission.cpp
  void admit(int fd, reactor::PeerAddress peer, const Listener& listener);
  bool evict_a_login();
  std::size_t effective_max_logging_in() const;
  std::size_t effective_max_clients(std::size_t configured) const;
  std::size_t connections_from(const std::string& ip) const;
  void forget_address(const std::string& ip);
  // input.cpp
  void read_ready(Connection& c);
  void read_raw(Connection& c);
  void offer_raw(Connection& c);
  static bool input_paused(const Connection& c) { return c.stream.paused() || c.raw_paused; }
  bool take_frame(Connection& c, reactor::Frame frame, std::string_view line);
  void offer_buffered(Connection& c);
  void resume_held();
  void attach_source(Connection& c);
  void arm_resume(Connection& c);
  void input_ended(Connection& c, std::string_view reason);
  void finish_input(Connection& c);
  void peer_vanished(Connection& c);
  void linger_read(Connection& c);
  // output.cpp
  void deliver_one(chat::ClientId to, const reactor::PayloadRef& payload);
  void schedule_flush(Connection& c);
  void flush(Connection& c);
  void flush_pass();
  void discard_output(Connection& c);
  void begin_linger(Connection& c);
  void update_interest(Connection& c);
  void cull();
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

  reactor::EventLoop& loop_;
  Limits limits_;
  std::vector<Listener> listeners_;
  AuthThrottle throttle_;
  reactor::DescriptorReserve reserve_;
  ConnectionTable connections_;
  std::vector<Connection*> flush_list_;  // connections with output for the next flush pass
  std::vector<Connection*> flushing_;    // the pass under way (see flush_pass)
  std::vector<std::pair<Connection*, Departure>> dead_list_;
  std::vector<chat::ClientId> resume_list_;  // resume_input() calls of this iteration
  std::vector<char> read_buffer_;            // one for all connections (LineStream borrows it)
  std::size_t open_count_ = 0;
  std::size_t max_clients_ = 0;
  std::uint64_t descriptor_limit_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;  // open connections by peer address
  LoginSlots logging_in_;                                // open connections not yet logged in, by source
  std::size_t max_logging_in_ = 0;
  SourceBudgets sources_;  // relayed bytes by source, while it has lines
  // Output accounting, kept off the per-delivery path: what every queue holds, summed (what
  // --max-output-total bounds), is the budget minus the room left; bytes_out is what was
  // ever queued minus what was discarded unsent minus what is queued now.
  std::int64_t output_budget_ = 0;  // --max-output-total, resolved
  std::int64_t output_room_ = 0;    // negative: over budget
  std::uint64_t output_queued_ever_ = 0;
  std::uint64_t output_discarded_ = 0;
  bool shutting_down_ = false;
  reactor::TimerId accept_retry_timer_;
  Stats stats_;
};

}  // namespace net
