// OutputQueue: the bytes a connection still owes its peer, as a queue of shared payloads.
// Per recipient a queued line costs one PayloadRef; only the front carries an offset.
// Everything queued goes out in as few send()/sendmsg() calls as the kernel allows.
#pragma once

#include <cstddef>
#include <vector>

#include "reactor/payload.h"

namespace reactor {

enum class FlushResult {
  Drained,  // nothing left to write
  Pending,  // the kernel's buffer is full: wait for writability
  Failed,   // the peer is gone (errno set)
};

class OutputQueue {
 public:
  void push(PayloadRef payload) {
    if (payload.size() == 0) return;
    bytes_ += payload.size();
    items_.push_back(std::move(payload));
  }
  // Bytes not yet accepted by the kernel.
  std::size_t bytes() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }
  // Writes as much as the kernel accepts, retrying EINTR.
  FlushResult flush_to(int fd);
  void clear();
  // A drained queue keeps a few slots for the next lines; an idle connection can give them
  // back (the server does so before trimming the heap). A queue with bytes keeps everything.
  void release_spare_capacity() {
    if (bytes_ == 0) std::vector<PayloadRef>().swap(items_);
  }

 private:
  void consume(std::size_t written);

  std::vector<PayloadRef> items_;
  std::size_t head_ = 0;          // first item not fully written
  std::size_t front_offset_ = 0;  // bytes of items_[head_] already written
  std::size_t bytes_ = 0;
};

}  // namespace reactor
