// ChatWorld: the real chat_server::Server on a loopback port, driven one loop iteration at a
// time by this process, with N receivers logged in (in the ReceiverProcess) and one sender
// logged in last (here), so that the sender's own socket receives nothing during rounds.
#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "bench/fanout_world.h"
#include "bin/chat_server/server.h"
#include "reactor/socket.h"

namespace bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::uint64_t since(SteadyClock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t).count());
}

constexpr std::string_view kPassword = "bench";
constexpr std::string_view kSenderName = "sender";
// "[HH:MM:SS] <sender> " + text + "\n" is kLineBytes long.
constexpr std::size_t kTextBytes = kLineBytes - 11 - (kSenderName.size() + 3) - 1;

// The server logs every connect and login on stderr: 20 000 lines per 10 000 clients would
// drown the report, so they go to /dev/null while a world is built.
class QuietStderr {
 public:
  QuietStderr() : saved_(dup(STDERR_FILENO)) {
    (void)std::fflush(stderr);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, STDERR_FILENO);
      close(null);
    }
  }
  ~QuietStderr() {
    if (saved_ < 0) return;
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }
  QuietStderr(const QuietStderr&) = delete;
  QuietStderr& operator=(const QuietStderr&) = delete;

 private:
  int saved_;
};

// Bytes malloc has handed out and not taken back (glibc; 0 under the sanitizers, whose
// allocator glibc does not see).
double heap_in_use() { return static_cast<double>(mallinfo2().uordblks); }

// Wakes the loop when the receivers reply; the reply itself is read by await().
class Wakeup final : public reactor::IoHandler {
 public:
  void on_io(int /*fd*/, std::uint8_t /*events*/) override {}
};

class ChatWorld final : public FanoutWorld {
 public:
  explicit ChatWorld(std::size_t clients) : FanoutWorld(clients) {}
  ~ChatWorld() override {
    if (watching_) server_->loop().unwatch(receivers_.reply_fd());
    receivers_.stop();  // first: the child resets its ends, so nothing lingers
    if (sender_fd_ >= 0) close(sender_fd_);
    server_.reset();
  }

  bool build() {
    auto started = SteadyClock::now();
    (void)std::signal(SIGPIPE, SIG_IGN);  // as the server's own signal handling would
    // Besides the clients: the sender's two ends, listener, poller, reserve descriptor,
    // stdio, the report file, two pipes, spare.
    if (!check_descriptors(24)) return false;
    std::string error;
    // Fork before the server exists, so the child inherits none of its descriptors.
    ReceiverPlan plan;
    plan.count = clients_;
    plan.password = std::string(kPassword);
    if (!receivers_.start(plan, error)) return fail(error);

    chat_server::Options options;
    options.bind = "127.0.0.1";
    options.port = 0;
    options.password = std::string(kPassword);
    options.default_password = false;
    options.rate = 0;        // no flood control: the sender is the benchmark
    options.max_per_ip = 0;  // every simulated client comes from 127.0.0.1
    options.max_unauthenticated_per_ip = 0;
    options.max_unauthenticated = SIZE_MAX;                                // all receivers log in at once: no eviction
    options.backend = std::string(reactor::available_backends().front());  // as parse_options defaults
    QuietStderr quiet;
    server_ = std::make_unique<chat_server::Server>(options);
    if (server_->open() != 0) return fail("the server could not listen on 127.0.0.1");
    if (server_->loop().watch(receivers_.reply_fd(), reactor::kReadable, &wakeup_) != 0)
      return fail("cannot watch the receivers' pipe");
    watching_ = true;
    double heap_before = heap_in_use();

    if (!receivers_.send(Message(Op::Connect, server_->port()))) return fail("cannot talk to the receiver process");
    if (!await(Op::Connected)) return false;
    if (!join_sender()) return false;
    // Drain every join notice: each receiver reads until it has the sender's marker line.
    Message drain(Op::Drain);
    std::string marker = "<";  // built piecewise: GCC 12 misreports "<" + string (-Wrestrict)
    marker.append(kSenderName).append("> bench-sync\n");
    drain.set_text(marker);
    if (!receivers_.send(drain)) return fail("cannot talk to the receiver process");
    if (!await(Op::Draining)) return false;
    if (!send_from_sender("bench-sync\n") || !await(Op::Drained)) return false;

    // Everything the server keeps per client once logged in and drained (the connection,
    // its room entries, table slots, the retained timer slot), the sender included.
    heap_per_client_ = (heap_in_use() - heap_before) / static_cast<double>(clients_ + 1);
    build_seconds_ = static_cast<double>(since(started)) / 1e9;
    std::string text(kTextBytes, 'x');
    line_ = text + "\n";
    return true;
  }

  bool round(std::size_t burst, RoundTime& time) override {
    if (burst_bytes_.size() != burst * line_.size()) {
      burst_bytes_.clear();
      for (std::size_t i = 0; i < burst; ++i) burst_bytes_ += line_;
    }
    auto start = SteadyClock::now();
    if (!send_from_sender(burst_bytes_)) return false;
    // The server's side of the round: one iteration reads the lines and enqueues them for
    // everyone, the next one's before-sleep pass flushes every queue.
    auto server_start = SteadyClock::now();
    reactor::EventLoop& loop = server_->loop();
    if (!loop.run_once(kRoundTimeoutMs) || !loop.run_once(0)) return fail("the server's event loop failed");
    time.sending_ns = since(server_start);
    Message m;
    if (!await(Op::Batch, m, kRoundTimeoutMs)) return false;
    time.wall_ns = since(start);
    return true;
  }

  std::vector<std::pair<std::string, double>> facts() const override {
    return {{"heap_bytes_per_client", heap_per_client_}, {"build_s", build_seconds_}};
  }

 private:
  // Runs the server until the receivers' next reply, which must be `want`.
  bool await(Op want, Message& reply, int timeout_ms) override {
    auto deadline = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (!receivers_.try_take(reply)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
      if (left <= 0) return fail("timed out waiting for the receivers");
      if (!server_->loop().run_once(static_cast<int>(std::min<long long>(left, 1000))))
        return fail("the server's event loop failed");
    }
    if (reply.op == Op::Failed) return fail(std::string("receivers: ") + reply.text);
    if (reply.op != want) return fail("the receivers answered out of turn");
    return true;
  }
  using FanoutWorld::await;

  // Connects and logs in the sender, last, while running the server.
  bool join_sender() {
    sender_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server_->port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (sender_fd_ < 0 || connect(sender_fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
      return fail(std::string("sender: connect: ") + std::strerror(errno));
    fcntl(sender_fd_, F_SETFL, fcntl(sender_fd_, F_GETFL) | O_NONBLOCK);
    if (!send_from_sender(std::string(kPassword) + "\n" + std::string(kSenderName) + "\n")) return false;
    // "Password:", "Username:", the welcome and the help: then it is in the room.
    std::size_t lines = 0;
    auto deadline = SteadyClock::now() + std::chrono::milliseconds(kSetupTimeoutMs);
    char buf[16384];
    while (lines < 4) {
      if (SteadyClock::now() > deadline) return fail("timed out logging the sender in");
      if (!server_->loop().run_once(10)) return fail("the server's event loop failed");
      ssize_t n;
      while ((n = read(sender_fd_, buf, sizeof buf)) > 0) lines += std::count(buf, buf + n, '\n');
      if (n == 0) return fail("the server closed the sender");
    }
    return true;
  }

  bool send_from_sender(std::string_view bytes) {
    long n = reactor::write_some(sender_fd_, bytes.data(), bytes.size());
    if (n == static_cast<long>(bytes.size())) return true;
    return fail(n < 0 ? std::string("sender: write: ") + std::strerror(errno) : "sender: short write");
  }

  std::unique_ptr<chat_server::Server> server_;
  Wakeup wakeup_;
  bool watching_ = false;  // the server's loop watches the receivers' pipe
  int sender_fd_ = -1;
  std::string line_;
  std::string burst_bytes_;
  double heap_per_client_ = 0;
  double build_seconds_ = 0;
};

}  // namespace

std::unique_ptr<FanoutWorld> make_chat_world(std::size_t clients, std::string& error) {
  auto world = std::make_unique<ChatWorld>(clients);
  if (world->build()) return world;
  error = world->error();
  return nullptr;
}

}  // namespace bench
