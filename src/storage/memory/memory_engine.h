// The `memory` engine: every key in RAM, in 256 lock-striped shards. Each shard holds one
// small hash table per database, so a key lock covers that key in every database and
// resizes stay short. Expired keys are removed lazily on access and by a background sweep.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "strata/storage_engine.h"
#include "storage/memory/table.h"
#include "util/adaptive_mutex.h"

namespace strata::memory {

class MemoryEngine final : public StorageEngine {
 public:
  explicit MemoryEngine(int num_databases);
  ~MemoryEngine() override;

  std::string_view name() const override { return "memory"; }
  int num_databases() const override { return num_databases_; }

  void Execute(const AccessSet& access, FunctionRef<void(Keyspace&)> fn) override;
  // Within a batch an Execute on one shard keeps that shard locked for the next one.
  void BeginBatch() override;
  void EndBatch() override;
  // Unlocks the shard this thread kept from its last Execute of a batch, if any (the batch
  // stays open). Every lock this engine takes outside Execute goes through it first.
  void DropBatchLock();
  std::uint64_t DbSize(int db) override;
  ScanResult Scan(int db, std::uint64_t cursor, const ScanOptions& options,
                  FunctionRef<void(std::string_view, const KeyInfo&, const ValueRef*)> emit,
                  PrefetchWaker* waker = nullptr) override;
  bool RandomKey(int db, std::string* key) override;
  void Flush(int db, bool async) override;
  void SwapDb(int a, int b) override;
  DbStats GetDbStats(int db) override;
  void WriteInfo(std::string_view section, InfoFields& out) override;
  void ResetStats() override;
  std::size_t KeyMemoryUsage(int db, std::string_view key) override;
  // The memory engine's checkpoint is the portable checkpoint file, written from its
  // fork-less Export and loaded through Execute (memory_snapshot.cc).
  // The portable checkpoint file, written through the fork-less Export.
  StatusOr<CheckpointResult> Checkpoint(const CheckpointRequest& request) override;
  bool HasRecoverableState(const std::string& dir) override;
  StatusOr<RecoverResult> Recover(const RecoverRequest& request) override;
  // Concurrent and exact: fixes the point in time with every shard locked for an instant,
  // then walks the shards a few buckets at a time. A key changed, removed or expired
  // before the walk reaches it is emitted first by the thread changing it.
  Status Export(SnapshotSink& sink, const std::atomic<bool>* cancel) override;
  void Shutdown() override;
  void SetActiveExpire(bool on) override { active_expire_.store(on); }

  // Tests: run one full active-expiry pass now.
  void TEST_ActiveExpireAll();

  static constexpr int kShardBits = 8;
  static constexpr int kNumShards = 1 << kShardBits;

 private:
  friend class MemoryKeyspace;

  struct alignas(64) Shard {
    AdaptiveMutex mu;
    std::vector<Table> dbs;           // GUARDED_BY(mu)
    std::vector<std::uint64_t> expire_cursor;  // GUARDED_BY(mu): active-expiry position
    std::uint64_t expired = 0;        // GUARDED_BY(mu): statistics, per shard to avoid
    std::uint64_t hits = 0;           //   a shared cache line between threads
    std::uint64_t misses = 0;
  };

  static int ShardOf(std::uint64_t hash) { return static_cast<int>(hash >> (64 - kShardBits)); }
  // Lock / unlock every shard, in order; no-ops on a thread inside Execute(all).
  void LockAll();

  void UnlockAll();
  // Whether `key` of `db` exists and has not expired; its shard must be locked.
  bool LiveLocked(int db, std::string_view key, std::int64_t now_ms);
  void BackgroundLoop();
  // Scans part of each shard's tables for expired keys; returns keys removed.
  std::uint64_t ActiveExpireCycle(std::size_t buckets_per_table);
  // Removes `key` (hash `hash`) from `t` and frees it, after settling it; false if absent.
  // The caller holds the shard's lock.
  bool Unlink(Table& t, std::uint64_t hash, std::string_view key);
  // Unlink for a key found past its expiry (lazy expiry, the sweep, Scan, RandomKey): also
  // counts it in expired_keys and tells the observer (the "expired" event).
  void Reap(Shard& s, Table& t, std::uint64_t hash, std::string_view key);
  // Settles, accounts and frees an entry already removed from `t`: the one way an entry
  // leaving a table is freed.
  void Dispose(Table& t, Entry* e);
  // The bytes of `t` beyond its entries' own allocations: the bucket array.
  static std::size_t IndexBytes(const Table& t);

  // Snapshot support (memory_snapshot.cc). An entry is "settled" for the running export
  // once its flag bit equals snap_mark_: it has been emitted, or it is not part of it.
  // Callers hold the lock of the shard owning `e` (or own its table).
  // Before `e` (in `t`) changes or goes: emits it if the running export still owes it.
  void Settle(const Table& t, Entry* e);
  // A new entry is born settled: it is not part of the running export.
  void MarkSettled(Entry* e) const {
    e->set_flags(static_cast<std::uint8_t>((e->flags() & ~Entry::kSnapMark) | snap_mark_));
  }
  // A large collection owed to the export is lent to it instead of emitted under the shard
  // lock: the walk encodes it after releasing the lock, so commands on that shard (an HGET
  // on the big hash itself) do not wait for a whole-collection encode. A command about to
  // change or remove a lent entry first reclaims it: it keeps a clone and the export keeps
  // the original, which is exactly the value owed.
  struct Loan {
    int db;
    std::string key;
    const Object* obj;
    std::int64_t expire_at_ms;
  };
  // Settles `e` for the walk, lending it into `loans` if it is large.
  void SettleOrLend(const Table& t, Entry* e, std::vector<Loan>* loans);
  // Emits the loans (no engine lock held) and ends them.
  void EmitLoans(std::vector<Loan>* loans);
  // Before a lent entry changes: if the loan is still out, the entry gets a clone.
  void Reclaim(Entry* e);
  // Settles every entry of `t`.
  void SettleTable(Table& t);
  // The steps of Export: fix the point in time; walk one shard; settle the tables flushed
  // meanwhile; end once none are left.
  struct SnapRun;
  void BeginExport(SnapRun& run);
  void WalkShard(Shard& s, SnapRun& run);
  void SettleDetached(SnapRun& run);
  void EndExport(SnapRun& run);

  const int num_databases_;
  std::unique_ptr<Shard[]> shards_;
  std::unique_ptr<std::atomic<std::int64_t>[]> avg_ttl_;
  // Seconds clock for LRU stamps (OBJECT IDLETIME), refreshed by the background thread so
  // lookups need not read the system clock.
  std::atomic<std::uint32_t> lru_clock_{0};  // per db, sampled by active expiry
  std::atomic<bool> active_expire_{true};

  // The running export. These change only with every shard locked, so any thread holding
  // a shard lock reads them consistently.
  SnapRun* snap_ = nullptr;
  std::uint8_t snap_mark_ = 0;          // Entry::kSnapMark or 0: "settled" for this export
  std::int64_t snap_at_ms_ = 0;         // keys expired at this time are not part of it
  // Bumped (with every shard locked) when tables move between databases or are replaced,
  // so the walk restarts the shard it is in.
  std::uint64_t snap_layout_gen_ = 0;
  std::mutex snap_run_mu_;              // one export at a time
  std::atomic<std::uint64_t> exports_{0};  // completed, for INFO storage
  std::mutex snap_mu_;
  std::vector<Table> snap_detached_;    // GUARDED_BY(snap_mu_): flushed, still owing keys
  // GUARDED_BY(snap_mu_): collections lent to the export; true once their entry reclaimed
  // them (the export then owns and frees the original).
  std::unordered_map<const Object*, bool> loans_;

  // Background thread: active expiry and freeing flushed tables.
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;                 // GUARDED_BY(bg_mu_)
  std::vector<Table> to_free_;        // GUARDED_BY(bg_mu_)
  std::thread bg_;
};

}  // namespace strata::memory
