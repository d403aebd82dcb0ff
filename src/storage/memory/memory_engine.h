// The `memory` engine: every key in RAM, in 256 lock-striped shards. Each shard holds one
// small hash table per database, so a key lock covers that key in every database and
// resizes stay short. Expired keys are removed lazily on access and by a background sweep.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "strata/storage_engine.h"
#include "storage/memory/table.h"

namespace strata::memory {

class MemoryEngine final : public StorageEngine {
 public:
  explicit MemoryEngine(int num_databases);
  ~MemoryEngine() override;

  std::string_view name() const override { return "memory"; }
  int num_databases() const override { return num_databases_; }

  void Execute(const LockRequest& request, FunctionRef<void(Keyspace&)> fn) override;
  std::uint64_t DbSize(int db) override;
  std::uint64_t Scan(int db, std::uint64_t cursor, const ScanOptions& options,
                     FunctionRef<void(std::string_view, const ValueRef&)> emit) override;
  bool RandomKey(int db, std::string* key) override;
  void Flush(int db, bool async) override;
  void SwapDb(int a, int b) override;
  DbStats GetDbStats(int db) override;
  EngineStats GetStats() override;
  void ResetStats() override;
  std::size_t KeyMemoryUsage(int db, std::string_view key) override;
  void Shutdown() override;

  // Tests: run one full active-expiry pass now.
  void TEST_ActiveExpireAll();
  // Enables or disables the background sweep (DEBUG SET-ACTIVE-EXPIRE).
  void set_active_expire(bool on) { active_expire_.store(on); }

  static constexpr int kShardBits = 8;
  static constexpr int kNumShards = 1 << kShardBits;

 private:
  friend class MemoryKeyspace;

  struct alignas(64) Shard {
    std::mutex mu;
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

  const int num_databases_;
  std::unique_ptr<Shard[]> shards_;
  std::unique_ptr<std::atomic<std::int64_t>[]> avg_ttl_;
  // Seconds clock for LRU stamps (OBJECT IDLETIME), refreshed by the background thread so
  // lookups need not read the system clock.
  std::atomic<std::uint32_t> lru_clock_{0};  // per db, sampled by active expiry
  std::atomic<bool> active_expire_{true};

  // Background thread: active expiry and freeing flushed tables.
  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stop_ = false;                 // GUARDED_BY(bg_mu_)
  std::vector<Table> to_free_;        // GUARDED_BY(bg_mu_)
  std::thread bg_;
};

}  // namespace strata::memory
