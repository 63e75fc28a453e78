// A real redis-server for tests: on a free loopback port, persistence off, stopped by its
// PID. Shared by the swarm's side-by-side tests and the RESP client's tests. redis-server
// is a dependency of `make test` (.ci/install-deps), so a missing one fails the test.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"

namespace harness {

// The first executable `name` on PATH, or "".
std::string on_path(const std::string& name);

class RedisServer {
 public:
  // Fails the current test (then ok() is false) when redis-server is not on PATH or does not
  // listen within the deadline. `extra_args` are more flags ("--requirepass", "pw").
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0 && listening_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // SIGKILL, as a crash: connections are reset with no goodbye.
  void kill_now();
  // Starts it again on the same port with the same flags (after kill_now()); false (and the
  // test fails) when it does not listen.
  bool restart();
  // Stops and continues the process (a frozen Redis).
  void freeze(bool frozen);
  // Everything it logged so far.
  std::string log() const;

 private:
  bool launch();
  std::vector<std::string> argv_;
  TempFile log_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool listening_ = false;
};

}  // namespace harness
