// Connection: everything the connection layer keeps for one client socket. Owned by the
// layer's table (connection_table.h) under its ClientId; freed only between event batches
// (ConnectionLayer::cull). A door keeps its own state in `session`.
#pragma once

#include <memory>
#include <string>

#include "net/connection_handler.h"
#include "net/source_budget.h"
#include "protocol/client_id.h"
#include "reactor/line_stream.h"
#include "reactor/socket.h"
#include "reactor/timer_queue.h"
#include "reactor/token_bucket.h"

namespace net {

enum class Phase {
  Open,       // reading lines and receiving output
  Closing,    // flushing the last lines (goodbye) before shutting down the write side
  Lingering,  // write side shut; reading and discarding until the peer closes, so an
              // unread byte never turns our close into a reset that eats the goodbye
  Dead,       // queued for cull: no more reads, writes or deliveries
};

struct Connection {
  Connection(int fd, reactor::PeerAddress peer_, ConnectionHandler& handler_, std::size_t max_line, double rate,
             double burst)
      : peer(std::move(peer_)), handler(&handler_), stream(max_line), bucket(rate, burst) {
    stream.attach(fd);
  }

  int fd() const { return stream.fd(); }

  chat::ClientId id;  // set by ConnectionTable::insert; what timers and the doors hold
  reactor::PeerAddress peer;
  ConnectionHandler* handler;            // the door of the listener it came through
  std::unique_ptr<DoorSession> session;  // the door's state (set in on_open)
  std::string name;                      // set by the door once known: shown in the log
  // Line I/O; a door that is not line-framed (HTTP, then WebSocket) sets `raw` in on_open
  // and gets bytes (LineStream::read_bytes, ConnectionHandler::on_bytes) instead of lines.
  reactor::LineStream stream;
  reactor::TokenBucket bucket;     // lines, over-long and empty ones included
  SourceBudget* source = nullptr;  // bytes, shared with the address's other connections
  reactor::TimerId auth_timer;     // armed until the door calls logged_in()
  reactor::TimerId resume_timer;   // armed while paused by flood control
  reactor::TimerId close_timer;    // bounds Closing + Lingering
  Phase phase = Phase::Open;
  std::string close_reason;       // for the log
  bool held = false;              // the door said Hold: frames wait for resume_input()
  bool resume_requested = false;  // resume_input() came: offer the held frames at the end of the iteration
  bool frame_paid = false;        // the held frame was charged to flood control already
  bool output_broken = false;     // the peer cannot receive any more: output is discarded
  bool flush_scheduled = false;
  bool watched = true;      // registered with the poller
  bool raw = false;         // bytes to the door, which frames them (set by the door in on_open)
  bool raw_paused = false;  // raw: the door waits for a token or resume_input(); no reading
};

}  // namespace net
