// ReceiverProcess: the parent's side (fork, pipes) and the child's loop (connect, log in,
// read and count lines, answer commands).
#include "bench/receivers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

namespace bench {

void Message::set_text(std::string_view s) {
  std::size_t n = std::min(s.size(), sizeof text - 1);
  std::memcpy(text, s.data(), n);
  text[n] = '\0';
}

namespace {

// Connections opened but not yet logged in: kept below the server's accept backlog, so a
// burst of connects never overflows it (a dropped SYN costs a one-second retry).
constexpr std::size_t kInFlight = 512;
// Lines a client reads while logging in: "Password:", "Username:", the welcome, the help.
constexpr std::uint64_t kLoginLines = 4;
constexpr std::uint64_t kCommandKey = UINT64_MAX;

std::uint64_t process_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

class Child {
 public:
  Child(const ReceiverPlan& plan, int command_fd, int reply_fd)
      : plan_(plan), command_fd_(command_fd), reply_fd_(reply_fd) {}
  ~Child() {
    // Reset rather than close: the server side then keeps no TIME_WAIT either, and the
    // next benchmark's connections find every port free.
    linger reset{1, 0};
    for (const Conn& c : conns_) {
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      close(c.fd);
    }
    if (epfd_ >= 0) close(epfd_);
  }

  int run() {
    Message m;
    if (!read_command(m)) return 0;
    if (m.op != Op::Connect) return give_up("first command was not Connect");
    port_ = static_cast<std::uint16_t>(m.a);
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0 || !watch(command_fd_, kCommandKey)) return give_up("epoll: ", errno);
    conns_.reserve(plan_.count);
    std::vector<epoll_event> events(1024);
    bool connected_sent = false;
    for (;;) {
      while (conns_.size() < plan_.count && conns_.size() - ready_ < kInFlight)
        if (!open_next()) return 1;
      if (!connected_sent && ready_ == plan_.count) {
        reply(Message(Op::Connected));
        connected_sent = true;
      }
      bool more_to_open = conns_.size() < plan_.count && conns_.size() - ready_ < kInFlight;
      int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), more_to_open ? 0 : -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return give_up("epoll_wait: ", errno);
      }
      for (int i = 0; i < n; ++i) {
        std::uint64_t key = events[i].data.u64;
        if (key == kCommandKey) {
          if (!read_command(m)) return 0;  // the parent is done with us
          if (!on_command(m)) return 1;
        } else if (!on_readable(conns_[key])) {
          return 1;
        }
      }
    }
  }

 private:
  struct Conn {
    explicit Conn(int fd_) : fd(fd_) {}
    int fd;
    std::uint64_t lines = 0;  // since the last Expect (or since connecting)
    bool logged_in = false;
    bool synced = false;
    std::string tail;  // last bytes read, while draining
  };

  bool watch(int fd, std::uint64_t key) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = key;
    return epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) == 0;
  }

  bool open_next() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail("socket: ", errno);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port_);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Blocking connect: on loopback the handshake completes in the kernel, before accept().
    int rc;
    do {
      rc = connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      int err = errno;
      close(fd);
      return fail("connect: ", err);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    std::size_t index = conns_.size();
    conns_.emplace_back(fd);
    if (!watch(fd, index)) return fail("epoll_ctl: ", errno);
    if (plan_.password.empty()) {
      conns_.back().logged_in = true;
      ++ready_;
    } else {
      std::string login = plan_.password + "\n" + plan_.name_prefix + std::to_string(index) + "\n";
      if (send(fd, login.data(), login.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(login.size()))
        return fail("sending the login: ", errno);
    }
    return true;
  }

  bool on_readable(Conn& c) {
    ssize_t n = read(c.fd, buffer_, sizeof buffer_);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return true;
      return fail("read: ", errno);
    }
    if (n == 0) return fail("a connection was closed by the server");
    std::string_view got(buffer_, static_cast<std::size_t>(n));
    auto lines = static_cast<std::uint64_t>(std::count(got.begin(), got.end(), '\n'));
    c.lines += lines;
    if (!c.logged_in && c.lines >= kLoginLines) {
      c.logged_in = true;
      ++ready_;
    }
    if (draining_ && !c.synced) track_marker(c, got);
    if (batch_ == 0) return true;
    total_ += lines;
    while (total_ >= next_report_) {
      reply(Message(Op::Batch, total_));
      next_report_ += batch_;
    }
    return true;
  }

  void track_marker(Conn& c, std::string_view got) {
    c.tail.append(got.substr(got.size() > marker_.size() ? got.size() - marker_.size() : 0));
    if (c.tail.size() > marker_.size()) c.tail.erase(0, c.tail.size() - marker_.size());
    if (c.tail != marker_) return;
    c.synced = true;
    std::string().swap(c.tail);
    if (++synced_ == conns_.size()) {
      draining_ = false;
      reply(Message(Op::Drained));
    }
  }

  bool on_command(const Message& m) {
    switch (m.op) {
      case Op::Drain:
        marker_ = m.text;
        draining_ = true;
        synced_ = 0;
        for (Conn& c : conns_) {
          c.synced = false;
          c.tail.clear();
        }
        reply(Message(Op::Draining));
        return true;
      case Op::Expect:
        batch_ = m.a;
        total_ = 0;
        next_report_ = batch_;
        for (Conn& c : conns_) c.lines = 0;
        cpu_at_expect_ = process_cpu_ns();
        reply(Message(Op::Expecting));
        return true;
      case Op::Tally: {
        std::uint64_t lo = UINT64_MAX, hi = 0;
        for (const Conn& c : conns_) {
          lo = std::min(lo, c.lines);
          hi = std::max(hi, c.lines);
        }
        if (conns_.empty()) lo = 0;
        reply(Message(Op::Tally, lo, hi, process_cpu_ns() - cpu_at_expect_));
        return true;
      }
      default: return fail("unexpected command");
    }
  }

  bool read_command(Message& m) {
    ssize_t n;
    do {
      n = read(command_fd_, &m, sizeof m);
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(sizeof m);
  }

  void reply(Message m) {
    ssize_t ignored = write(reply_fd_, &m, sizeof m);
    (void)ignored;
  }

  // Tells the parent why, then the caller ends the child.
  bool fail(std::string_view what, int err = 0) {
    Message m(Op::Failed);
    std::string text(what);
    if (err) text += std::strerror(err);
    m.set_text(text);
    reply(m);
    return false;
  }
  int give_up(std::string_view what, int err = 0) {
    fail(what, err);
    return 1;
  }

  const ReceiverPlan& plan_;
  int command_fd_;
  int reply_fd_;
  int epfd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<Conn> conns_;
  std::size_t ready_ = 0;
  bool draining_ = false;
  std::string marker_;
  std::size_t synced_ = 0;
  std::uint64_t batch_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t next_report_ = 0;
  std::uint64_t cpu_at_expect_ = 0;
  char buffer_[64 * 1024]{};
};

}  // namespace

bool ReceiverProcess::start(const ReceiverPlan& plan, std::string& error) {
  int command[2], replies[2];
  if (pipe2(command, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  if (pipe2(replies, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    close(command[0]);
    close(command[1]);
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    for (int fd : {command[0], command[1], replies[0], replies[1]}) close(fd);
    return false;
  }
  if (pid == 0) {
    close(command[1]);
    close(replies[0]);
    prctl(PR_SET_NAME, "bench-receivers");
    int status;
    {
      auto child = std::make_unique<Child>(plan, command[0], replies[1]);
      status = child->run();
    }
    _exit(status);  // never run the parent's atexit handlers or flush its buffers
  }
  close(command[0]);
  close(replies[1]);
  pid_ = pid;
  command_fd_ = command[1];
  reply_fd_ = replies[0];
  fcntl(reply_fd_, F_SETFL, fcntl(reply_fd_, F_GETFL) | O_NONBLOCK);
  return true;
}

void ReceiverProcess::stop() {
  if (pid_ < 0) return;
  close(command_fd_);
  command_fd_ = -1;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  close(reply_fd_);
  reply_fd_ = -1;
  pid_ = -1;
}

bool ReceiverProcess::send(const Message& m) {
  ssize_t n;
  do {
    n = write(command_fd_, &m, sizeof m);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof m);
}

bool ReceiverProcess::try_take(Message& out) {
  ssize_t n;
  do {
    n = read(reply_fd_, &out, sizeof out);
  } while (n < 0 && errno == EINTR);
  if (n == 0) {  // the child is gone without a word
    out = Message(Op::Failed);
    out.set_text("the receiver process exited");
    return true;
  }
  return n == static_cast<ssize_t>(sizeof out);
}

bool ReceiverProcess::wait(Message& out, int timeout_ms) {
  pollfd p{reply_fd_, POLLIN, 0};
  int n;
  do {
    n = poll(&p, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n > 0 && try_take(out);
}

}  // namespace bench
