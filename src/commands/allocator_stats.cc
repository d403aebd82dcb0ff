// ReadAllocatorStats and ProcessRssBytes.
#include "commands/allocator_stats.h"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#ifdef STRATA_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#elif defined(__SANITIZE_ADDRESS__)
// Exported by the AddressSanitizer runtime (GCC's packaging lacks the header declaring them).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
extern "C" std::size_t __sanitizer_get_heap_size();
#else
#include <malloc.h>
#endif

namespace strata {

AllocatorStats ReadAllocatorStats() {
  AllocatorStats st;
#ifdef STRATA_HAVE_JEMALLOC
  // jemalloc caches its statistics until the epoch is advanced.
  std::uint64_t epoch = 1;
  std::size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
  auto stat = [](const char* name) -> std::uint64_t {
    std::size_t value = 0;
    std::size_t sz = sizeof(value);
    return mallctl(name, &value, &sz, nullptr, 0) == 0 ? value : 0;
  };
  st.allocated = stat("stats.allocated");
  st.active = stat("stats.active");
  st.resident = stat("stats.resident");
  const char* version = nullptr;
  std::size_t vlen = sizeof(version);
  if (mallctl("version", &version, &vlen, nullptr, 0) == 0 && version != nullptr) {
    std::string v(version);
    st.allocator = "jemalloc-" + v.substr(0, v.find('-'));
  } else {
    st.allocator = "jemalloc";
  }
#elif defined(__SANITIZE_ADDRESS__)
  // Under AddressSanitizer its allocator serves every malloc and mallinfo2 reports zeros.
  st.allocated = __sanitizer_get_current_allocated_bytes();
  st.active = __sanitizer_get_heap_size();
  st.resident = st.active;
  st.allocator = "libc";
#else
  struct mallinfo2 mi = mallinfo2();
  st.allocated = mi.uordblks + mi.hblkhd;
  st.active = mi.arena + mi.hblkhd;
  st.resident = st.active;
  st.allocator = "libc";
#endif
  return st;
}

std::uint64_t ProcessRssBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long pages_total = 0, pages_resident = 0;
  int n = std::fscanf(f, "%llu %llu", &pages_total, &pages_resident);
  std::fclose(f);
  if (n != 2) return 0;
  return pages_resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace strata
