// DescriptorReserve: holds one descriptor back and gives it up and takes it again under EMFILE.
#include "reactor/descriptor_reserve.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

using reactor::DescriptorReserve;

namespace {

int open_null() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

// Whether one more descriptor can be opened; the probe is closed again, so it costs none.
bool can_open() {
  int fd = open_null();
  if (fd < 0) return false;
  close(fd);
  return true;
}

// Failure inside a forked child: say what broke on stderr and exit with a non-zero code.
[[noreturn]] void fail(const char* what) {
  (void)std::fprintf(stderr, "%s (errno %d)\n", what, errno);
  _exit(1);
}

}  // namespace

TEST(DescriptorReserve, HoldsOneDescriptor) {
  int before = open_null();
  ASSERT_GE(before, 0);
  close(before);
  {
    DescriptorReserve reserve;
    EXPECT_TRUE(reserve.held());
    // The reserve took the lowest free number.
    EXPECT_EQ(fcntl(before, F_GETFD), FD_CLOEXEC);
    reserve.release();
    EXPECT_FALSE(reserve.held());
    EXPECT_EQ(fcntl(before, F_GETFD), -1);
    reserve.release();  // twice: harmless
    EXPECT_TRUE(reserve.restore());
    EXPECT_TRUE(reserve.restore());  // already held: keeps the one it has
    EXPECT_TRUE(reserve.held());
  }
  // The destructor gave it back.
  EXPECT_EQ(fcntl(before, F_GETFD), -1);
}

TEST(DescriptorReserve, ReleaseAndRestoreUnderEmfile) {
  // In a child with RLIMIT_NOFILE lowered, so the test process keeps its limits and files.
  EXPECT_EXIT(
      {
        rlimit lim{};
        if (getrlimit(RLIMIT_NOFILE, &lim) != 0) fail("getrlimit");
        lim.rlim_cur = 64;
        if (setrlimit(RLIMIT_NOFILE, &lim) != 0) fail("setrlimit");
        DescriptorReserve reserve;
        if (!reserve.held()) fail("no reserve with descriptors to spare");
        // Use up every other descriptor.
        std::vector<int> used;
        for (int fd; (fd = open_null()) >= 0;) used.push_back(fd);
        if (errno != EMFILE) fail("expected EMFILE");
        if (used.empty()) fail("nothing could be opened");
        if (can_open()) fail("open succeeded at the limit");
        // Spending the reserve makes exactly one descriptor available.
        reserve.release();
        if (reserve.held()) fail("held after release");
        int spare = open_null();
        if (spare < 0) fail("release did not free a descriptor");
        if (can_open()) fail("release freed more than one descriptor");
        // Nothing free: restore fails and says so, without spinning or crashing.
        if (reserve.restore()) fail("restore claimed success with no descriptor free");
        if (reserve.held()) fail("held after a failed restore");
        // Once one is free again, restore takes it.
        close(spare);
        if (!reserve.restore()) fail("restore failed with a descriptor free");
        if (!reserve.held()) fail("not held after restore");
        if (can_open()) fail("restore did not take the free descriptor");
        errno = 0;
        if (can_open() || errno != EMFILE) fail("expected EMFILE with the reserve held");
        _exit(0);
      },
      testing::ExitedWithCode(0), "");
}
