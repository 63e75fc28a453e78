// DuringRun: fork, exec /bin/sh -c, waitpid(WNOHANG).
#include "bin/chat_swarm/during_run.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace swarm {

bool DuringRun::start(std::int64_t now_ns, std::string& error) {
  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  if (pid == 0) {
    // The child: its own process group (so stop() reaches what it starts), no stdin, the
    // swarm's descriptors closed on exec (they are all CLOEXEC).
    (void)setpgid(0, 0);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) (void)dup2(null, STDIN_FILENO);
    sigset_t none;
    (void)sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, nullptr);
    (void)std::signal(SIGPIPE, SIG_DFL);  // the swarm ignores it; a shell pipeline needs it
    execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  (void)setpgid(pid, pid);  // also here: whichever runs first
  pid_ = pid;
  started_ns_ = now_ns;
  return true;
}

bool DuringRun::poll(std::int64_t now_ns) {
  if (pid_ <= 0) return started();
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) ended(status, now_ns);
  return pid_ <= 0;
}

void DuringRun::stop() {
  if (pid_ <= 0) return;
  (void)kill(-pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  outcome_ = "stopped at the end of the run";
}

void DuringRun::ended(int status, std::int64_t now_ns) {
  pid_ = -1;
  ended_ns_ = now_ns;
  if (WIFEXITED(status)) {
    outcome_ = "exited " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    outcome_ = "killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    outcome_ = "ended";
  }
}

}  // namespace swarm
