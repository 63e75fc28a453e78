// Connection: everything the server keeps for one client socket. Owned by Server's table
// (connection_table.h) under its ClientId; freed only between event batches (see Server::cull).
#pragma once

#include <string>

#include "bin/chat_server/source_budget.h"
#include "protocol/client_id.h"
#include "protocol/login_state.h"
#include "reactor/line_framer.h"
#include "reactor/output_queue.h"
#include "reactor/socket.h"
#include "reactor/timer_queue.h"
#include "reactor/token_bucket.h"

namespace chat_server {

enum class Phase {
  Open,       // reading lines and receiving output
  Closing,    // flushing the last lines (goodbye) before shutting down the write side
  Lingering,  // write side shut; reading and discarding until the peer closes, so an
              // unread byte never turns our close into a reset that eats the goodbye
  Dead,       // queued for cull: no more reads, writes or deliveries
};

struct Connection {
  Connection(int fd_, reactor::PeerAddress peer_, std::size_t max_line, double rate, double burst)
      : fd(fd_), peer(std::move(peer_)), framer(max_line), bucket(rate, burst) {}

  int fd;
  chat::ClientId id;  // set by ConnectionTable::insert; what timers and the Room hold
  reactor::PeerAddress peer;
  chat::LoginState login;
  reactor::LineFramer framer;
  reactor::OutputQueue out;
  reactor::TokenBucket bucket;     // lines, over-long and empty ones included
  SourceBudget* source = nullptr;  // bytes, shared with the address's other connections
  reactor::TimerId auth_timer;     // armed until the name is accepted
  reactor::TimerId resume_timer;   // armed while paused by flood control
  reactor::TimerId close_timer;    // bounds Closing + Lingering
  Phase phase = Phase::Open;
  std::string close_reason;    // for the log
  bool read_ended = false;     // EOF or error on the read side: only buffered lines remain
  bool write_blocked = false;  // the kernel refused bytes: wait for writability
  bool output_broken = false;  // the peer cannot receive any more: output is discarded
  bool flush_scheduled = false;
  bool watched = true;  // registered with the poller
};

}  // namespace chat_server
