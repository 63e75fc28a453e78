// Writes each log line with one write() so lines from a busy server never interleave.
#include "bin/chat_server/log.h"

#include <unistd.h>

#include <ctime>
#include <string>

namespace chat_server {

void log_line(std::string_view message) {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S ", &local);
  std::string line;
  line.reserve(n + message.size() + 1);
  line.append(stamp, n).append(message).push_back('\n');
  ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace chat_server
