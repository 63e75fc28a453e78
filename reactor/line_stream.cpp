// LineStream: the read() and flush parts that need no inlining (see line_stream.h).
#include "reactor/line_stream.h"

#include <unistd.h>

#include <cerrno>

namespace reactor {

ReadResult read_once(int fd, std::span<char> buffer) {
  ssize_t n;
  do {
    n = ::read(fd, buffer.data(), buffer.size());
  } while (n < 0 && errno == EINTR);
  if (n > 0) return {ReadStatus::Open, static_cast<std::size_t>(n), 0};
  if (n == 0) return {buffer.empty() ? ReadStatus::Open : ReadStatus::Ended, 0, 0};
  if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
  return {ReadStatus::Failed, 0, errno};
}

void LineStream::attach(int fd) {
  detach();
  fd_ = fd;
  read_ended_ = false;
  read_error_ = 0;
  write_blocked_ = false;
  write_failed_ = false;
  write_error_ = 0;
}

void LineStream::detach() {
  fd_ = -1;
  out_.clear();
  write_blocked_ = false;
  if (!in_read_) release_input();
}

void LineStream::release_input() { framer_ = LineFramer(framer_.max_line()); }

FlushResult LineStream::flush() {
  if (write_failed_ || fd_ < 0) return FlushResult::Failed;
  if (out_.empty()) {
    write_blocked_ = false;
    return FlushResult::Drained;
  }
  FlushResult result = out_.flush_to(fd_);
  write_blocked_ = result == FlushResult::Pending;
  if (result == FlushResult::Failed) {
    write_failed_ = true;
    write_error_ = errno;
    out_.clear();
  }
  return result;
}

}  // namespace reactor
