// The storage engine seam: every command family reaches data only through this interface,
// so a command is written once and runs on the memory, hybridlog and cloud engines alike.
//
// Model
// -----
// * A keyspace of `num_databases()` numbered databases (Redis's SELECT index). Keys are
//   binary-safe byte strings; values are typed (see value.h).
// * A command declares what it touches before it runs: an AccessSet of (db, key, intent),
//   or the whole keyspace. The dispatcher builds it from the command table's key specs.
// * Residency first: `Prefetch(access)` makes those keys resident and pins them until
//   `ReleasePins`. The memory engine answers "ready" at once. Engines whose data lives on
//   disk or in S3 start the reads and answer "pending"; the waker is called when the keys
//   are pinned, and only the waiting connection is suspended meanwhile.
// * Atomicity comes from key locks. `Execute(access, fn)` locks the keys in a fixed global
//   order and runs `fn` with a `Keyspace` through which exactly those keys may be used, as
//   their intents allow. Nothing else can observe or modify them meanwhile, on any thread.
//   A key lock covers that key in *every* database, so MOVE, COPY ... DB and SWAPDB stay
//   atomic. Multi-key commands and MULTI/EXEC lock the union of their keys once.
// * Reads and writes are different lookups: Find gives a const view, FindForWrite a
//   mutable collection the engine treats as changed; Stat gives metadata without a value.
//   A view is valid until its key is written or Execute returns.
// * Notifications are explicit: a command calls Keyspace::SignalModified where Redis calls
//   signalModifiedKey; the observer (WATCH, blocked clients) hears nothing else per key.
// * Expiry is part of the engine: a key past its expiry time is never returned (lazy
//   expiry), and the engine reclaims keys nobody touches again in the background.
//
// Thread safety: all methods of StorageEngine may be called concurrently from any thread.
// A Keyspace is valid only inside the Execute call that produced it, on that thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "strata/function_ref.h"
#include "strata/status.h"
#include "strata/value.h"

namespace strata {

// Why a command touches a key; the engine uses it to load only what is needed and to tell
// readers from writers (a snapshot, copy-on-write and persistence care only about writers).
// The strongest intent a command declares for a key bounds what it may do with it in
// Execute:
enum class KeyIntent : std::uint8_t {
  kMeta,       // existence, type, expiry only (EXISTS, TYPE, TTL, WATCH): Stat
  kRead,       // the value, read-only (GET, LRANGE): Find, Peek, Stat
  kOverwrite,  // replaced or deleted without reading the old value (SET, DEL): Stat, writes
  kWrite,      // read-modify-write (INCR, LPUSH, SETRANGE): everything
};

// One key a command touches, in the database it touches it in.
struct KeyAccess {
  int db = 0;
  std::string_view key;
  KeyIntent intent = KeyIntent::kWrite;
};

// Everything a command (or a whole MULTI/EXEC) touches, declared before it runs.
struct AccessSet {
  std::span<const KeyAccess> keys;
  // The whole keyspace (FLUSHALL, SWAPDB, KEYS, DBSIZE, EXEC containing such a command):
  // every key is locked and the keyspace-wide methods may be called inside Execute.
  bool all = false;
};

// A read view of one key's value (Keyspace::Find, Peek). Valid until that key is written
// through the same Keyspace or Execute returns, whichever comes first.
struct ValueRef {
  ValueType type = ValueType::kNone;
  std::string_view str;         // the bytes, when type == kString
  const Object* obj = nullptr;  // the collection, otherwise
  std::int64_t expire_at_ms = kNoExpire;
  // kString only, for OBJECT ENCODING (Redis's reply depends on how a string was made, not
  // only on its bytes, and clients can observe it): the string was grown or edited in place
  // (APPEND, SETRANGE), which Redis reports as "raw" whatever its length or content.
  bool str_raw = false;
  // kString only: the value reads as an integer but Redis would not hold it as one
  // (INCRBYFLOAT's result), so OBJECT ENCODING says "embstr" rather than "int".
  bool str_not_int = false;

  explicit operator bool() const { return type != ValueType::kNone; }
};

// A collection opened for writing (Keyspace::FindForWrite): the object may be mutated in
// place until that key is written otherwise or Execute returns. The engine takes it as
// changed (copy-on-write for a snapshot, persisted at the end of Execute); there is nothing
// else to call.
struct WriteRef {
  ValueType type = ValueType::kNone;
  Object* obj = nullptr;  // the collection; nullptr for strings (write those with SetString)
  std::string_view str;   // the bytes, when type == kString
  std::int64_t expire_at_ms = kNoExpire;

  explicit operator bool() const { return type != ValueType::kNone; }
};

// What Stat returns: a key's existence, type and expiry, without its value.
struct KeyInfo {
  ValueType type = ValueType::kNone;
  std::int64_t expire_at_ms = kNoExpire;

  explicit operator bool() const { return type != ValueType::kNone; }
};

class KeyspaceObserver;

// Access to the locked keys during Execute. Every method takes the database index and the
// key; touching a key that was not declared, or beyond its intent, is a programming error
// (asserted in debug builds; the test-only checking engine reports it always).
class Keyspace {
 public:
  explicit Keyspace(KeyspaceObserver* observer) : observer_(observer) {}
  virtual ~Keyspace() = default;

  // Existence, type and expiry. An expired key is absent. Not an access (OBJECT IDLETIME).
  virtual KeyInfo Stat(int db, std::string_view key) = 0;
  // The live value of `key` for reading, or a ValueRef of type kNone. An expired key is
  // deleted here and reported as absent. Counts as an access (engines that keep LRU/LFU
  // data stamp it).
  virtual ValueRef Find(int db, std::string_view key) = 0;
  // Like Find, but not an access (OBJECT ENCODING, MEMORY USAGE).
  virtual ValueRef Peek(int db, std::string_view key) = 0;
  // The live value of `key` for changing in place, or a WriteRef of type kNone. An access.
  virtual WriteRef FindForWrite(int db, std::string_view key) = 0;
  // Seconds since the key was last accessed, or -1 if absent; 0 from engines that keep no
  // access times.
  virtual std::int64_t IdleSeconds(int db, std::string_view key) = 0;

  // Stores a string value, replacing any value of any type, with the given expiry
  // (kKeepExpire keeps the key's current expiry).
  virtual void SetString(int db, std::string_view key, std::string_view value,
                         std::int64_t expire_at_ms) = 0;
  // Resizes the string at `key` to `len` bytes and returns a writable pointer to them,
  // valid until the next call on this Keyspace. An existing string keeps its prefix and its
  // expiry; a new key is created zero-filled and persistent. Growth is amortized (APPEND in
  // a loop is linear). Precondition: the key is absent or holds a string.
  virtual char* ResizeString(int db, std::string_view key, std::size_t len) = 0;
  // Stores a collection, replacing any value, with the given expiry (or kKeepExpire).
  virtual void SetObject(int db, std::string_view key, std::unique_ptr<Object> obj,
                         std::int64_t expire_at_ms) = 0;

  // Removes the key. Returns whether it existed (and had not expired).
  virtual bool Delete(int db, std::string_view key) = 0;
  // Sets or clears (kNoExpire) the expiry of an existing key. Returns whether it existed.
  // An expiry in the past deletes the key.
  virtual bool SetExpire(int db, std::string_view key, std::int64_t expire_at_ms) = 0;
  // Moves the value and expiry of (src_db, src) to (dst_db, dst), replacing whatever was
  // there. Returns false if src does not exist. src == dst in the same db is a no-op.
  virtual bool Rename(int src_db, std::string_view src, int dst_db, std::string_view dst) = 0;

  // Records that the string at `key` must not be reported as integer-encoded (see
  // ValueRef::str_not_int); cleared by the next SetString. Engines may ignore it.
  virtual void MarkStringNotInteger(int db, std::string_view key) {
    (void)db;
    (void)key;
  }

  // Bytes MEMORY USAGE reports for a locked key (0 if absent). Engines that know their
  // exact layout override this; the default estimates from the value.
  virtual std::size_t KeyMemoryUsage(int db, std::string_view key) {
    ValueRef v = Peek(db, key);
    if (!v) return 0;
    std::size_t bytes = key.size() + 16;  // per-key header and index share
    bytes += v.type == ValueType::kString ? v.str.size() : v.obj->MemoryUsage();
    return bytes;
  }

  // Redis's signalModifiedKey: tells WATCH and clients blocked on `key` that a command
  // changed it. Commands call it exactly where Redis does — after a write that took effect,
  // and for a few writes that changed nothing (LTRIM keeping every element) — never for a
  // no-op such as LPOP with count 0. Writing a key does not signal by itself.
  void SignalModified(int db, std::string_view key);
  // Redis's signalKeyAsReady without signalModifiedKey: `key` changed in a way Redis does
  // not show to WATCH (a stream's consumer groups: XREADGROUP, XACK, XCLAIM, XGROUP), but
  // clients blocked on it must look again (XGROUP DESTROY answers its readers).
  void SignalReady(int db, std::string_view key);

 protected:
  // Test engines that wrap another engine's Keyspace forward signals through this.
  KeyspaceObserver* observer() const { return observer_; }

 private:
  KeyspaceObserver* observer_;  // null or inactive: nobody listens
};

// What one StorageEngine::Scan call looks at and hands back.
struct ScanOptions {
  // The work bound of one call, as Redis's COUNT: about this many keys (live, expired or
  // filtered out) are examined, whatever is emitted. 0 counts as 1.
  std::size_t count = 10;
  // Only keys matching this glob (Redis's MATCH; a lone "*" matches every key, the empty
  // one included). Applied by the engine, before the key's value is loaded.
  std::optional<std::string_view> match;
  // Only keys of this type (Redis's TYPE). kNone matches no key (an unknown type name:
  // Redis then still walks the keyspace and returns nothing).
  std::optional<ValueType> type;
  // Whether emit needs the value; otherwise engines hand out key, type and expiry only and
  // need not load a value from disk.
  bool values = false;
};

// What one StorageEngine::Scan call did.
struct ScanResult {
  // Where to go on: 0 when the walk is complete. When `pending`, the cursor the call was
  // given, unchanged.
  std::uint64_t cursor = 0;
  // The engine must read from disk or the network first: nothing was emitted, and the
  // waker passed to Scan is called once that is done. The caller then calls Scan again with
  // the same cursor (an error given to the waker ends the scan).
  bool pending = false;
};

// One database's figures for INFO keyspace and MEMORY STATS.
struct DbStats {
  std::uint64_t keys = 0;
  std::uint64_t expires = 0;  // keys with an expiry
  std::int64_t avg_ttl_ms = 0;
  // Bytes the engine spends to index the keys (MEMORY STATS overhead.hashtable.main) and
  // to record their expiries (overhead.hashtable.expires), beyond keys and values.
  std::uint64_t index_bytes = 0;
  std::uint64_t expires_bytes = 0;
};

// Name/value lines an engine writes for one INFO section (StorageEngine::WriteInfo). The
// INFO command places Redis's fields in Redis's order by name, so an engine may write them
// in any order and leave out what it does not keep (read as 0).
class InfoFields {
 public:
  void Add(std::string_view name, std::string_view value) {
    fields_.emplace_back(std::string(name), std::string(value));
  }
  void Add(std::string_view name, std::uint64_t value) { Add(name, std::to_string(value)); }
  void Add(std::string_view name, std::int64_t value) { Add(name, std::to_string(value)); }
  void Add(std::string_view name, int value) { Add(name, std::to_string(value)); }

  // The value written for `name`, or `missing`.
  std::string_view Get(std::string_view name, std::string_view missing = "0") const {
    for (const auto& [n, v] : fields_) {
      if (n == name) return v;
    }
    return missing;
  }
  // The value of `name` as a number (0 if absent or not a number).
  std::uint64_t GetU64(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// The INFO sections an engine writes into. Redis's own (stats, memory) take the Redis
// field names the engine knows (expired_keys, evicted_keys, keyspace_hits, keyspace_misses;
// used_memory_dataset); "storage" is the engine's own section, free-form.
inline constexpr std::string_view kInfoStats = "stats";
inline constexpr std::string_view kInfoMemory = "memory";
inline constexpr std::string_view kInfoStorage = "storage";

// Told about changes to the keyspace, for WATCH and for clients blocked on keys. Called on
// the thread making the change while the engine holds the changed keys' locks: an observer
// must be quick and must not call back into the engine.
class KeyspaceObserver {
 public:
  virtual ~KeyspaceObserver() = default;
  // False while nobody is interested; engines may then skip the notifications.
  virtual bool Active() const = 0;
  // A command signalled `key` of `db` as modified (Keyspace::SignalModified). Keys removed
  // because their time passed are not reported: a WATCH notices those by their absence.
  virtual void KeyModified(int db, std::string_view key) = 0;
  // A command signalled `key` as ready for the clients blocked on it, not as modified
  // (Keyspace::SignalReady): WATCH does not hear of it.
  virtual void KeyReady(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
  // Many keys of `db` changed at once (FLUSHDB, FLUSHALL, SWAPDB). `present(key)` tells
  // whether `key` exists in `db` before the change or will exist after it; it may be called
  // only during this call.
  virtual void DbModified(int db, FunctionRef<bool(std::string_view key)> present) = 0;
  // A key was created (it did not exist, or had expired): Redis's "new" keyspace event.
  // Called whether or not Active(), with the key locked: quick, and never calling the engine.
  virtual void KeyCreated(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
  // A key was removed because its time had passed, found by a command (lazy expiry) or by
  // the engine's sweep: the "expired" event. Same rules as KeyCreated.
  virtual void KeyExpired(int db, std::string_view key) {
    (void)db;
    (void)key;
  }
  // The engine's own expiry sweep removed keys and holds no lock now: the observer may act
  // on what KeyExpired told it from that thread, calling into the engine (clients blocked
  // on an expired key are answered here; a command's thread does that after the command).
  virtual void ExpirySweepDone() {}
};

// Receives the keys of a portable export (StorageEngine::Export). Emit is called on the
// snapshot's thread and also on threads about to change a key the snapshot has not reached
// yet, while that key is locked: it must be thread-safe and quick, and must not call the
// engine.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  // The point in time is fixed; `at_ms` is its wall-clock time. Called once, first.
  virtual void Begin(std::int64_t at_ms) = 0;
  // One key as it was at the point in time. The views are valid during the call only.
  virtual void Emit(int db, std::string_view key, const ValueRef& value) = 0;
  // Called often on the snapshot's thread with no engine lock held: the place for slow work
  // (writing out what Emit gathered). An error ends the snapshot early.
  virtual Status Drain() = 0;
};

// Progress of a long checkpoint or recovery: keys so far, bytes so far, and the total
// (bytes for a recovery; for a checkpoint, the number of keys when it began).
using ProgressFn =
    std::function<void(std::uint64_t keys, std::uint64_t bytes_done, std::uint64_t total)>;

// Kept up to date while a checkpoint is written (INFO current_save_keys_total/processed).
struct CheckpointFigures {
  std::atomic<std::uint64_t> keys_total{0};  // keys when the checkpoint began
  std::atomic<std::uint64_t> keys_done{0};   // keys written so far
};

struct CheckpointRequest {
  std::string dir;  // where the engine keeps its checkpoints (created if missing)
  int keep = 2;     // complete checkpoints to keep, the new one included
  // Once true, the checkpoint stops, fails with an Aborted status and leaves nothing behind.
  const std::atomic<bool>* cancel = nullptr;
  ProgressFn progress;  // called every few seconds
  // Called once the point in time is fixed, under the engine's locks (keep it short):
  // BGSAVE returns only then, so later commands are not in the checkpoint.
  std::function<void()> on_begin;
  CheckpointFigures* figures = nullptr;  // optional
  // What the server keeps beside the keys (its function libraries), stored verbatim and
  // handed back by Recover; empty for none.
  std::string server_data;
};

struct CheckpointResult {
  std::string path;  // what was written (a file or a manifest)
  std::uint64_t keys = 0;
  std::uint64_t bytes = 0;
  std::int64_t duration_ms = 0;
};

// What recovery does with a damaged newest checkpoint.
enum class OnCorrupt : std::uint8_t {
  kRefuse,    // refuse to start: an operator decides
  kPrevious,  // set it aside (renamed *.corrupt) and recover the one before it
};

struct RecoverRequest {
  std::string dir;   // the directory Checkpoint writes to
  std::string path;  // if set, recover exactly this checkpoint (--restore): it must load
  OnCorrupt on_corrupt = OnCorrupt::kRefuse;
  // Polled often: once true, recovery gives up with a Busy status (shutdown).
  const std::atomic<bool>* stop = nullptr;
  // Called as each candidate checkpoint starts to load, with its size in bytes.
  std::function<void(const std::string& path, std::uint64_t bytes)> on_start;
  ProgressFn progress;
  int key_delay_us = 0;  // sleep after each key (checkpoint.key_load_delay_us, tests only)
};

struct RecoverResult {
  std::string path;  // the checkpoint recovered; empty if there was none
  std::uint64_t keys_loaded = 0;
  std::uint64_t keys_expired = 0;  // skipped: their expiry time had passed
  std::uint64_t bytes = 0;
  std::int64_t duration_ms = 0;
  std::string server_data;  // CheckpointRequest::server_data of the checkpoint recovered
};

// What a completed Prefetch pinned, owned by the caller between Prefetch and ReleasePins.
// Engines that pin nothing leave it empty; others keep their own handle in `token`.
struct PinSet {
  std::uint64_t token = 0;
  bool empty() const { return token == 0; }
};

// Told when a pending Prefetch is done. Implemented by whoever waits (a client session, a
// blocked-client server); called once, on an engine thread, with no engine lock held: it
// should hand the work back to the waiter's own thread rather than run it there.
class PrefetchWaker {
 public:
  virtual ~PrefetchWaker() = default;
  virtual void PrefetchDone(Status status) = 0;
};

class StorageEngine {
 public:
  virtual ~StorageEngine() = default;

  // Installs the observer (nullptr: none). Call before serving commands.
  virtual void set_observer(KeyspaceObserver* observer) { observer_ = observer; }

  // "memory", "hybridlog" or "cloud".
  virtual std::string_view name() const = 0;
  virtual int num_databases() const = 0;

  // Makes the keys of `access` resident and pins them: they stay resident until
  // ReleasePins(pins), so the Execute that follows finds every one of them without I/O.
  // Returns true if that is so already (the memory engine, always: synchronously, without
  // allocating). Otherwise returns false, and calls `waker->PrefetchDone` exactly once,
  // from any thread but never from inside this call, when the keys are pinned — or with the I/O error that prevented it (then
  // nothing is pinned). `pins` and `waker` must outlive that call; until it, the caller
  // must not touch `pins`. Intents say how much must be loaded: kMeta and kOverwrite keys
  // need no value. An AccessSet with `all` pins nothing: keyspace-wide work pages data in
  // itself.
  virtual bool Prefetch(const AccessSet& access, PinSet* pins, PrefetchWaker* waker) {
    (void)access;
    (void)pins;
    (void)waker;
    return true;
  }
  // Ends a pin taken by Prefetch; a PinSet that pins nothing is ignored. Call after the
  // Execute the keys were prefetched for.
  virtual void ReleasePins(PinSet* pins) { (void)pins; }

  // Locks the keys of `access` (a key's lock covers it in every database), runs `fn`,
  // unlocks. `fn` must not call Execute again. While `fn` runs with the whole keyspace locked
  // (access.all), it may call the keyspace-wide methods below (DbSize, Scan, RandomKey,
  // Flush, SwapDb, GetDbStats, WriteInfo, KeyMemoryUsage) on the same thread: they then use the locks
  // already held (MULTI/EXEC runs FLUSHDB or KEYS this way).
  virtual void Execute(const AccessSet& access, FunctionRef<void(Keyspace&)> fn) = 0;

  // Batching, for the commands of one pipelined read: between BeginBatch and EndBatch on one
  // thread, an Execute may leave its locks held for the next Execute on that thread, so a
  // pipeline of commands on one hot key locks it once. Every other engine call on the thread
  // releases what was kept first. The caller ends the batch before anything that could wait
  // for another thread (a keyless command such as SAVE, serving blocked clients, suspending
  // the connection) and at the end of the read. Engines without locks to keep ignore it.
  virtual void BeginBatch() {}
  virtual void EndBatch() {}

  // Number of keys in `db`. Keys that expired but were not reclaimed yet may be counted,
  // as Redis's DBSIZE counts them; an engine whose index lives on disk may answer from a
  // counter it keeps rather than by walking the index. The memory engine is exact.
  virtual std::uint64_t DbSize(int db) = 0;
  // Incremental iteration with Redis's guarantees: a key present for the whole scan is
  // returned at least once; a key may be returned more than once (across calls, when the
  // keyspace is resized), and a key added or removed meanwhile may or may not be. Cursor 0
  // starts; the result's cursor is 0 when done. Each call examines about `options.count`
  // keys (never the whole keyspace at once unless asked to), and calls `emit` for each live
  // key that passes the MATCH and TYPE filters, with its type and expiry, and its value
  // (`value` non-null) only when `options.values` is set. The views are valid during the
  // call only; `emit` must not call the engine.
  // Going pending: with a `waker`, an engine that must do I/O first may return `pending`
  // (see ScanResult) and call waker->PrefetchDone exactly once later, from another thread,
  // never from inside this call. Without one (inside Execute with the whole keyspace locked,
  // snapshots, tests) it must complete the call itself. The memory engine never goes
  // pending.
  virtual ScanResult Scan(int db, std::uint64_t cursor, const ScanOptions& options,
                          FunctionRef<void(std::string_view key, const KeyInfo& info,
                                           const ValueRef* value)> emit,
                          PrefetchWaker* waker = nullptr) = 0;
  // A random live key, or false if the database is empty. The memory engine picks every key
  // with the same chance (Redis's fair random key comes close); engines whose keys are not
  // all in RAM may favour resident keys or sample their index, and say so.
  virtual bool RandomKey(int db, std::string* key) = 0;
  // Empties `db` (or every database for db < 0). With `async`, memory is released in the
  // background; the keys are gone before this returns either way.
  virtual void Flush(int db, bool async) = 0;
  // Exchanges the contents of two databases atomically.
  virtual void SwapDb(int a, int b) = 0;

  virtual DbStats GetDbStats(int db) = 0;
  // Writes the engine's fields of INFO `section` (kInfoStats, kInfoMemory, kInfoStorage)
  // into `out`; nothing for a section it has no part in. Callable inside Execute(all).
  virtual void WriteInfo(std::string_view section, InfoFields& out) = 0;
  // CONFIG RESETSTAT: zeroes the counters WriteInfo reports for kInfoStats.
  virtual void ResetStats() = 0;
  // Bytes MEMORY USAGE reports for `key` (0 if absent).
  virtual std::size_t KeyMemoryUsage(int db, std::string_view key) = 0;

  // Durability. A checkpoint is the engine's own: its format, its files, its way of
  // fixing a point in time. An engine without a native form implements all three with the
  // portable checkpoint file (docs/checkpoint-format.md), written through Export and read
  // back through Execute by src/checkpoint (WriteCheckpoint, ListCheckpoints,
  // RecoverCheckpoint), as the memory engine does; engines with a cheaper native form (an
  // index plus a flushed log prefix, a cloud manifest) write their own. They are not
  // defaults here because the seam sits below the checkpoint code in the layering.
  //
  // Writes a checkpoint of the keyspace as it is when the call begins into request.dir,
  // while commands keep being served on engines that can. At most one runs at a time.
  virtual StatusOr<CheckpointResult> Checkpoint(const CheckpointRequest& request) = 0;
  // Whether `dir` holds something Recover could load.
  virtual bool HasRecoverableState(const std::string& dir) = 0;
  // Loads the newest intact checkpoint of request.dir (or request.path) into this engine,
  // which must be empty and not yet serving writes. On failure nothing half-loaded stays.
  // A damaged checkpoint is a Corruption status unless on_corrupt lets it fall back.
  virtual StatusOr<RecoverResult> Recover(const RecoverRequest& request) = 0;

  // The portable, logical dump, for moving data between engines: gives `sink` every key
  // live at one point in time, exactly once, with its value and expiry of that moment, and
  // returns when done (or when Drain fails, or `cancel` becomes true: then the result is
  // incomplete and the status says so). Runs on the caller's thread. Engines that can serve
  // commands meanwhile do (a key that is about to change is emitted first); the default
  // locks the whole keyspace for the duration. At most one export runs at a time.
  virtual Status Export(SnapshotSink& sink, const std::atomic<bool>* cancel = nullptr);

  // Stops background work; called once before destruction.
  virtual void Shutdown() {}

  // DEBUG SET-ACTIVE-EXPIRE: turns the background reclaiming of expired keys on or off, so
  // tests can observe lazy expiry alone. Engines without such a sweep ignore it.
  virtual void SetActiveExpire(bool on) { (void)on; }

 protected:
  // The observer if one is installed and currently interested, else nullptr.
  KeyspaceObserver* active_observer() const {
    return observer_ != nullptr && observer_->Active() ? observer_ : nullptr;
  }
  // The installed observer, interested or not (for Keyspace, which asks at each signal).
  KeyspaceObserver* observer() const { return observer_; }

 private:
  KeyspaceObserver* observer_ = nullptr;
};

inline void Keyspace::SignalModified(int db, std::string_view key) {
  if (observer_ != nullptr && observer_->Active()) observer_->KeyModified(db, key);
}

inline void Keyspace::SignalReady(int db, std::string_view key) {
  if (observer_ != nullptr && observer_->Active()) observer_->KeyReady(db, key);
}

}  // namespace strata
