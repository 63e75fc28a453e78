// What /proc says about a running process: CPU time and resident memory, for tests that bound them.
#pragma once

#include <sys/types.h>

namespace harness {

// CPU time (user + system) a process has used, in seconds, from /proc/PID/stat; -1 if unreadable.
double cpu_seconds(pid_t pid);

// Resident memory of a process in KiB, from /proc/PID/status; -1 if unreadable.
long rss_kib(pid_t pid);

}  // namespace harness
