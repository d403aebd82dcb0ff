// A test-only engine that makes the seam's promises hard to keep: it wraps a real engine
// and treats every key as non-resident until a Prefetch pins it. A Prefetch goes pending
// (unless another pin already holds every one of its keys) and is completed later, from
// the engine's own thread, in random order. Execute then checks
// what the command does against what it declared:
// - every key it touches was declared, prefetched and is still pinned;
// - it uses each key only as its intent allows (no Find on a kMeta or kOverwrite key);
// - a value read through Find/Peek is unchanged at the end (changes go through write
//   lookups);
// - a key whose value changed was signalled (Keyspace::SignalModified), as Redis's
//   signalModifiedKey would be.
// A broken promise prints what happened and aborts the process, so the test talking to it
// fails. Users never see this engine: it is built only into a test binary.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "strata/storage_engine.h"

namespace strata::testing {

class SlowEngine final : public StorageEngine {
 public:
  explicit SlowEngine(std::unique_ptr<StorageEngine> inner);
  ~SlowEngine() override;

  std::string_view name() const override { return inner_->name(); }
  int num_databases() const override { return inner_->num_databases(); }
  void set_observer(KeyspaceObserver* observer) override;

  bool Prefetch(const AccessSet& access, PinSet* pins, PrefetchWaker* waker) override;
  void ReleasePins(PinSet* pins) override;
  void Execute(const AccessSet& access, FunctionRef<void(Keyspace&)> fn) override;
  void BeginBatch() override { inner_->BeginBatch(); }
  void EndBatch() override { inner_->EndBatch(); }

  std::uint64_t DbSize(int db) override { return inner_->DbSize(db); }
  std::uint64_t Scan(int db, std::uint64_t cursor, const ScanOptions& options,
                     FunctionRef<void(std::string_view, const ValueRef&)> emit) override {
    return inner_->Scan(db, cursor, options, emit);
  }
  bool RandomKey(int db, std::string* key) override { return inner_->RandomKey(db, key); }
  void Flush(int db, bool async) override;
  void SwapDb(int a, int b) override;
  DbStats GetDbStats(int db) override { return inner_->GetDbStats(db); }
  EngineStats GetStats() override { return inner_->GetStats(); }
  void ResetStats() override { inner_->ResetStats(); }
  std::size_t KeyMemoryUsage(int db, std::string_view key) override {
    return inner_->KeyMemoryUsage(db, key);
  }
  Status Snapshot(SnapshotSink& sink, const std::atomic<bool>* cancel) override {
    return inner_->Snapshot(sink, cancel);
  }
  void SetActiveExpire(bool on) override { inner_->SetActiveExpire(on); }
  void Shutdown() override;

  // Tests: prefetches completed so far, and how many are waiting.
  std::uint64_t TEST_completed() const;

 private:
  struct Request {
    std::vector<std::pair<int, std::string>> keys;
    PrefetchWaker* waker = nullptr;
  };
  using KeyId = std::pair<int, std::string>;

  void CompleterLoop();
  // Whether (db, key) is pinned by some completed prefetch.
  bool Pinned(int db, std::string_view key) const;

  std::unique_ptr<StorageEngine> inner_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                                   // GUARDED_BY(mu_)
  std::uint64_t next_ticket_ = 1;                       // GUARDED_BY(mu_)
  std::unordered_map<std::uint64_t, Request> queued_;   // GUARDED_BY(mu_): not yet pinned
  std::unordered_map<std::uint64_t, Request> pinned_;   // GUARDED_BY(mu_)
  std::map<KeyId, int, std::less<>> pin_counts_;        // GUARDED_BY(mu_)
  std::uint64_t completed_ = 0;                         // GUARDED_BY(mu_)
  std::mt19937_64 rng_{std::random_device{}()};         // GUARDED_BY(mu_)
  std::thread completer_;
};

}  // namespace strata::testing
