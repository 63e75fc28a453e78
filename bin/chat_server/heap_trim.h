// Gives freed heap back to the system. A login storm queues about N²/2 join notices, and
// glibc keeps the freed memory mapped afterwards: 10 000 idle clients measured 39.6 MB of
// RSS before a trim and 9.6 MB after (docs/PERFORMANCE.md). The server calls
// trim_if_worthwhile() on a slow timer; it trims only when much of the heap is free.
#pragma once

#include <cstddef>

namespace chat_server {

// Free bytes held by the allocator (0 where that cannot be known).
std::size_t free_heap_bytes();

// Returns the bytes of free heap found, and trims when there are at least `threshold`.
std::size_t trim_if_worthwhile(std::size_t threshold);

}  // namespace chat_server
