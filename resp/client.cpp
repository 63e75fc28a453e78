// RespClient: connecting, AUTH, coalesced writes, FIFO reply matching, loss (see client.h).
#include "resp/client.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "resp/writer.h"

namespace resp {
namespace {

constexpr std::size_t kReadSize = std::size_t{64} * 1024;

bool is_bulk(const RespItem& item, std::string_view text) { return item.type == RespType::Bulk && item.text == text; }

// What Redis sends unasked to a subscribed connection: ["message", channel, payload] and
// the like, including the confirmations of (un)subscribing.
bool is_push(const RespReply& r) {
  if (r.top.type != RespType::Array || r.items.empty()) return false;
  for (std::string_view kind : {"message", "pmessage", "smessage", "subscribe", "unsubscribe", "psubscribe",
                                "punsubscribe", "ssubscribe", "sunsubscribe"})
    if (is_bulk(r.items[0], kind)) return true;
  return false;
}

}  // namespace

const char* to_string(RespStatus status) {
  switch (status) {
    case RespStatus::Ok: return "ok";
    case RespStatus::Disconnected: return "disconnected";
    case RespStatus::NotConnected: return "not connected";
    case RespStatus::QueueFull: return "queue full";
  }
  return "?";
}

RespClient::RespClient(reactor::EventLoop& loop, RespClientOptions options)
    : loop_(loop), options_(std::move(options)), parser_(options_.limits) {}

RespClient::~RespClient() { close(); }

void RespClient::connect(std::vector<reactor::SocketAddress> addresses) {
  if (state_ != State::Idle) close();
  addresses_ = std::move(addresses);
  next_address_ = 0;
  connect_error_ = "no address to connect to";
  state_ = State::Connecting;
  if (!options_.password.empty()) {
    // First on the wire, ahead of anything queued while connecting.
    const std::string_view args[] = {"AUTH", options_.password};
    append_command(out_, args);
    pending_.emplace_front([this](const RespResult& r) {
      if (r.status != RespStatus::Ok) return;  // the loss is reported anyway
      if (r.reply->is_error()) {
        lose("AUTH refused: " + std::string(r.reply->top.text));
        return;
      }
      connected();
    });
  }
  try_next_address();
}

void RespClient::try_next_address() {
  while (next_address_ < addresses_.size()) {
    const reactor::SocketAddress& to = addresses_[next_address_++];
    int fd = reactor::start_connect(to);
    if (fd < 0) {
      connect_error_ = "connect to " + to.text + ": " + std::strerror(-fd);
      continue;
    }
    if (int rc = loop_.watch(fd, reactor::kWritable, this); rc != 0) {
      ::close(fd);
      connect_error_ = "watch: " + std::string(std::strerror(rc));
      continue;
    }
    fd_ = fd;
    const std::string text = to.text;
    timer_ = loop_.add_timer(options_.connect_timeout, [this, text] {
      connect_error_ = "connect to " + text + ": timed out";
      close_socket();
      try_next_address();
    });
    return;
  }
  // Reported from the loop, never from inside connect().
  loop_.cancel_timer(timer_);
  timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
    lose(std::string(connect_error_));  // a copy: a callback may connect() again and change it
  });
}

void RespClient::on_io(int /*fd*/, std::uint8_t events) {
  if (state_ == State::Connecting) {
    finish_connect();
    return;
  }
  const std::uint64_t connection = connection_;
  if ((events & (reactor::kReadable | reactor::kHangup)) != 0 && !read_ready()) return;
  if (connection == connection_ && (events & reactor::kWritable) != 0) flush();
}

void RespClient::finish_connect() {
  const int err = reactor::connect_result(fd_);
  if (err != 0) {
    connect_error_ = "connect to " + addresses_[next_address_ - 1].text + ": " + std::strerror(err);
    loop_.cancel_timer(timer_);
    close_socket();
    try_next_address();
    return;
  }
  loop_.cancel_timer(timer_);
  reactor::tune_connection(fd_, reactor::KeepaliveSettings{});
  loop_.set_interest(fd_, reactor::kReadable);
  state_ = options_.password.empty() ? State::Ready : State::Handshake;
  progress_at_ = loop_.now();  // what queued while connecting waits from now
  watch_answers();
  const std::uint64_t connection = connection_;
  flush();
  if (connection == connection_ && state_ == State::Ready) connected();
}

void RespClient::connected() {
  state_ = State::Ready;
  if (on_connect_) on_connect_();
}

RespStatus RespClient::command(std::span<const std::string_view> args, RespCallback done) {
  if (state_ == State::Idle) return RespStatus::NotConnected;
  if (pending_.size() >= options_.max_pending) return RespStatus::QueueFull;
  if (pending_bytes() + command_size(args) > options_.max_pending_bytes) return RespStatus::QueueFull;
  append_command(out_, args);
  if (pending_.empty()) progress_at_ = loop_.now();
  pending_.push_back(std::move(done));
  want_write();
  watch_answers();
  return RespStatus::Ok;
}

void RespClient::watch_answers() {
  if (options_.answer_timeout.count() <= 0 || answer_timer_ || pending_.empty()) return;
  if (state_ != State::Handshake && state_ != State::Ready) return;  // connecting: connect_timeout
  const auto wait = std::max(reactor::Clock::duration::zero(), progress_at_ + options_.answer_timeout - loop_.now());
  answer_timer_ = loop_.add_timer(wait, [this] {
    answer_timer_ = {};
    check_answers();
  });
}

void RespClient::check_answers() {
  if (pending_.empty()) return;
  if (loop_.now() - progress_at_ >= options_.answer_timeout) {
    // This process may have been the one stopped (a long turn, SIGSTOP, swapping) with the
    // answer already in the socket, its readiness not yet handed out: look before giving up.
    if (!read_ready()) return;  // lost while reading
    if (pending_.empty()) return;
    if (loop_.now() - progress_at_ >= options_.answer_timeout) {
      lose("no answer for " + std::to_string(options_.answer_timeout.count()) + " ms");
      return;
    }
  }
  watch_answers();
}

RespStatus RespClient::subscribe_command(std::span<const std::string_view> args) {
  if (state_ == State::Idle) return RespStatus::NotConnected;
  if (pending_bytes() + command_size(args) > options_.max_pending_bytes) return RespStatus::QueueFull;
  append_command(out_, args);
  subscribed_ = true;
  want_write();
  return RespStatus::Ok;
}

void RespClient::want_write() {
  // While connecting, writability already means "connected"; the first flush follows it.
  if (state_ == State::Connecting) return;
  // A socket already waiting for room flushes when it has some.
  if ((loop_.interest(fd_) & reactor::kWritable) != 0 || flush_timer_) return;
  // Everything queued in this turn goes out in one write at its end. A timer due at once
  // does that without the two epoll_ctl calls per command that asking for writability took.
  flush_timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
    flush_timer_ = {};
    flush();
  });
}

void RespClient::flush() {
  if (state_ != State::Handshake && state_ != State::Ready) return;
  loop_.cancel_timer(flush_timer_);
  if (!out_.empty()) {
    output_.push(reactor::PayloadRef::copy_of(out_));
    out_.clear();
    if (out_.capacity() > kReadSize) std::string().swap(out_);
  }
  switch (output_.flush_to(fd_)) {
    case reactor::FlushResult::Drained: loop_.set_interest(fd_, reactor::kReadable); break;
    case reactor::FlushResult::Pending: loop_.set_interest(fd_, reactor::kReadable | reactor::kWritable); break;
    case reactor::FlushResult::Failed: lose("write: " + std::string(std::strerror(errno))); break;
  }
}

bool RespClient::read_ready() {
  if (read_buffer_.empty()) read_buffer_.resize(kReadSize);
  ssize_t n = 0;
  do {
    n = ::read(fd_, read_buffer_.data(), read_buffer_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  if (n <= 0) {
    lose(n == 0 ? std::string("closed by the server") : "read: " + std::string(std::strerror(errno)));
    return false;
  }
  const std::uint64_t connection = connection_;
  reading_ = true;
  const bool ok = parser_.feed(std::string_view(read_buffer_.data(), static_cast<std::size_t>(n)),
                               [this, connection](const RespReply& reply) {
                                 dispatch(reply);
                                 return connection == connection_;  // else the parser resets itself
                               });
  reading_ = false;
  if (connection != connection_) return false;
  if (!ok) {
    lose("not RESP: " + parser_.error());
    return false;
  }
  return true;
}

void RespClient::dispatch(const RespReply& reply) {
  if ((subscribed_ && is_push(reply)) || pending_.empty()) {
    if (on_push_) {
      on_push_(reply);
    } else if (!subscribed_) {
      lose("a reply that no command asked for");
    }
    return;
  }
  RespCallback done = std::move(pending_.front());
  pending_.pop_front();
  progress_at_ = loop_.now();
  if (done) done(RespResult{RespStatus::Ok, &reply, {}});
}

void RespClient::close_socket() {
  if (fd_ < 0) return;
  loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
}

void RespClient::teardown() {
  loop_.cancel_timer(timer_);
  loop_.cancel_timer(answer_timer_);
  loop_.cancel_timer(flush_timer_);
  close_socket();
  ++connection_;
  state_ = State::Idle;
  subscribed_ = false;
  out_.clear();
  output_.clear();
  // Inside feed() the parser resets itself once the reply callback says the connection is gone.
  if (!reading_) parser_.reset();
}

void RespClient::lose(const std::string& why) {
  teardown();
  std::deque<RespCallback> failed;
  failed.swap(pending_);
  const std::uint64_t closes = closes_;
  for (const RespCallback& done : failed) {
    // A callback may close the client (closes_ changes): the rest are dropped.
    // cppcheck-suppress knownConditionTrueFalse ; callbacks change closes_
    if (closes != closes_) return;
    if (done) done(RespResult{RespStatus::Disconnected, nullptr, why});
  }
  // cppcheck-suppress knownConditionTrueFalse ; callbacks change closes_
  if (closes == closes_ && on_disconnect_) on_disconnect_(why);
}

void RespClient::close() {
  ++closes_;
  teardown();
  pending_.clear();
  addresses_.clear();
}

}  // namespace resp
