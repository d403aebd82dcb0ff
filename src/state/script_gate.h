// Makes a script (EVAL, FCALL) atomic against every other command on every thread.
//
// A script may touch keys it did not declare, so the key locks a command takes through the
// engine cannot isolate it: it would have to take locks it cannot name in advance. Instead,
// commands run inside "batches" (one read's worth of a connection's requests), each of which
// holds a slot of its thread; a script owns the gate, and owning it waits until no other
// thread is inside a batch and keeps new batches out. The script's own calls then lock their
// keys through the engine one call at a time, as plain commands do, so nothing in the
// engine has to know about scripts, and an engine whose keys can be on disk loads them per
// call.
//
// Ownership is a token, not a lock tied to a thread: it could move to another thread with
// the script. Batches pay one atomic increment and one load each; a script pays a
// compare-and-swap and a scan of the slots in use.
#pragma once

#include <atomic>
#include <cstdint>

namespace strata {

class ScriptGate {
 public:
  // What a command in a batch must do while the gate is owned by someone else.
  enum class Pass : std::uint8_t {
    kRun,   // nobody owns the gate, or this thread does
    kBusy,  // a script has run past busy-reply-threshold: only allow-busy commands run
  };

  // A network thread starts or ends a batch of commands (connection read turn).
  void EnterBatch();
  void LeaveBatch();
  // Before each command of a batch: whether a script on another thread owns the gate. If so
  // the caller must let go of whatever a script could need (the engine's batch lock) and
  // call Wait.
  bool Contended() const {
    std::uint64_t owner = owner_.load(std::memory_order_acquire);
    return owner != 0 && !held_by_this_thread();
  }
  // Waits while a script owns the gate, unless that script is busy (then kBusy).
  Pass Wait();

  // Takes the gate for a script. Call inside a batch (this thread's slot is released while
  // waiting and taken again). Returns once no other thread is inside a batch.
  void Acquire();
  void Release();
  bool held_by_this_thread() const;

  // The owner ran past busy-reply-threshold: commands waiting in Admit get kBusy.
  void SetBusy(bool busy);
  bool busy() const { return busy_.load(std::memory_order_acquire); }

 private:
  static constexpr int kSlots = 64;
  struct alignas(64) Slot {
    std::atomic<std::int32_t> batches{0};
  };
  Slot& MySlot();

  Slot slots_[kSlots];
  std::atomic<int> slots_used_{0};
  std::atomic<std::uint64_t> owner_{0};  // the owning thread's token, 0 when free
  std::atomic<bool> busy_{false};
  // Bumped on Release and SetBusy; waiters sleep on it.
  std::atomic<std::uint32_t> epoch_{0};
};

}  // namespace strata
