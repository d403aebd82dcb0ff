#include "state/script_gate.h"

#include <thread>

#include "util/adaptive_mutex.h"

namespace strata {
namespace {

std::atomic<std::uint64_t> next_token{0};
std::atomic<int> next_index{0};

struct ThreadIdentity {
  std::uint64_t token = next_token.fetch_add(1) + 1;
  int index = next_index.fetch_add(1);
};
thread_local ThreadIdentity tls_identity;

// The batches this thread has entered, and on which gate (one server per thread in
// practice; tests with several servers use each from its own threads).
struct BatchDepth {
  const ScriptGate* gate = nullptr;
  int depth = 0;
};
thread_local BatchDepth tls_depth;

}  // namespace

ScriptGate::Slot& ScriptGate::MySlot() {
  int index = tls_identity.index % kSlots;
  int used = slots_used_.load(std::memory_order_relaxed);
  while (used <= index && !slots_used_.compare_exchange_weak(used, index + 1)) {
  }
  return slots_[index];
}

void ScriptGate::EnterBatch() {
  MySlot().batches.fetch_add(1);
  if (tls_depth.gate != this) tls_depth = {this, 0};
  ++tls_depth.depth;
}

void ScriptGate::LeaveBatch() {
  MySlot().batches.fetch_sub(1, std::memory_order_release);
  if (tls_depth.gate == this) --tls_depth.depth;
}

ScriptGate::Pass ScriptGate::Wait() {
  const std::uint64_t me = tls_identity.token;
  Slot& slot = MySlot();
  int held = tls_depth.gate == this ? tls_depth.depth : 0;
  for (;;) {
    std::uint32_t epoch = epoch_.load();
    std::uint64_t owner = owner_.load();
    if (owner == 0 || owner == me) return Pass::kRun;
    if (busy_.load()) return Pass::kBusy;
    // Step out of the batch so the owner can run, and wait for it to finish or go busy.
    slot.batches.fetch_sub(held);
    epoch_.wait(epoch);
    slot.batches.fetch_add(held);
  }
}

void ScriptGate::Acquire() {
  const std::uint64_t me = tls_identity.token;
  Slot& slot = MySlot();
  int held = tls_depth.gate == this ? tls_depth.depth : 0;
  slot.batches.fetch_sub(held);
  for (;;) {
    std::uint32_t epoch = epoch_.load();
    std::uint64_t expected = 0;
    if (owner_.compare_exchange_strong(expected, me)) break;
    epoch_.wait(epoch);
  }
  // Every batch that began before the owner was set ends (its commands see the owner at
  // their next Admit, or finish); later ones stop at their first Admit.
  int used = slots_used_.load();
  for (int i = 0; i < used; ++i) {
    for (int spins = 0; slots_[i].batches.load() != 0; ++spins) {
      if (spins < 256) {
        CpuRelax();
      } else {
        std::this_thread::yield();
      }
    }
  }
  slot.batches.fetch_add(held);
}

void ScriptGate::Release() {
  busy_.store(false);
  owner_.store(0);
  epoch_.fetch_add(1);
  epoch_.notify_all();
}

bool ScriptGate::held_by_this_thread() const {
  return owner_.load(std::memory_order_relaxed) == tls_identity.token;
}

void ScriptGate::SetBusy(bool busy) {
  busy_.store(busy);
  epoch_.fetch_add(1);
  epoch_.notify_all();
}

}  // namespace strata
