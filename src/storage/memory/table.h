// A chained hash table of Entries: the keys of one database within one shard.
//
// Entries are intrusive (Entry::next), so a key costs its Entry plus its share of the
// bucket array (8 bytes per bucket, load factor between 1/8 and 1). Resizing is done at
// once: a table holds only one shard's share of a database, so it stays small.
// Not thread-safe: guarded by the owning shard's lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "strata/storage_engine.h"
#include "storage/memory/entry.h"

namespace strata::memory {

class Table {
 public:
  Table() = default;
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&& other) noexcept;
  Table& operator=(Table&& other) noexcept;

  std::size_t size() const { return size_; }
  std::size_t expires() const { return expires_; }
  std::size_t bucket_count() const { return mask_ + (buckets_ ? 1 : 0); }

  Entry* Find(std::uint64_t hash, std::string_view key) const;
  // Inserts `e` (whose key must not be present).
  void Insert(std::uint64_t hash, Entry* e);
  // Replaces the entry holding `old`'s key by `e` (same key), freeing nothing.
  void Replace(std::uint64_t hash, Entry* old, Entry* e);
  // Unlinks the entry with `key` and returns it (nullptr if absent). Caller frees.
  Entry* Remove(std::uint64_t hash, std::string_view key);
  // Frees every entry.
  void Clear();

  // Called when an entry's expiry flag changes without reinsertion.
  void AdjustExpires(int delta) { expires_ = static_cast<std::size_t>(static_cast<long>(expires_) + delta); }

  // Redis-style reverse-binary cursor scan of one bucket: calls fn for each entry of the
  // bucket at `cursor` and returns the next cursor (0 when the table is done). Keys present
  // for the whole scan are visited at least once even if the table resizes in between.
  template <typename Fn>
  std::uint64_t ScanBucket(std::uint64_t cursor, Fn&& fn);

  // A random entry, every entry equally likely (nullptr if the table is empty); `rand`
  // supplies the randomness.
  Entry* RandomEntry(std::uint64_t (*rand)()) const;

  // The hash function used by every table; exposed so callers can reuse one hash.
  static std::uint64_t Hash(std::string_view key);

  // Bytes of the entries, maintained by the engine (which knows when entries change).
  std::int64_t bytes_used = 0;
  // The database this table belonged to when the running snapshot began: it travels with
  // the table through SWAPDB, so keys the snapshot has not reached yet keep their database.
  int snap_db = 0;

 private:
  void Resize(std::size_t new_buckets);
  void MaybeShrink();

  Entry** buckets_ = nullptr;
  std::size_t mask_ = 0;  // bucket_count - 1 when buckets_ != nullptr
  std::size_t size_ = 0;
  std::size_t expires_ = 0;
};

inline std::uint64_t ReverseBits(std::uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
  return __builtin_bswap64(v);
}

template <typename Fn>
std::uint64_t Table::ScanBucket(std::uint64_t cursor, Fn&& fn) {
  if (buckets_ == nullptr) return 0;
  std::uint64_t m = mask_;
  // Collect first: fn may remove entries, which may shrink the table.
  Entry* local[16];
  std::size_t n = 0;
  std::vector<Entry*> more;
  for (Entry* e = buckets_[cursor & m]; e != nullptr; e = e->next()) {
    if (n < 16) {
      local[n++] = e;
    } else {
      more.push_back(e);
    }
  }
  for (std::size_t i = 0; i < n; ++i) fn(local[i]);
  for (Entry* e : more) fn(e);
  // Reverse-binary increment: set the unmasked high bits, reverse, add one, reverse back.
  cursor |= ~m;
  cursor = ReverseBits(cursor);
  ++cursor;
  return ReverseBits(cursor);
}

}  // namespace strata::memory
