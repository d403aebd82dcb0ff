// WATCH: which clients watch which keys, and marking them when a watched key changes.
// Installed as the storage engine's KeyspaceObserver, so every change made by any thread
// (including FLUSHDB and SWAPDB) reaches it while the changed key is still locked.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strata/storage_engine.h"

namespace strata {

// One client's watch set. Owned by its connection; `dirty` is set from any thread.
struct WatchSet {
  struct Key {
    int db;
    std::string key;
    bool live_at_watch;  // the key existed when WATCH ran (an expiry since then is a change)
  };
  std::vector<Key> keys;
  std::atomic<bool> dirty{false};
};

class WatchRegistry final : public KeyspaceObserver {
 public:
  explicit WatchRegistry(int databases) : by_key_(static_cast<std::size_t>(databases)) {}

  // Adds `key` of `db` to `set` (no-op if already watched). Call with the key locked.
  void Watch(WatchSet* set, int db, std::string_view key, bool live);
  // Forgets every key of `set` and clears its dirty mark.
  void UnwatchAll(WatchSet* set);

  bool Active() const override { return watched_.load(std::memory_order_relaxed) > 0; }
  void KeyModified(int db, std::string_view key) override;
  void DbModified(int db, FunctionRef<bool(std::string_view key)> present) override;

 private:
  mutable std::mutex mu_;
  // Per database: key -> the watch sets watching it.
  std::vector<std::unordered_map<std::string, std::vector<WatchSet*>>> by_key_;  // GUARDED_BY(mu_)
  std::atomic<std::size_t> watched_{0};  // (set, key) pairs registered
};

}  // namespace strata
