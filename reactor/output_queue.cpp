// OutputQueue implementation: send()/sendmsg() over the queued payloads.
#include "reactor/output_queue.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace reactor {
namespace {
#ifdef IOV_MAX
constexpr std::size_t kMaxIov = std::min<std::size_t>(IOV_MAX, 1024);
#else
constexpr std::size_t kMaxIov = 1024;
#endif
// Queues that once held a burst give their memory back when drained.
constexpr std::size_t kKeptCapacity = 16;
#if CHAT_HAVE_MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SIGPIPE is ignored process-wide (SignalPipe)
#endif

// The socket calls skip the VFS layer write()/writev() go through: a few per cent less kernel
// time per call on Linux loopback (docs/PERFORMANCE.md), and fan-out is one call per
// recipient. A descriptor that is not a socket (a test's pipe) falls back to writev().
ssize_t write_vector(int fd, iovec* iov, std::size_t count) {
  ssize_t n;
  if (count == 1) {
    n = ::send(fd, iov[0].iov_base, iov[0].iov_len, kSendFlags);
  } else {
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = static_cast<decltype(message.msg_iovlen)>(count);
    n = ::sendmsg(fd, &message, kSendFlags);
  }
  if (n < 0 && errno == ENOTSOCK) n = ::writev(fd, iov, static_cast<int>(count));
  return n;
}
}  // namespace

FlushResult OutputQueue::flush_to(int fd) {
  iovec iov[kMaxIov];
  while (bytes_ > 0) {
    std::size_t count = 0;
    std::size_t offered = 0;
    for (std::size_t i = head_; i < items_.size() && count < kMaxIov; ++i, ++count) {
      std::size_t skip = (i == head_) ? front_offset_ : 0;
      iov[count].iov_base = const_cast<char*>(items_[i].data() + skip);
      iov[count].iov_len = items_[i].size() - skip;
      offered += iov[count].iov_len;
    }
    ssize_t n = write_vector(fd, iov, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return FlushResult::Pending;
      return FlushResult::Failed;
    }
    consume(static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < offered) return FlushResult::Pending;
  }
  return FlushResult::Drained;
}

void OutputQueue::consume(std::size_t written) {
  if (written == bytes_) {  // the usual case: all of it, released in one walk
    clear();
    return;
  }
  bytes_ -= written;
  while (written > 0) {
    std::size_t left = items_[head_].size() - front_offset_;
    if (written < left) {
      front_offset_ += written;
      return;
    }
    written -= left;
    items_[head_] = PayloadRef();
    ++head_;
    front_offset_ = 0;
  }
  if (head_ == items_.size()) {
    clear();
  } else if (head_ > 64 && head_ * 2 > items_.size()) {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void OutputQueue::clear() {
  items_.clear();
  if (items_.capacity() > kKeptCapacity) std::vector<PayloadRef>().swap(items_);
  head_ = 0;
  front_offset_ = 0;
  bytes_ = 0;
}

}  // namespace reactor
