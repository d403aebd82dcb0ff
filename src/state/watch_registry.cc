#include "state/watch_registry.h"

#include <algorithm>

namespace strata {

void WatchRegistry::Watch(WatchSet* set, int db, std::string_view key, bool live) {
  for (const WatchSet::Key& k : set->keys) {
    if (k.db == db && k.key == key) return;
  }
  set->keys.push_back({db, std::string(key), live});
  std::lock_guard<std::mutex> l(mu_);
  by_key_[static_cast<std::size_t>(db)][std::string(key)].push_back(set);
  watched_.fetch_add(1, std::memory_order_relaxed);
}

void WatchRegistry::UnwatchAll(WatchSet* set) {
  if (!set->keys.empty()) {
    std::lock_guard<std::mutex> l(mu_);
    for (const WatchSet::Key& k : set->keys) {
      auto& keys = by_key_[static_cast<std::size_t>(k.db)];
      auto it = keys.find(k.key);
      if (it == keys.end()) continue;
      auto& sets = it->second;
      sets.erase(std::remove(sets.begin(), sets.end(), set), sets.end());
      if (sets.empty()) keys.erase(it);
      watched_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  set->keys.clear();
  set->dirty.store(false, std::memory_order_relaxed);
}

void WatchRegistry::KeyModified(int db, std::string_view key) {
  std::lock_guard<std::mutex> l(mu_);
  auto& keys = by_key_[static_cast<std::size_t>(db)];
  auto it = keys.find(std::string(key));
  if (it == keys.end()) return;
  for (WatchSet* set : it->second) set->dirty.store(true, std::memory_order_release);
}

void WatchRegistry::DbModified(int db, FunctionRef<bool(std::string_view key)> present) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [key, sets] : by_key_[static_cast<std::size_t>(db)]) {
    if (!present(key)) continue;
    for (WatchSet* set : sets) set->dirty.store(true, std::memory_order_release);
  }
}

}  // namespace strata
