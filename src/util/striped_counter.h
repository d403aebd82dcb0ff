// Counters written on every command by every network thread. A plain shared atomic would
// bounce its cache line between cores on each increment; here each thread adds to its own
// cache-line-sized slot and readers (INFO) sum the slots.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace strata {

// The calling thread's slot index in [0, kCounterSlots). Threads beyond kCounterSlots share
// slots, which stays correct (the adds are atomic) but may contend.
inline constexpr std::size_t kCounterSlots = 16;
std::size_t ThisThreadCounterSlot();

// A striped set of N counters updated together.
template <std::size_t N>
class StripedCounters {
 public:
  void Add(std::size_t i, std::uint64_t v) {
    slots_[ThisThreadCounterSlot()].v[i].fetch_add(v, std::memory_order_relaxed);
  }
  std::uint64_t Sum(std::size_t i) const {
    std::uint64_t total = 0;
    for (const Slot& s : slots_) total += s.v[i].load(std::memory_order_relaxed);
    return total;
  }
  void Reset() {
    for (Slot& s : slots_) {
      for (auto& x : s.v) x.store(0, std::memory_order_relaxed);
    }
  }

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> v[N] = {};
  };
  Slot slots_[kCounterSlots];
};

// One striped counter.
class StripedCounter {
 public:
  void Add(std::uint64_t v) { c_.Add(0, v); }
  std::uint64_t Sum() const { return c_.Sum(0); }
  void Reset() { c_.Reset(); }

 private:
  StripedCounters<1> c_;
};

}  // namespace strata
