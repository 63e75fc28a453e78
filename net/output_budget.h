// The server-wide budget for queued output (--max-output-total): its default, derived from the
// memory the process may use. ConnectionLayer::shed_output (output_budget.cpp) enforces it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace net {

// `configured`, or for 0 the default: a quarter of the memory available to the process (the
// physical memory, or a smaller cgroup limit), at least 64 MiB.
std::size_t effective_output_budget(std::size_t configured);

// The default from its inputs, each 0 when unknown: a quarter of the smaller one, at least
// 64 MiB; 1 GiB when neither is known.
std::size_t default_output_budget(std::uint64_t physical_bytes, std::uint64_t cgroup_limit_bytes);

}  // namespace net
