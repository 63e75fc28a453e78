// DescriptorReserve: one descriptor held back so that, when the process runs out (EMFILE),
// the server can still accept the waiting connection, tell it "full" and close it, instead of
// leaving it in the backlog where level-triggered polling would report it forever (a spin).
#pragma once

namespace reactor {

class DescriptorReserve {
 public:
  DescriptorReserve() { restore(); }
  ~DescriptorReserve();
  DescriptorReserve(const DescriptorReserve&) = delete;
  DescriptorReserve& operator=(const DescriptorReserve&) = delete;

  // Frees the reserved descriptor for immediate use.
  void release();
  // Takes a descriptor back into reserve; false if none is free right now.
  bool restore();
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace reactor
