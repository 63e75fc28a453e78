// A real redis-server for tests (see redis_server.h).
#include "redis_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

namespace harness {

std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

RedisServer::RedisServer(std::vector<std::string> extra_args) {
  const std::string binary = on_path("redis-server");
  if (binary.empty()) {
    ADD_FAILURE() << "redis-server is not on PATH: .ci/install-deps installs it (apt-get install redis-server)";
    return;
  }
  port_ = unused_port();
  argv_ = {binary,         "--port", std::to_string(port_), "--bind", "127.0.0.1",    "--save", "",
           "--appendonly", "no",     "--daemonize",         "no",     "--maxclients", "2000"};
  argv_.insert(argv_.end(), extra_args.begin(), extra_args.end());
  launch();
}

bool RedisServer::launch() {
  listening_ = false;
  pid_ = fork();
  if (pid_ == 0) {
    int log = open(log_.path.c_str(), O_WRONLY | O_APPEND);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    exec_child(argv_, {});
  }
  auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    int fd = connect_to(port_);
    if (fd >= 0) {
      ::close(fd);
      listening_ = true;
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "redis-server did not listen on " << port_ << ":\n" << read_file(log_.path);
  return false;
}

bool RedisServer::restart() {
  if (pid_ > 0) kill_now();
  return launch();
}

void RedisServer::freeze(bool frozen) {
  if (pid_ > 0) kill(pid_, frozen ? SIGSTOP : SIGCONT);
}

std::string RedisServer::log() const { return read_file(log_.path); }

RedisServer::~RedisServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGCONT);  // in case a test left it frozen
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

void RedisServer::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace harness
