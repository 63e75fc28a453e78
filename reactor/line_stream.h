// LineStream: one non-blocking descriptor's line I/O. Reads what is there into a buffer the
// caller lends, frames it with a LineFramer, queues output in an OutputQueue and flushes it;
// EINTR and EAGAIN are handled here once, and EOF and errors come back as values.
//
// The read buffer is borrowed, not owned, so a process with many streams (the server, the
// swarm) keeps one 64 KiB buffer for all of them, and an idle stream holds no buffer at all
// (the framer keeps only a partial line). Reads are bounded per call: the server passes
// max_reads = 1, one read per readiness for fairness (level-triggered polling comes back for
// the rest); a further read() is made only when the previous one filled the whole buffer, so
// the common case costs exactly one system call and never an extra EAGAIN. Reading stops
// while the frame callback refuses frames (paused()): the caller drops read interest and
// later calls resume(), as the server's flood control does from its resume timer. The
// server's connections (net/connection.h) hold one each; their output budget reads
// output_bytes() around flush(). chat-client (server socket and standard input) and
// chat-swarm use it too.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "reactor/line_framer.h"
#include "reactor/output_queue.h"

namespace reactor {

enum class ReadStatus {
  Open,    // read what was there (perhaps nothing); more may come
  Ended,   // the peer closed its side (EOF)
  Failed,  // a read error, e.g. a reset: ReadResult::error says which
};

struct ReadResult {
  ReadStatus status = ReadStatus::Open;
  std::size_t bytes = 0;  // read in this call, whatever the status
  int error = 0;          // errno of the failed read()
};

// One read() into `buffer`, EINTR retried. Nothing there (EAGAIN) is Open with 0 bytes.
ReadResult read_once(int fd, std::span<char> buffer);

class LineStream {
 public:
  explicit LineStream(std::size_t max_line) : framer_(max_line) {}

  // The descriptor is not owned: closing it stays with the caller (which may want a reset,
  // or a shutdown first). attach() starts a fresh stream on `fd`.
  void attach(int fd);
  int fd() const { return fd_; }
  bool attached() const { return fd_ >= 0; }
  // Forgets the descriptor and drops buffered input and output. Safe from inside a frame
  // callback: the framer is released once the read that called back returns.
  void detach();

  // Reads what is there, at most `max_reads` read()s, and hands each chunk to
  // on_bytes(std::string_view), which returns false to stop reading. Raw bytes: for a
  // protocol that is not lines (Redis replies, a terminal's keys).
  template <class OnBytes>
  ReadResult read_bytes(std::span<char> buffer, OnBytes&& on_bytes, std::size_t max_reads = 1) {
    ReadResult total;
    if (fd_ < 0 || read_ended_) return end_result();
    for (std::size_t i = 0; i < max_reads; ++i) {
      ReadResult r = read_once(fd_, buffer);
      total.bytes += r.bytes;
      if (r.status != ReadStatus::Open) {
        read_ended_ = true;
        read_error_ = r.error;
        total.status = r.status;
        total.error = r.error;
        return total;
      }
      if (r.bytes == 0) break;  // nothing more there now
      if (!on_bytes(std::string_view(buffer.data(), r.bytes)) || fd_ < 0) break;
      if (r.bytes < buffer.size()) break;  // a short read: the kernel had no more
    }
    return total;
  }

  // Reads what is there and calls on_frame(Frame, std::string_view) for each complete line
  // and each over-long one (LineFramer::feed). on_frame returns false to refuse a frame:
  // it and all after it stay buffered, reading stops (paused()) until resume().
  template <class OnFrame>
  ReadResult read_available(std::span<char> buffer, OnFrame&& on_frame, std::size_t max_reads = 1) {
    if (framer_.blocked()) return end_result();  // paused: the kernel keeps what is there
    in_read_ = true;
    ReadResult r = read_bytes(
        buffer,
        [this, &on_frame](std::string_view bytes) {
          framer_.feed(bytes, on_frame);
          return !framer_.blocked();
        },
        max_reads);
    in_read_ = false;
    if (fd_ < 0) release_input();
    return r;
  }

  // While paused: reads what is there into the buffered input without offering a frame
  // (they wait for resume()), so that a peer that hung up is seen to have ended
  // (read_ended()) while its last lines are still to be processed.
  ReadResult read_into_backlog(std::span<char> buffer, std::size_t max_reads = 1) {
    return read_bytes(
        buffer,
        [this](std::string_view bytes) {
          framer_.feed(bytes, [](Frame, std::string_view) { return false; });
          return true;
        },
        max_reads);
  }

  // Offers the refused frames again; returns !paused().
  template <class OnFrame>
  bool resume(OnFrame&& on_frame) {
    in_read_ = true;
    bool drained = framer_.resume(on_frame);
    in_read_ = false;
    if (fd_ < 0) release_input();
    return drained;
  }

  // At the end of input, offers a trailing line that has no '\n' as a line. Returns true
  // when nothing is left buffered.
  template <class OnFrame>
  bool finish_partial_line(OnFrame&& on_frame) {
    if (framer_.blocked()) return false;
    if (framer_.buffered_bytes() > 0) {
      in_read_ = true;
      framer_.feed("\n", on_frame);
      in_read_ = false;
      if (fd_ < 0) release_input();
    }
    return !framer_.blocked() && framer_.buffered_bytes() == 0;
  }

  // Queues bytes for the peer. Dropped once writing failed: they could never arrive.
  void push(PayloadRef payload) {
    if (!write_failed_) out_.push(std::move(payload));
  }
  void push_copy(std::string_view bytes) {
    if (!write_failed_ && !bytes.empty()) out_.push(PayloadRef::copy_of(bytes));
  }
  // Writes what is queued (send()/sendmsg(), EINTR retried). Pending: the kernel's buffer
  // is full, wait for writability. Failed: the peer is gone; the queue is dropped and
  // write_error() says why.
  FlushResult flush();

  bool paused() const { return framer_.blocked(); }
  bool read_ended() const { return read_ended_; }
  int read_error() const { return read_error_; }
  bool write_blocked() const { return write_blocked_; }
  bool write_failed() const { return write_failed_; }
  int write_error() const { return write_error_; }
  std::size_t output_bytes() const { return out_.bytes(); }
  bool output_empty() const { return out_.empty(); }
  std::size_t input_bytes() const { return framer_.buffered_bytes(); }
  std::size_t max_line() const { return framer_.max_line(); }
  OutputQueue& output() { return out_; }

 private:
  ReadResult end_result() const {
    ReadResult r;
    if (read_ended_) {
      r.status = read_error_ ? ReadStatus::Failed : ReadStatus::Ended;
      r.error = read_error_;
    }
    return r;
  }
  void release_input();

  int fd_ = -1;
  LineFramer framer_;
  OutputQueue out_;
  bool in_read_ = false;  // inside a frame callback: the framer must outlive it
  bool read_ended_ = false;
  int read_error_ = 0;
  bool write_blocked_ = false;
  bool write_failed_ = false;
  int write_error_ = 0;
};

}  // namespace reactor
