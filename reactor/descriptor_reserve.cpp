// DescriptorReserve implementation.
#include "reactor/descriptor_reserve.h"

#include <fcntl.h>
#include <unistd.h>

namespace reactor {

DescriptorReserve::~DescriptorReserve() { release(); }

void DescriptorReserve::release() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool DescriptorReserve::restore() {
  if (fd_ < 0) fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd_ >= 0;
}

}  // namespace reactor
