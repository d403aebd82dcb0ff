// A mutex that spins briefly before it sleeps.
//
// Shard locks are held for well under a microsecond, so a thread that finds one taken
// usually gets it moments later: sleeping in the kernel (a futex wait, then a wake-up by the
// holder's unlock) costs several microseconds on each side and, under a hot key, turns every
// command into a context switch. A short bounded spin avoids that; the fallback to
// std::mutex keeps a holder that was preempted from burning the waiter's core.
#pragma once

#include <mutex>

namespace strata {

// The CPU's spin-wait hint: lets a sibling hyperthread run and saves power while polling.
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class AdaptiveMutex {
 public:
  void lock() {
    for (int i = 0; i < kSpins; ++i) {
      if (mu_.try_lock()) return;
      CpuRelax();
    }
    mu_.lock();
  }
  bool try_lock() { return mu_.try_lock(); }
  void unlock() { mu_.unlock(); }

 private:
  // About a microsecond of polling on current x86 (a pause is 10-140 cycles).
  static constexpr int kSpins = 64;

  std::mutex mu_;
};

}  // namespace strata
