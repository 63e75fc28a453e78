// RespClient: a non-blocking, pipelined Redis client on reactor::EventLoop. Commands queue
// with a callback each and go out coalesced (one write at the end of a loop turn, through
// reactor::OutputQueue); replies come back in order and complete the callbacks first in,
// first out. Replies that answer no command (pub/sub messages) go to the push hook.
//
// Nothing blocks: connecting, AUTH, writing and reading all happen from the loop, and no
// callback runs inside connect() or command(). Lifetime: close() (and the destructor) drop
// every pending callback without calling it, so an owner whose objects go away closes the
// client first. A callback may call command(), close() or connect(), never destroy the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reactor/event_loop.h"
#include "reactor/output_queue.h"
#include "reactor/socket.h"
#include "resp/parser.h"

namespace resp {

enum class RespStatus : std::uint8_t {
  Ok,            // the reply arrived (a Redis error reply too: reply->is_error())
  Disconnected,  // the connection was lost (or never made) before the reply arrived
  NotConnected,  // command(): no connection, neither up nor being made
  QueueFull,     // command(): max_pending commands or max_pending_bytes already queued
};
const char* to_string(RespStatus status);

struct RespResult {
  RespStatus status = RespStatus::Ok;
  const RespReply* reply = nullptr;  // when Ok; valid only during the callback
  std::string_view error;            // why, when not Ok
};
using RespCallback = std::function<void(const RespResult&)>;

struct RespClientOptions {
  std::string password;                                   // non-empty: AUTH first on every connection
  std::size_t max_pending = 65536;                        // commands awaiting their reply
  std::size_t max_pending_bytes = std::size_t{16} << 20;  // commands not yet taken by the kernel
  std::chrono::milliseconds connect_timeout{5000};        // per address tried
  // Non-zero: a connection on which a command waits this long with no reply at all is lost
  // ("no answer"), as a server that froze or a peer gone without a reset would otherwise
  // hold it for the kernel's minutes. A blocking command needs its own block time on top.
  std::chrono::milliseconds answer_timeout{0};
  RespLimits limits;  // for the replies
};

class RespClient : private reactor::IoHandler {
 public:
  enum class State : std::uint8_t {
    Idle,        // no connection: connect() starts one
    Connecting,  // TCP connecting; commands queue
    Handshake,   // connected, AUTH sent and not yet answered; commands queue behind it
    Ready,
  };

  explicit RespClient(reactor::EventLoop& loop, RespClientOptions options = {});
  ~RespClient() override;
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  // Connects to the first of `addresses` (from reactor::resolve_tcp, looked up once by the
  // owner) that accepts, trying each in turn. Success calls the connect hook, failure the
  // disconnect hook, both from the loop. A client not Idle is closed first.
  void connect(std::vector<reactor::SocketAddress> addresses);

  // Queues a command; `done` runs once with its reply, or with Disconnected if the
  // connection is lost first. Anything but Ok is returned at once and `done` never runs.
  RespStatus command(std::span<const std::string_view> args, RespCallback done);
  RespStatus command(std::initializer_list<std::string_view> args, RespCallback done) {
    return command(std::span<const std::string_view>(args.begin(), args.size()), std::move(done));
  }
  // SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE...: no callback, since Redis answers them with one
  // confirmation per channel. Puts the connection in subscriber mode: from now on every
  // pub/sub-shaped reply ("message", "subscribe"...) goes to the push hook.
  RespStatus subscribe_command(std::span<const std::string_view> args);
  RespStatus subscribe_command(std::initializer_list<std::string_view> args) {
    return subscribe_command(std::span<const std::string_view>(args.begin(), args.size()));
  }

  // Writes what is queued now rather than at the end of this event-loop turn
  // (an owner with a before-sleep hook may call it there).
  void flush();
  // Closes the connection; pending callbacks are dropped uncalled and no hook runs.
  void close();

  void set_on_connect(std::function<void()> hook) { on_connect_ = std::move(hook); }
  void set_on_disconnect(std::function<void(std::string_view why)> hook) { on_disconnect_ = std::move(hook); }
  // Replies that answer no command: pub/sub pushes in subscriber mode, or any reply while
  // no command is pending (without this hook, that breaks the connection).
  void set_on_push(std::function<void(const RespReply&)> hook) { on_push_ = std::move(hook); }

  State state() const { return state_; }
  bool ready() const { return state_ == State::Ready; }
  std::size_t pending() const { return pending_.size(); }
  std::size_t pending_bytes() const { return out_.size() + output_.bytes(); }

 private:
  void on_io(int fd, std::uint8_t events) override;
  void try_next_address();
  void finish_connect();
  void connected();
  bool read_ready();
  void dispatch(const RespReply& reply);
  void want_write();
  // Closes the socket and forgets the connection's state, not the pending callbacks.
  void teardown();
  // The connection is gone: every pending callback, then the disconnect hook, learn why.
  void lose(const std::string& why);  // never a member: callbacks may change it
  void close_socket();
  // The answer watch (options_.answer_timeout): armed while commands wait on a connection.
  void watch_answers();
  void check_answers();

  reactor::EventLoop& loop_;
  RespClientOptions options_;
  std::vector<reactor::SocketAddress> addresses_;
  std::size_t next_address_ = 0;
  std::string connect_error_;
  reactor::TimerId timer_;  // connect timeout, or a deferred connect failure
  reactor::TimerId answer_timer_;
  reactor::TimerId flush_timer_;            // a write at the end of this turn
  reactor::Clock::time_point progress_at_;  // the last reply, or when the oldest waiting command went out

  State state_ = State::Idle;
  int fd_ = -1;
  std::uint64_t connection_ = 0;  // changes whenever a connection ends
  std::uint64_t closes_ = 0;      // changes whenever close() drops the callbacks
  bool subscribed_ = false;
  bool reading_ = false;  // inside parser_.feed()

  std::string out_;  // commands queued since the last write
  reactor::OutputQueue output_;
  std::deque<RespCallback> pending_;
  RespParser parser_;
  std::vector<char> read_buffer_;

  std::function<void()> on_connect_;
  std::function<void(std::string_view)> on_disconnect_;
  std::function<void(const RespReply&)> on_push_;
};

}  // namespace resp
