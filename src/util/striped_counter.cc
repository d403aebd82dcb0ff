#include "util/striped_counter.h"

namespace strata {

std::size_t ThisThreadCounterSlot() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t slot = next.fetch_add(1, std::memory_order_relaxed) % kCounterSlots;
  return slot;
}

}  // namespace strata
