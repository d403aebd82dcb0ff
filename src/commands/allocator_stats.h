// What the memory allocator and the kernel report about this process's memory, shared by
// INFO memory and the MEMORY subcommands.
#pragma once

#include <cstdint>
#include <string>

namespace strata {

// Allocator figures in bytes; zeros where the allocator cannot tell.
struct AllocatorStats {
  std::uint64_t allocated = 0;  // handed out to the program (used_memory)
  std::uint64_t active = 0;     // in pages the allocator is using
  std::uint64_t resident = 0;   // kept resident by the allocator
  std::string allocator;        // "jemalloc-5.3.0", or "libc" under glibc's malloc
};

// With jemalloc, its statistics (refreshed by advancing the epoch first); otherwise glibc's
// mallinfo2, where active and resident are both what the heap holds (arena + mmapped).
AllocatorStats ReadAllocatorStats();

// The process's resident set size, from /proc/self/statm; 0 when it cannot be read.
std::uint64_t ProcessRssBytes();

}  // namespace strata
