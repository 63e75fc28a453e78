// FloorWorld: N accepted loopback connections and a plain send() of each round's lines to
// each of them (the call the server's output queues make): what the kernel charges for
// fan-out with no server code at all.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "bench/fanout_world.h"
#include "reactor/socket.h"

namespace bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::uint64_t since(SteadyClock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t).count());
}

class FloorWorld final : public FanoutWorld {
 public:
  explicit FloorWorld(std::size_t clients) : FanoutWorld(clients) {}
  ~FloorWorld() override {
    receivers_.stop();
    for (int fd : fds_) close(fd);
    if (listen_fd_ >= 0) close(listen_fd_);
  }

  bool build() {
    // Besides the clients: stdio, the report file, two pipes, the listener, spare.
    if (!check_descriptors(16)) return false;
    std::string error;
    ReceiverPlan plan;
    plan.count = clients_;
    if (!receivers_.start(plan, error)) return fail(error);
    if (!listen_loopback()) return false;
    if (!receivers_.send(Message(Op::Connect, port_))) return fail("cannot talk to the receiver process");
    bool connected = false;  // the child may say so before the last accept
    if (!accept_all(connected)) return false;
    close(listen_fd_);
    listen_fd_ = -1;
    if (!connected && !await(Op::Connected)) return false;
    line_.assign(kLineBytes - 1, 'x');
    line_ += '\n';
    return true;
  }

  bool round(std::size_t burst, RoundTime& time) override {
    if (burst_bytes_.size() != burst * kLineBytes) {
      burst_bytes_.clear();
      for (std::size_t i = 0; i < burst; ++i) burst_bytes_ += line_;
    }
    auto start = SteadyClock::now();
    for (int fd : fds_) {
      // One call per client: all of the round's lines at once, as a coalescing server would.
      ssize_t n;
      do {
        n = ::send(fd, burst_bytes_.data(), burst_bytes_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n != static_cast<ssize_t>(burst_bytes_.size()))
        return fail(n < 0 ? std::string("send: ") + std::strerror(errno) : "short write: a client's buffer is full");
    }
    time.sending_ns = since(start);
    Message m;
    if (!await(Op::Batch, m, kRoundTimeoutMs)) return false;
    time.wall_ns = since(start);
    return true;
  }

 private:
  bool await(Op want, Message& reply, int timeout_ms) override {
    if (!receivers_.wait(reply, timeout_ms)) return fail("timed out waiting for the receivers");
    if (reply.op == Op::Failed) return fail(std::string("receivers: ") + reply.text);
    if (reply.op != want) return fail("the receivers answered out of turn");
    return true;
  }
  using FanoutWorld::await;

  bool listen_loopback() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) return fail(std::string("socket: ") + std::strerror(errno));
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || listen(listen_fd_, 4096) != 0)
      return fail(std::string("listen: ") + std::strerror(errno));
    port_ = reactor::local_port(listen_fd_);
    return true;
  }

  // Accepts every client, watching the receivers too, so a child that failed is noticed.
  bool accept_all(bool& connected) {
    fds_.reserve(clients_);
    while (fds_.size() < clients_) {
      pollfd p[2] = {{listen_fd_, POLLIN, 0}, {receivers_.reply_fd(), POLLIN, 0}};
      int n = poll(p, 2, kSetupTimeoutMs);
      if (n == 0) return fail("timed out accepting the receivers");
      if (n < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
      Message m;
      if (p[1].revents && receivers_.try_take(m)) {
        if (m.op == Op::Failed) return fail(std::string("receivers: ") + m.text);
        if (m.op != Op::Connected) return fail("the receivers answered out of turn");
        connected = true;
      }
      reactor::PeerAddress peer;
      int fd;
      while (fds_.size() < clients_ && (fd = reactor::accept_connection(listen_fd_, peer)) >= 0) {
        reactor::tune_connection(fd, reactor::KeepaliveSettings{});  // as the server does
        fds_.push_back(fd);
      }
    }
    return true;
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> fds_;
  std::string line_;
  std::string burst_bytes_;
};

}  // namespace

std::unique_ptr<FanoutWorld> make_floor_world(std::size_t clients, std::string& error) {
  auto world = std::make_unique<FloorWorld>(clients);
  if (world->build()) return world;
  error = world->error();
  return nullptr;
}

}  // namespace bench
