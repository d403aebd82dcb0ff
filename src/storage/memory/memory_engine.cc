#include "storage/memory/memory_engine.h"

#include "storage/memory/entry_view.h"
#include "util/clock.h"
#include "util/glob.h"

#include <sched.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cassert>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace strata::memory {
namespace {

// The engine whose every shard this thread has locked through Execute(all), if any: the
// keyspace-wide methods called from inside such an Execute (MULTI/EXEC running FLUSHDB or
// KEYS) must use those locks rather than take them again.
thread_local const MemoryEngine* tls_holds_all = nullptr;

// This thread's batch (StorageEngine::BeginBatch): the engine it is open on and the shard
// its last Execute kept locked (-1: none).
struct BatchState {
  const MemoryEngine* engine = nullptr;
  int held = -1;
};
thread_local BatchState tls_batch;

// Locks a shard unless this thread already holds every shard of `engine`.
class ShardGuard {
 public:
  // A keyspace-wide call locks shards one by one; the shard a batch kept (which could be one
  // of them, or rank below one already taken) is released first.
  ShardGuard(MemoryEngine* engine, AdaptiveMutex& mu)
      : mu_(tls_holds_all == engine ? nullptr : &mu) {
    engine->DropBatchLock();
    if (mu_ != nullptr) mu_->lock();
  }
  ~ShardGuard() {
    if (mu_ != nullptr) mu_->unlock();
  }
  ShardGuard(const ShardGuard&) = delete;
  ShardGuard& operator=(const ShardGuard&) = delete;

 private:
  AdaptiveMutex* mu_;
};

std::uint32_t LruClock(std::int64_t now_ms) { return static_cast<std::uint32_t>(now_ms / 1000); }

// Copies `e` under a new key and/or expiry; objects are moved, strings copied.
Entry* Rebuild(Entry* e, std::string_view key, std::int64_t expire) {
  Entry* n;
  if (e->type() == ValueType::kString) {
    bool slack = e->flags() & Entry::kSlack;
    n = Entry::NewString(key, e->str(), expire, e->str_capacity(), slack);
    n->set_flags(n->flags() | (e->flags() & Entry::kEncodingFlags));  // e.g. stays "raw"
  } else {
    n = Entry::NewObject(key, e->TakeObject(), expire);
  }
  n->set_lru(e->lru());
  return n;
}

// The entry's allocation, its bucket slot, and the object it owns.
std::size_t EntryMemoryUsage(const Entry* e) {
  std::size_t bytes = e->AllocatedBytes() + sizeof(Entry*);
  if (e->type() != ValueType::kString && e->obj() != nullptr) bytes += e->obj()->MemoryUsage();
  return bytes;
}

std::uint64_t RandomU64() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace

// The Keyspace view handed to Execute's callback. Lives on the caller's stack.
class MemoryKeyspace final : public Keyspace {
 public:
  explicit MemoryKeyspace(MemoryEngine* engine) : Keyspace(engine->observer()), engine_(engine) {}

  // A key found expired is reclaimed here, as by every Redis lookup.
  KeyInfo Stat(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr) return {};
    return {e->type(), e->expire()};
  }

  ValueRef Find(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr) {
      ++loc.shard->misses;
      return {};
    }
    ++loc.shard->hits;
    e->set_lru(LruNow());
    return RefOf(e);
  }

  ValueRef Peek(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = loc.table->Find(loc.hash, key);
    if (e == nullptr || IsExpired(e)) return {};
    return RefOf(e);
  }

  // Not a keyspace hit or miss: Redis counts only reads.
  WriteRef FindForWrite(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr) return {};
    e->set_lru(LruNow());
    // The collection is about to change in place: a running export settles it first.
    Settle(loc, e);
    WriteRef ref;
    ref.type = e->type();
    if (ref.type == ValueType::kString) {
      ref.str = e->str();
    } else {
      ref.obj = e->obj();
    }
    ref.expire_at_ms = e->expire();
    return ref;
  }

  std::int64_t IdleSeconds(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = loc.table->Find(loc.hash, key);
    if (e == nullptr || IsExpired(e)) return -1;
    std::int64_t idle = static_cast<std::int64_t>(LruNow()) - e->lru();
    return idle < 0 ? 0 : idle;
  }

  void SetString(int db, std::string_view key, std::string_view value,
                 std::int64_t expire) override {
    Loc loc = Locate(db, key);
    Entry* old = Live(loc, key);
    if (old != nullptr) Settle(loc, old);
    if (expire == kKeepExpire) expire = old ? old->expire() : kNoExpire;
    // Overwrite in place when the layout is unchanged (SET of an equal-length value).
    if (old != nullptr && old->type() == ValueType::kString && !(old->flags() & Entry::kSlack) &&
        old->str().size() == value.size() && old->has_expire() == (expire != kNoExpire)) {
      std::memcpy(old->mutable_str(), value.data(), value.size());
      // A whole new value: no longer "grown in place" as far as OBJECT ENCODING goes.
      old->set_flags(old->flags() & static_cast<std::uint8_t>(~Entry::kEncodingFlags));
      if (expire != kNoExpire) old->set_expire_in_place(expire);
      old->set_lru(LruNow());
      return;
    }
    Entry* e = Entry::NewString(key, value, expire, 0, false);
    Put(loc, old, e);
  }

  char* ResizeString(int db, std::string_view key, std::size_t len) override {
    Loc loc = Locate(db, key);
    Entry* old = Live(loc, key);
    if (old == nullptr) {
      Entry* e = Entry::NewString(key, std::string(len, '\0'), kNoExpire, 0, false);
      // Redis builds such strings as raw sds (SETRANGE on a missing key).
      e->set_flags(e->flags() | Entry::kRaw);
      Put(loc, nullptr, e);
      return e->mutable_str();
    }
    assert(old->type() == ValueType::kString);
    Settle(loc, old);
    old->set_lru(LruNow());
    std::string_view cur = old->str();
    if ((old->flags() & Entry::kSlack) && len <= old->str_capacity()) {
      if (len > cur.size()) std::memset(old->mutable_str() + cur.size(), 0, len - cur.size());
      old->set_str_len(len);
      return old->mutable_str();
    }
    if (len == cur.size()) {
      // Redis unshares the value before editing it, which always yields a raw string.
      old->set_flags(old->flags() | Entry::kRaw);
      return old->mutable_str();
    }
    // Grow geometrically below 1 MiB, then by 1 MiB, as Redis's sds does.
    std::size_t cap = len < (1u << 20) ? len * 2 : len + (1u << 20);
    std::string_view prefix = cur.substr(0, std::min(cur.size(), len));
    Entry* e = Entry::NewString(key, prefix, old->expire(), cap, true);
    if (len > prefix.size()) std::memset(e->mutable_str() + prefix.size(), 0, len - prefix.size());
    e->set_str_len(len);
    e->set_lru(LruNow());
    Put(loc, old, e);
    return e->mutable_str();
  }

  void SetObject(int db, std::string_view key, std::unique_ptr<Object> obj,
                 std::int64_t expire) override {
    Loc loc = Locate(db, key);
    Entry* old = Live(loc, key);
    if (expire == kKeepExpire) expire = old ? old->expire() : kNoExpire;
    Put(loc, old, Entry::NewObject(key, std::move(obj), expire));
  }

  bool Delete(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr) return false;
    Unlink(loc, key);
    return true;
  }

  bool SetExpire(int db, std::string_view key, std::int64_t expire) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr) return false;
    if (expire == kNoExpire && !e->has_expire()) return true;  // nothing changes
    Settle(loc, e);
    if (expire != kNoExpire && expire <= now()) {
      Unlink(loc, key);
      return true;
    }
    if (expire != kNoExpire && e->has_expire()) {
      e->set_expire_in_place(expire);
      return true;
    }
    Put(loc, e, Rebuild(e, key, expire));
    return true;
  }

  bool Rename(int src_db, std::string_view src, int dst_db, std::string_view dst) override {
    Loc from = Locate(src_db, src);
    Entry* e = Live(from, src);
    if (e == nullptr) return false;
    if (src_db == dst_db && src == dst) return true;
    Settle(from, e);  // before Rebuild takes its object
    Entry* moved = Rebuild(e, dst, e->expire());
    Unlink(from, src);
    Loc to = Locate(dst_db, dst);
    Put(to, Live(to, dst), moved);
    return true;
  }

  void MarkStringNotInteger(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = Live(loc, key);
    if (e == nullptr || e->type() != ValueType::kString) return;
    Settle(loc, e);  // the flag is part of the value an export records
    e->set_flags(e->flags() | Entry::kNotInt);
  }

  std::size_t KeyMemoryUsage(int db, std::string_view key) override {
    Loc loc = Locate(db, key);
    Entry* e = loc.table->Find(loc.hash, key);
    if (e == nullptr || IsExpired(e)) return 0;
    return EntryMemoryUsage(e);
  }

  void MarkLocked(int shard) { locked_.set(static_cast<std::size_t>(shard)); }
  void MarkAllLocked() { locked_.set(); }

 private:
  struct Loc {
    std::uint64_t hash;
    MemoryEngine::Shard* shard;
    Table* table;
    int db;
  };

  std::int64_t now() {
    if (now_ms_ == 0) now_ms_ = UnixTimeMs();
    return now_ms_;
  }
  // Reads the clock only for keys that have an expiry: most keys have none, and a
  // clock_gettime per lookup showed up at 5% of a pipelined GET benchmark.
  bool IsExpired(const Entry* e) { return e->has_expire() && e->expire() <= now(); }
  // The LRU stamp needs only seconds: the background thread keeps a cached clock.
  std::uint32_t LruNow() const { return engine_->lru_clock_.load(std::memory_order_relaxed); }

  Loc Locate(int db, std::string_view key) {
    std::uint64_t h = Table::Hash(key);
    int s = MemoryEngine::ShardOf(h);
    assert(locked_.test(static_cast<std::size_t>(s)) && "key was not locked by Execute");
    assert(db >= 0 && db < engine_->num_databases_);
    MemoryEngine::Shard* shard = &engine_->shards_[static_cast<std::size_t>(s)];
    return {h, shard, &shard->dbs[static_cast<std::size_t>(db)], db};
  }

  // Before an entry changes or goes: the running export, if any, takes it first.
  void Settle(const Loc& loc, Entry* e) { engine_->Settle(*loc.table, e); }

  // The entry for key if present and not expired; an expired one is deleted.
  Entry* Live(const Loc& loc, std::string_view key) {
    Entry* e = loc.table->Find(loc.hash, key);
    if (e != nullptr && IsExpired(e)) {
      engine_->Reap(*loc.shard, *loc.table, loc.hash, key);
      return nullptr;
    }
    return e;
  }

  void Unlink(const Loc& loc, std::string_view key) { engine_->Unlink(*loc.table, loc.hash, key); }

  // Stores `e` in place of `old` (nullptr: a new key).
  void Put(const Loc& loc, Entry* old, Entry* e) {
    if (e->lru() == 0) e->set_lru(LruNow());
    engine_->MarkSettled(e);
    loc.table->bytes_used += static_cast<std::int64_t>(e->AllocatedBytes());
    if (old != nullptr) {
      Settle(loc, old);
      loc.table->Replace(loc.hash, old, e);
      loc.table->bytes_used -= static_cast<std::int64_t>(old->AllocatedBytes());
      Entry::Free(old);
    } else {
      loc.table->Insert(loc.hash, e);
      if (KeyspaceObserver* observer = engine_->observer()) observer->KeyCreated(loc.db, e->key());
    }
  }

  MemoryEngine* engine_;
  std::int64_t now_ms_ = 0;
  std::bitset<MemoryEngine::kNumShards> locked_;
};

MemoryEngine::MemoryEngine(int num_databases)
    : num_databases_(num_databases), shards_(new Shard[kNumShards]) {
  lru_clock_ = LruClock(UnixTimeMs());
  for (int i = 0; i < kNumShards; ++i) {
    shards_[i].dbs.resize(static_cast<std::size_t>(num_databases));
    shards_[i].expire_cursor.assign(static_cast<std::size_t>(num_databases), 0);
  }
  avg_ttl_.reset(new std::atomic<std::int64_t>[static_cast<std::size_t>(num_databases)]);
  for (int i = 0; i < num_databases; ++i) avg_ttl_[static_cast<std::size_t>(i)] = 0;
  bg_ = std::thread([this] { BackgroundLoop(); });
}

MemoryEngine::~MemoryEngine() { Shutdown(); }

void MemoryEngine::Shutdown() {
  {
    std::lock_guard<std::mutex> l(bg_mu_);
    if (stop_) return;
    stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_.joinable()) bg_.join();
}

void MemoryEngine::Execute(const AccessSet& access, FunctionRef<void(Keyspace&)> fn) {
  MemoryKeyspace ks(this);
  if (access.all) {
    LockAll();
    ks.MarkAllLocked();
    const MemoryEngine* outer = tls_holds_all;
    tls_holds_all = this;
    fn(ks);
    tls_holds_all = outer;
    UnlockAll();
    return;
  }
  // Lock the distinct shards of the keys in ascending order (deadlock-free).
  std::uint16_t local[16];
  std::vector<std::uint16_t> heap;
  std::uint16_t* ids = local;
  std::size_t n = access.keys.size();
  if (n > 16) {
    heap.resize(n);
    ids = heap.data();
  }
  for (std::size_t i = 0; i < n; ++i) {
    ids[i] = static_cast<std::uint16_t>(ShardOf(Table::Hash(access.keys[i].key)));
  }
  if (n > 1) {
    std::sort(ids, ids + n);
    n = static_cast<std::size_t>(std::unique(ids, ids + n) - ids);
  }
  if (n == 1 && tls_batch.engine == this) {
    // Batched: keep the shard for the next command of this batch (a pipeline hitting one hot
    // key then takes its lock once rather than once per command).
    int id = ids[0];
    if (tls_batch.held != id) {
      DropBatchLock();
      shards_[id].mu.lock();
      tls_batch.held = id;
    }
    ks.MarkLocked(id);
    fn(ks);
    return;
  }
  DropBatchLock();
  for (std::size_t i = 0; i < n; ++i) {
    shards_[ids[i]].mu.lock();
    ks.MarkLocked(ids[i]);
  }
  fn(ks);
  for (std::size_t i = n; i-- > 0;) shards_[ids[i]].mu.unlock();
}

void MemoryEngine::BeginBatch() {
  DropBatchLock();
  tls_batch.engine = this;
}

void MemoryEngine::EndBatch() {
  if (tls_batch.engine != this) return;
  DropBatchLock();
  tls_batch.engine = nullptr;
}

void MemoryEngine::DropBatchLock() {
  if (tls_batch.held < 0 || tls_batch.engine != this) return;
  shards_[tls_batch.held].mu.unlock();
  tls_batch.held = -1;
}

void MemoryEngine::LockAll() {
  if (tls_holds_all == this) return;
  DropBatchLock();
  for (int i = 0; i < kNumShards; ++i) shards_[i].mu.lock();
}

void MemoryEngine::UnlockAll() {
  if (tls_holds_all == this) return;
  for (int i = kNumShards - 1; i >= 0; --i) shards_[i].mu.unlock();
}

bool MemoryEngine::LiveLocked(int db, std::string_view key, std::int64_t now_ms) {
  std::uint64_t h = Table::Hash(key);
  const Entry* e = shards_[ShardOf(h)].dbs[static_cast<std::size_t>(db)].Find(h, key);
  return e != nullptr && !Expired(e, now_ms);
}

std::uint64_t MemoryEngine::DbSize(int db) {
  std::uint64_t total = 0;
  for (int i = 0; i < kNumShards; ++i) {
    ShardGuard l(this, shards_[i].mu);
    total += shards_[i].dbs[static_cast<std::size_t>(db)].size();
  }
  return total;
}

ScanResult MemoryEngine::Scan(
    int db, std::uint64_t cursor, const ScanOptions& options,
    FunctionRef<void(std::string_view, const KeyInfo&, const ValueRef*)> emit,
    PrefetchWaker* waker) {
  (void)waker;  // everything is in RAM: never pending
  // Cursor: low kShardBits bits pick the shard, the rest is that table's bucket cursor.
  int shard = static_cast<int>(cursor & (kNumShards - 1));
  std::uint64_t tc = cursor >> kShardBits;
  std::size_t budget = options.count == 0 ? 1 : options.count;
  std::size_t visited = 0;
  const std::int64_t now = UnixTimeMs();
  std::vector<std::string> dead_keys;
  auto wanted = [&](const Entry* e) {
    if (options.type && e->type() != *options.type) return false;
    return !options.match || KeyMatches(*options.match, e->key());
  };
  while (shard < kNumShards) {
    Shard& s = shards_[shard];
    {
      ShardGuard l(this, s.mu);
      Table& t = s.dbs[static_cast<std::size_t>(db)];
      do {
        tc = t.ScanBucket(tc, [&](Entry* e) {
          ++visited;
          if (Expired(e, now)) {
            dead_keys.emplace_back(e->key());
            return;
          }
          if (!wanted(e)) return;
          KeyInfo info{e->type(), e->expire()};
          if (options.values) {
            ValueRef v = RefOf(e);
            emit(e->key(), info, &v);
          } else {
            emit(e->key(), info, nullptr);
          }
        });
        // Bound the work per call like Redis: stop once `count` entries were looked at.
      } while (tc != 0 && visited < budget);
      // Expired entries go only after this call's walk: removing them may shrink the table,
      // and a shrink in the middle of a walk would return some keys twice (snapshots rely
      // on one unbounded call returning each key once). Between calls a resize is harmless.
      for (const std::string& key : dead_keys) Reap(s, t, Table::Hash(key), key);
      dead_keys.clear();
    }
    if (tc == 0) ++shard;
    if (visited >= budget) break;
  }
  if (shard >= kNumShards) return {};
  return {(tc << kShardBits) | static_cast<std::uint64_t>(shard), false};
}

bool MemoryEngine::RandomKey(int db, std::string* key) {
  const std::int64_t now = UnixTimeMs();
  const auto d = static_cast<std::size_t>(db);
  // A shard is chosen in proportion to its share of the database and the key uniformly
  // within it, so every key is equally likely (a random shard would favour keys in sparse
  // ones). The shares are re-read now and then: other threads change them meanwhile.
  std::array<std::size_t, kNumShards> sizes{};
  std::size_t total = 0;
  for (int attempt = 0; attempt < 64 * kNumShards; ++attempt) {
    if (attempt % 64 == 0 || total == 0) {
      total = 0;
      for (int i = 0; i < kNumShards; ++i) {
        ShardGuard l(this, shards_[i].mu);
        sizes[static_cast<std::size_t>(i)] = shards_[i].dbs[d].size();
        total += sizes[static_cast<std::size_t>(i)];
      }
      if (total == 0) return false;
    }
    std::size_t r = RandomU64() % total;
    std::size_t i = 0;
    while (r >= sizes[i]) r -= sizes[i++];
    Shard& s = shards_[i];
    ShardGuard l(this, s.mu);
    Table& t = s.dbs[d];
    Entry* e = t.RandomEntry(&RandomU64);
    if (e == nullptr) {
      total -= sizes[i];  // emptied meanwhile
      sizes[i] = 0;
      continue;
    }
    if (Expired(e, now)) {
      std::string k(e->key());
      Reap(s, t, Table::Hash(k), k);
      --sizes[i];
      --total;
      continue;
    }
    key->assign(e->key());
    return true;
  }
  return false;
}

void MemoryEngine::Flush(int db, bool async) {
  std::vector<Table> dead;
  // All shards at once: the flush is atomic, and watchers learn which keys it removed.
  LockAll();
  if (KeyspaceObserver* observer = active_observer()) {
    const std::int64_t now = UnixTimeMs();
    for (int d = 0; d < num_databases_; ++d) {
      if (db >= 0 && d != db) continue;
      observer->DbModified(d, [&](std::string_view key) { return LiveLocked(d, key, now); });
    }
  }
  for (int i = 0; i < kNumShards; ++i) {
    Shard& s = shards_[i];
    for (int d = 0; d < num_databases_; ++d) {
      if (db >= 0 && d != db) continue;
      Table& t = s.dbs[static_cast<std::size_t>(d)];
      if (t.size() == 0) continue;
      dead.push_back(std::move(t));
      t = Table();
    }
  }
  if (snap_ != nullptr) {
    // The running export still owes keys of these tables: it settles and frees them.
    ++snap_layout_gen_;
    std::lock_guard<std::mutex> l(snap_mu_);
    for (auto& t : dead) snap_detached_.push_back(std::move(t));
    dead.clear();
  }
  UnlockAll();
  if (async) {
    std::lock_guard<std::mutex> l(bg_mu_);
    for (auto& t : dead) to_free_.push_back(std::move(t));
    bg_cv_.notify_all();
  }
  // Otherwise `dead` frees everything as it goes out of scope.
}

void MemoryEngine::SwapDb(int a, int b) {
  LockAll();
  if (KeyspaceObserver* observer = active_observer()) {
    const std::int64_t now = UnixTimeMs();
    auto present = [&](std::string_view key) {
      return LiveLocked(a, key, now) || LiveLocked(b, key, now);
    };
    observer->DbModified(a, present);
    if (b != a) observer->DbModified(b, present);
  }
  for (int i = 0; i < kNumShards; ++i) {
    std::swap(shards_[i].dbs[static_cast<std::size_t>(a)], shards_[i].dbs[static_cast<std::size_t>(b)]);
    std::swap(shards_[i].expire_cursor[static_cast<std::size_t>(a)],
              shards_[i].expire_cursor[static_cast<std::size_t>(b)]);
  }
  ++snap_layout_gen_;  // a running export's walk must look at the moved tables again
  UnlockAll();
  std::int64_t ta = avg_ttl_[static_cast<std::size_t>(a)];
  avg_ttl_[static_cast<std::size_t>(a)] = avg_ttl_[static_cast<std::size_t>(b)].load();
  avg_ttl_[static_cast<std::size_t>(b)] = ta;
}

bool MemoryEngine::Unlink(Table& t, std::uint64_t hash, std::string_view key) {
  Entry* e = t.Remove(hash, key);
  if (e == nullptr) return false;
  Dispose(t, e);
  return true;
}

void MemoryEngine::Reap(Shard& s, Table& t, std::uint64_t hash, std::string_view key) {
  Entry* e = t.Remove(hash, key);
  if (e == nullptr) return;
  ++s.expired;
  // Told while the entry (which `key` may point into) still exists.
  if (KeyspaceObserver* o = observer()) o->KeyExpired(static_cast<int>(&t - s.dbs.data()), e->key());
  Dispose(t, e);
}

void MemoryEngine::Dispose(Table& t, Entry* e) {
  Settle(t, e);
  t.bytes_used -= static_cast<std::int64_t>(e->AllocatedBytes());
  Entry::Free(e);
}

std::size_t MemoryEngine::IndexBytes(const Table& t) { return t.bucket_count() * sizeof(Entry*); }

DbStats MemoryEngine::GetDbStats(int db) {
  DbStats st;
  for (int i = 0; i < kNumShards; ++i) {
    ShardGuard l(this, shards_[i].mu);
    const Table& t = shards_[i].dbs[static_cast<std::size_t>(db)];
    st.keys += t.size();
    st.expires += t.expires();
    st.index_bytes += IndexBytes(t);
  }
  st.avg_ttl_ms = st.expires ? avg_ttl_[static_cast<std::size_t>(db)].load() : 0;
  // Every entry carries a next pointer, an LRU stamp, type and flags (Entry's header);
  // a key with an expiry carries the 8-byte time inline as well.
  st.index_bytes += st.keys * Entry::kHeaderBytes;
  st.expires_bytes = st.expires * sizeof(std::int64_t);
  return st;
}

void MemoryEngine::WriteInfo(std::string_view section, InfoFields& out) {
  if (section != kInfoStats && section != kInfoMemory && section != kInfoStorage) return;
  std::uint64_t expired = 0, hits = 0, misses = 0, keys = 0;
  std::int64_t bytes = 0;
  for (int i = 0; i < kNumShards; ++i) {
    ShardGuard l(this, shards_[i].mu);
    expired += shards_[i].expired;
    hits += shards_[i].hits;
    misses += shards_[i].misses;
    for (const Table& t : shards_[i].dbs) {
      bytes += static_cast<std::int64_t>(IndexBytes(t)) + t.bytes_used;
      keys += t.size();
    }
  }
  const std::uint64_t dataset = bytes > 0 ? static_cast<std::uint64_t>(bytes) : 0;
  if (section == kInfoStats) {
    out.Add("expired_keys", expired);
    out.Add("evicted_keys", std::uint64_t{0});  // no maxmemory eviction yet
    out.Add("keyspace_hits", hits);
    out.Add("keyspace_misses", misses);
  } else if (section == kInfoMemory) {
    out.Add("used_memory_dataset", dataset);
  } else {
    out.Add("storage_engine", name());
    out.Add("storage_keys", keys);
    out.Add("storage_dataset_bytes", dataset);
    out.Add("storage_databases", num_databases_);
    out.Add("storage_shards", kNumShards);
    out.Add("storage_checkpoint_format", "strata-checkpoint-v1");
    out.Add("storage_exports_completed", exports_.load());
    bool running = false;
    {
      // snap_ changes only with every shard locked: one shard's lock is enough to read it.
      ShardGuard l(this, shards_[0].mu);
      running = snap_ != nullptr;
    }
    out.Add("storage_export_in_progress", running ? 1 : 0);
  }
}

void MemoryEngine::ResetStats() {
  for (int i = 0; i < kNumShards; ++i) {
    ShardGuard l(this, shards_[i].mu);
    shards_[i].expired = shards_[i].hits = shards_[i].misses = 0;
  }
}

std::size_t MemoryEngine::KeyMemoryUsage(int db, std::string_view key) {
  std::uint64_t h = Table::Hash(key);
  Shard& s = shards_[static_cast<std::size_t>(ShardOf(h))];
  ShardGuard l(this, s.mu);
  Entry* e = s.dbs[static_cast<std::size_t>(db)].Find(h, key);
  if (e == nullptr || Expired(e, UnixTimeMs())) return 0;
  return EntryMemoryUsage(e);
}

// Keys with an expiry an active-expire pass looks at in a table before it judges whether
// continuing pays (Redis samples 20 per loop).
constexpr std::size_t kExpireSample = 20;

std::uint64_t MemoryEngine::ActiveExpireCycle(std::size_t min_buckets) {
  const std::int64_t now = UnixTimeMs();
  std::uint64_t removed = 0;
  // Far-future expiries summed over many keys overflow 64 bits; a double is plenty for an
  // average.
  std::vector<double> ttl_sum(static_cast<std::size_t>(num_databases_), 0);
  std::vector<std::int64_t> ttl_n(static_cast<std::size_t>(num_databases_), 0);
  for (int i = 0; i < kNumShards; ++i) {
    Shard& s = shards_[i];
    ShardGuard l(this, s.mu);
    for (int d = 0; d < num_databases_; ++d) {
      Table& t = s.dbs[static_cast<std::size_t>(d)];
      if (t.expires() == 0) continue;
      std::uint64_t& cur = s.expire_cursor[static_cast<std::size_t>(d)];
      // Up to a tenth of the table per cycle, but, as Redis, only while it pays: once 20
      // keys with an expiry were looked at and fewer than a tenth of them had expired, the
      // rest waits for the next cycle. Walking every key of a large table ten times a
      // second held the shard locks and a core's worth of cache misses against the
      // commands when nothing was due (a workload giving every key a long TTL ran 0.7x).
      std::size_t budget = std::max(min_buckets, t.bucket_count() / 10 + 1);
      const bool exhaustive = min_buckets >= t.bucket_count();
      std::size_t volatile_seen = 0, expired_seen = 0;
      for (std::size_t b = 0; b < budget && t.expires() > 0; ++b) {
        cur = t.ScanBucket(cur, [&](Entry* e) {
          if (!e->has_expire()) return;
          ++volatile_seen;
          if (e->expire() <= now) {
            std::string key(e->key());
            Reap(s, t, Table::Hash(key), key);
            ++removed;
            ++expired_seen;
          } else {
            ttl_sum[static_cast<std::size_t>(d)] += static_cast<double>(e->expire() - now);
            ++ttl_n[static_cast<std::size_t>(d)];
          }
        });
        if (cur == 0) break;
        if (!exhaustive && volatile_seen >= kExpireSample &&
            expired_seen * 10 < volatile_seen) {
          break;
        }
      }
    }
  }
  for (int d = 0; d < num_databases_; ++d) {
    auto n = ttl_n[static_cast<std::size_t>(d)];
    if (n > 0) {
      avg_ttl_[static_cast<std::size_t>(d)] =
          static_cast<std::int64_t>(ttl_sum[static_cast<std::size_t>(d)] / static_cast<double>(n));
    }
  }
  return removed;
}

void MemoryEngine::TEST_ActiveExpireAll() { ActiveExpireCycle(SIZE_MAX / 2); }

void MemoryEngine::BackgroundLoop() {
  std::unique_lock<std::mutex> l(bg_mu_);
  while (!stop_) {
    bg_cv_.wait_for(l, std::chrono::milliseconds(100));
    lru_clock_.store(LruClock(UnixTimeMs()), std::memory_order_relaxed);
    if (stop_) break;
    std::vector<Table> to_free = std::move(to_free_);
    to_free_.clear();
    l.unlock();
    to_free.clear();  // frees the entries of asynchronously flushed databases
    if (active_expire_.load() && ActiveExpireCycle(16) > 0) {
      if (KeyspaceObserver* o = observer()) o->ExpirySweepDone();
    }
    l.lock();
  }
}

}  // namespace strata::memory
