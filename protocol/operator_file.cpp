// The bounded operator-file reader (see operator_file.h). O_NONBLOCK makes open() of a FIFO
// return at once instead of waiting for a writer; fstat() on the descriptor then refuses
// anything that is not a regular file, with no window between checking and reading.
#include "protocol/operator_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace chat {
namespace {

// Closes the descriptor on every return path.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

bool read_operator_file(const std::string& path, std::size_t cap, std::string& content, std::string& error) {
  Descriptor file{open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (fstat(file.fd, &st) != 0) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return false;
  }
  // One byte over the cap tells "too big" from "exactly the cap", whatever st_size claimed.
  std::string text(cap + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = read(file.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("cannot read: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > cap) {
    error = "longer than " + std::to_string(cap) + " bytes";
    return false;
  }
  text.resize(got);
  content = std::move(text);
  return true;
}

}  // namespace chat
