// DuringRun: the command of --during-run (kill a node, restart Redis...), run once through
// /bin/sh at a given second of the sending, in its own process group, its output on the
// swarm's stderr; the swarm polls it for its end and stops it if it outlives the run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace swarm {

class DuringRun {
 public:
  explicit DuringRun(std::string command) : command_(std::move(command)) {}
  ~DuringRun() { stop(); }
  DuringRun(const DuringRun&) = delete;
  DuringRun& operator=(const DuringRun&) = delete;

  // Starts it; false (with `error`) when it could not be started.
  bool start(std::int64_t now_ns, std::string& error);
  // Checks for its end without waiting; true once it has ended.
  bool poll(std::int64_t now_ns);
  // Ends it (SIGTERM to its process group) if it still runs, and reaps it.
  void stop();

  const std::string& command() const { return command_; }
  bool started() const { return started_ns_ >= 0; }
  bool running() const { return pid_ > 0; }
  std::int64_t started_ns() const { return started_ns_; }
  std::int64_t ended_ns() const { return ended_ns_; }
  // "exited 0", "exited 3", "killed by signal 9", "stopped at the end of the run".
  const std::string& outcome() const { return outcome_; }
  bool succeeded() const { return outcome_ == "exited 0"; }

 private:
  void ended(int status, std::int64_t now_ns);

  std::string command_;
  pid_t pid_ = -1;
  std::int64_t started_ns_ = -1;
  std::int64_t ended_ns_ = -1;
  std::string outcome_;
};

}  // namespace swarm
