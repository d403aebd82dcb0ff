// Helpers for unit tests that drive an engine directly.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "strata/storage_engine.h"

namespace strata::testing {

// Unit tests of the memory engine lock keys without caring about intents or databases:
// this builds the AccessSet keys for them (every key written, in database `db`).
inline std::vector<KeyAccess> WriteAccess(std::span<const std::string_view> keys, int db = 0) {
  std::vector<KeyAccess> out;
  for (std::string_view k : keys) out.push_back({db, k, KeyIntent::kWrite});
  return out;
}

// Runs `fn` with `keys` (of any database) locked for writing.
template <typename Fn>
void WithKeys(StorageEngine& engine, std::span<const std::string_view> keys, Fn&& fn) {
  std::vector<KeyAccess> access = WriteAccess(keys);
  engine.Execute(AccessSet{access, false}, [&](Keyspace& ks) { fn(ks); });
}

// Every live key of `db` with its value, by scanning `count` keys per call without a waker
// (so the engine completes each call itself).
template <typename Fn>
void ForEachValue(StorageEngine& engine, int db, std::size_t count, Fn&& fn) {
  ScanOptions options;
  options.count = count;
  options.values = true;
  std::uint64_t cursor = 0;
  do {
    cursor = engine
                 .Scan(db, cursor, options,
                       [&](std::string_view key, const KeyInfo&, const ValueRef* value) {
                         fn(key, *value);
                       })
                 .cursor;
  } while (cursor != 0);
}

}  // namespace strata::testing
