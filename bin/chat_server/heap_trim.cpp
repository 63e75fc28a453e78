// glibc only (mallinfo2, malloc_trim); elsewhere the allocator is left to itself.
#include "bin/chat_server/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace chat_server {

std::size_t free_heap_bytes() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return mallinfo2().fordblks;
#else
  return 0;
#endif
}

std::size_t trim_if_worthwhile(std::size_t threshold) {
  std::size_t free_bytes = free_heap_bytes();
#if defined(__GLIBC__)
  if (free_bytes >= threshold) malloc_trim(0);
#endif
  return free_bytes;
}

}  // namespace chat_server
